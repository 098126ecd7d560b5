"""Text we refuse at the door: a NUL character (PostgreSQL text cannot store one) or bytes
that are not UTF-8 in a query string or a urlencoded form (werkzeug would silently turn them
into U+FFFD and store garbage).

Each door answers in its own error format, before any row is written.
"""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import lazy_gettext

from backend.errors import ValidationFailed

FORM = "application/x-www-form-urlencoded"
REFUSED = lazy_gettext("Text must be UTF-8 without NUL characters.")
WHY = "not UTF-8 or contains a NUL character"


def _undecodable(raw: bytes) -> str | None:
    for pair in raw.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", "replace")[:40]
    return None


def bad_text_field() -> str | None:
    """The name of the first field of the current request holding a NUL or invalid UTF-8, else None."""
    field = _undecodable(request.query_string)
    if field is None and request.mimetype == FORM:
        field = _undecodable(request.get_data(cache=True))
    if field is not None:
        return field
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            # A multipart part werkzeug could not name (e.g. a bare CR) comes out as None.
            if "\x00" in (name or "") or "\x00" in (value or ""):
                return (name or "").replace("\x00", "")
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        return "body"
    return None


def refuse_bad_text() -> None:
    """A before_request hook for the doors that answer domain errors (the API, the staff web)."""
    field = bad_text_field()
    if field is not None:
        raise ValidationFailed("invalid_text", str(REFUSED), {field: WHY})


def _keep_form_bytes() -> None:
    # Parsing the form consumes the body; cached first, the raw bytes stay readable for the check.
    if request.mimetype == FORM:
        request.get_data(cache=True)


def init_app(app: Flask) -> None:
    """Register before any other before_request hook that might read the form (the CSRF check)."""
    app.before_request(_keep_form_bytes)
