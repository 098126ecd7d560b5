"""Photos: real-image check, size and pixel caps, resizing, EXIF (GPS) stripped, served while public."""
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from backend.extensions import db
from backend.reports.models import Attachment, Report
from tests import factories as f
from tests.city_fixture import INSIDE

FIELDS = {"category": "pothole", "lat": str(INSIDE[0]), "long": str(INSIDE[1]), "description": "hole",
          "attributes": json.dumps({"size": "small"})}


@pytest.fixture
def token(city):
    return f.api_token(f.citizen("Photo Taker"))


def send(client, token, files, **fields):
    data = {**FIELDS, **fields, "photos": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/v1/reports", data=data, content_type="multipart/form-data",
                       headers={"Authorization": f"Bearer {token}"})


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc"  # Make
    exif[0x013B] = "Li Wei, 12 Secret Road"  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 13.0, 12.5)
    gps[3], gps[4] = "E", (121.0, 28.0, 44.1)
    return exif.tobytes()


def media_files(app) -> list[Path]:
    return sorted(Path(app.config["MEDIA_DIR"]).rglob("*.jpg"))


def test_a_photo_with_gps_exif_is_stored_without_any_metadata(client, token, app):
    original = f.jpeg((3000, 2000), exif=gps_exif())
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries GPS
        assert check.getexif().get_ifd(0x8825)
    response = send(client, token, [("IMG_0001.jpg", original)])
    assert response.status_code == 201, response.json
    report = client.get(f"/api/v1/reports/{response.json['id']}").json
    assert len(report["photos"]) == 1
    url = report["photos"][0]["url"]
    assert "IMG_0001" not in url
    served = client.get(url.replace(app.config["PUBLIC_BASE_URL"], ""))
    assert served.status_code == 200
    assert served.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(served.data)) as stored:
        assert max(stored.size) == 2048  # resized
        assert stored.size == (2048, 1365)
        assert len(stored.getexif()) == 0
        assert not stored.getexif().get_ifd(0x8825)
        assert "exif" not in stored.info
    assert b"SpyCam" not in served.data and b"Secret Road" not in served.data
    thumb = client.get(report["photos"][0]["thumbnail_url"].replace(app.config["PUBLIC_BASE_URL"], ""))
    with Image.open(io.BytesIO(thumb.data)) as small:
        assert max(small.size) == app.config["PHOTO_THUMBNAIL_EDGE"]


def test_png_with_transparency_is_accepted_and_stored_as_jpeg(client, token):
    out = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 255, 128)).save(out, "PNG")
    response = send(client, token, [("a.png", out.getvalue())])
    assert response.status_code == 201
    row = db.session.scalar(select(Attachment))
    assert row.path.endswith(".jpg") and row.content_type == "image/jpeg"


def test_a_file_that_is_not_an_image_is_refused_whatever_its_name(client, token, app):
    before = media_files(app)
    response = send(client, token, [("photo.jpg", b"%PDF-1.4 not a photo at all")])
    assert response.status_code == 422
    assert response.json["code"] == "not_an_image"
    assert "photos" in response.json["fields"]
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    assert media_files(app) == before


def test_a_truncated_image_is_refused(client, token):
    response = send(client, token, [("cut.jpg", f.jpeg((200, 200))[:300])])
    assert response.status_code == 422
    assert response.json["code"] == "not_an_image"


def test_an_image_bomb_is_refused_before_decoding(client, token):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # 144 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    response = send(client, token, [("bomb.png", out.getvalue())])
    assert response.status_code == 422
    assert response.json["code"] == "photo_too_large"
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_a_file_over_the_size_cap_is_refused(client, token, app, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_BYTES", 1000)
    response = send(client, token, [("big.jpg", f.jpeg((400, 400)))])
    assert response.status_code == 422
    assert response.json["code"] == "photo_too_large"


def test_at_most_three_photos(client, token):
    response = send(client, token, [(f"{i}.jpg", f.jpeg()) for i in range(4)])
    assert response.status_code == 422
    assert response.json["code"] == "too_many_photos"
    response = send(client, token, [(f"{i}.jpg", f.jpeg()) for i in range(3)])
    assert response.status_code == 201
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 3


def test_attributes_that_are_not_json_are_refused(client, token):
    response = send(client, token, [], attributes="{size: small")
    assert response.status_code == 422
    assert "attributes" in response.json["fields"]


def test_names_are_unguessable_and_redacted_or_hidden_photos_are_not_served(client, token, app):
    response = send(client, token, [("a.jpg", f.jpeg()), ("b.jpg", f.jpeg())])
    rows = list(db.session.scalars(select(Attachment).order_by(Attachment.id)))
    names = [Path(r.path).stem for r in rows]
    assert len(set(names)) == 2 and all(len(n) >= 32 for n in names)
    assert client.get(f"/media/{rows[0].path}").status_code == 200
    rows[0].redacted = True
    db.session.commit()
    assert client.get(f"/media/{rows[0].path}").status_code == 404
    assert client.get(f"/media/{rows[0].thumbnail_path}").status_code == 404
    assert len(client.get(f"/api/v1/reports/{response.json['id']}").json["photos"]) == 1
    db.session.get(Report, response.json["id"]).hidden = True
    db.session.commit()
    assert client.get(f"/media/{rows[1].path}").status_code == 404
    assert client.get("/media/photos/../../etc/passwd").status_code == 404


def test_a_request_over_the_body_cap_is_413_in_json(client, token, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = send(client, token, [("a.jpg", f.jpeg((300, 300)))])
    assert response.status_code == 413
    assert response.json["code"] == "request_too_large"
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
