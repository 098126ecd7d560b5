"""Text we refuse at every door, before any view runs: bytes that are not UTF-8 in a query
string or a urlencoded form (werkzeug would silently turn them into U+FFFD and store garbage),
and text PostgreSQL cannot hold — a NUL character or a lone UTF-16 surrogate — anywhere a
client can put it: a query parameter, a form field (urlencoded or multipart), a URL path
segment, or a JSON body in any of the Unicode encodings JSON allows; and JSON nested deeper
than any parser should recurse.

One app-wide hook raises a `ValidationFailed`; each door answers it in its own error format
(the API's JSON, Open311's error list, the staff and public pages' HTML).
"""
from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from flask import Flask, request
from flask_babel import lazy_gettext

from backend.errors import ValidationFailed
from backend.parameters import json_depth_exceeds, unstorable, unstorable_in

FORM = "application/x-www-form-urlencoded"
REFUSED = lazy_gettext("Text must be UTF-8 without NUL characters.")
TOO_DEEP = lazy_gettext("The JSON body is nested too deeply.")
WHY = "not UTF-8, or contains a NUL character or a lone surrogate"
MAX_JSON_DEPTH = 64


def _undecodable(raw: bytes) -> str | None:
    for pair in raw.split(b"&"):
        name, _sep, value = pair.partition(b"=")
        try:
            for part in (name, value):
                unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return unquote_to_bytes(name).decode("utf-8", "replace")[:40]
    return None


def _printable(name: str) -> str:
    return "".join(c for c in name if c.isprintable())[:40] or "?"


def _json_text() -> str | None:
    """The JSON body decoded as JSON allows (UTF-8, -16 or -32, detected from its first bytes)."""
    data = request.get_data(cache=True)
    try:
        return data.decode(json.detect_encoding(data))
    except (UnicodeDecodeError, LookupError):
        return None


def bad_text_field() -> str | None:
    """The name of the first place in the current request holding text we cannot store, else None."""
    field = _undecodable(request.query_string)
    if field is None and request.mimetype == FORM:
        field = _undecodable(request.get_data(cache=True))
    if field is not None:
        return field
    if unstorable(request.path):
        return "path"
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            # A multipart part whose name the parser could not read arrives named None: no view
            # could tell what it was meant to be, so it is refused like undecodable text.
            if name is None:
                return "?"
            if unstorable(name) or (isinstance(value, str) and unstorable(value)):
                return _printable(name)
    if request.is_json:
        body = _json_text()
        if body is None:
            return "body"
        if not json_depth_exceeds(body, MAX_JSON_DEPTH) and unstorable_in(request.get_json(silent=True)):
            return "body"
    return None


def refuse_bad_text() -> None:
    field = bad_text_field()
    if field is not None:
        raise ValidationFailed("invalid_text", str(REFUSED), {field: WHY})
    if request.is_json:
        body = _json_text()
        if body is not None and json_depth_exceeds(body, MAX_JSON_DEPTH):
            raise ValidationFailed("invalid_json", str(TOO_DEEP), {"body": "too deep"})


def _keep_form_bytes() -> None:
    # Parsing the form consumes the body; cached first, the raw bytes stay readable for the check.
    if request.mimetype == FORM:
        request.get_data(cache=True)


def init_app(app: Flask) -> None:
    """Registered before any other before_request hook that might read the form (the CSRF check)."""
    app.before_request(_keep_form_bytes)
    app.before_request(refuse_bad_text)
