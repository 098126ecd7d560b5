"""Citizens' photos: checked, re-encoded without any metadata, stored under MEDIA_DIR.

An upload is trusted for nothing: its name and declared type are ignored, Pillow must
recognise the bytes as a JPEG, PNG or WebP, the pixel count is checked from the header
before decoding (decompression bombs), and what we keep is a fresh JPEG encoded from the
pixels alone, so no EXIF field (GPS, camera serial, owner name) survives.
"""
from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from backend.errors import ValidationFailed
from backend.extensions import db
from backend.reports.models import Attachment, Report

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PHOTOS = 3
_NEW_FILES_KEY = "crowdgov_new_media_files"


@dataclass(frozen=True)
class Photo:
    """A checked photo, re-encoded in memory, not yet stored."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _refuse(code: str, message: str, field: str) -> ValidationFailed:
    return ValidationFailed(code, message, {"photos": field})


def process(data: bytes) -> Photo:
    """Check one upload and re-encode it; ValidationFailed says what is wrong."""
    config = current_app.config
    if len(data) > config["PHOTO_MAX_BYTES"]:
        raise _refuse("photo_too_large", _("A photo may be at most %(mb)d MB.", mb=config["PHOTO_MAX_BYTES"] // 2**20),
                      "file too large")
    if not data:
        raise _refuse("not_an_image", _("This file is not a photo."), "empty file")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x its own limit: make every warning an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _refuse("not_an_image", _("Send a JPEG, PNG or WebP photo."), f"format {probe.format} not accepted")
                width, height = probe.size
                if width * height > config["PHOTO_MAX_PIXELS"] or width < 1 or height < 1:
                    raise _refuse("photo_too_large", _("This photo has too many pixels."), f"{width}x{height} pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = _flatten(image)
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse("photo_too_large", _("This photo has too many pixels."), "decompression bomb") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _refuse("not_an_image", _("This file is not a photo."), f"unreadable image: {exc.__class__.__name__}") from None
    edge = config["PHOTO_MAX_EDGE"]
    image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb_edge = config["PHOTO_THUMBNAIL_EDGE"]
    thumb.thumbnail((thumb_edge, thumb_edge), Image.Resampling.LANCZOS)
    return Photo(image=_jpeg(image), thumbnail=_jpeg(thumb), width=image.width, height=image.height)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels only: transparency onto white, palettes and CMYK converted."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # A new image object carries no info dict: nothing but pixels is written.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def attach(report: Report | None, photos: list[Photo]) -> list[Attachment]:
    """Write the photos under unguessable names and add their rows to the session.

    Without a report the rows belong to nobody's photo list (a citizen's update holds its own).

    The files are removed again if the transaction rolls back.
    """
    rows = []
    folder = media_dir() / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    for photo in photos:
        name = secrets.token_urlsafe(24)
        path, thumb = f"photos/{name}.jpg", f"photos/{name}-t.jpg"
        for relative, data in ((path, photo.image), (thumb, photo.thumbnail)):
            (media_dir() / relative).write_bytes(data)
            db.session.info.setdefault(_NEW_FILES_KEY, []).append(str(media_dir() / relative))
        row = Attachment(report_id=report.id if report else None, path=path, thumbnail_path=thumb, content_type="image/jpeg",
                         width=photo.width, height=photo.height)
        db.session.add(row)
        rows.append(row)
    return rows


# The transaction's end decides, not a savepoint's: a file written inside a savepoint that
# rolled back goes when the transaction rolls back (a refused report ends its request so).
@event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_NEW_FILES_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _remove_files(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:
        return
    for name in session.info.pop(_NEW_FILES_KEY, []):
        Path(name).unlink(missing_ok=True)


def public_attachments(report: Report) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.report_id == report.id,
                                                            Attachment.redacted.is_(False)).order_by(Attachment.id)))
