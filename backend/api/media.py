"""GET /media/<path>: the stored photos, only while the public may see them."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory

from backend.disclosure.projection import visible_attachment

bp = Blueprint("media", __name__)


@bp.get("/media/<path:name>")
def media(name: str):
    if "\x00" in name or visible_attachment(name) is None:  # PostgreSQL text cannot hold a NUL
        abort(404)
    response = send_from_directory(current_app.config["MEDIA_DIR"], name, mimetype="image/jpeg", max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
