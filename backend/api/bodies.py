"""Reading a request body that is JSON or a multipart form with at most one photo (a task's answer,
a citizen's update): one reader, so both doors refuse the same bodies the same way."""
from __future__ import annotations

from flask import request
from flask_smorest import abort
from marshmallow import Schema, ValidationError


def fields_and_photo(schema: Schema) -> tuple[dict, bytes | None]:
    """The body's fields loaded by `schema`, and the raw bytes of its `photo` part if any; bad input
    is answered by the API's own 415/422 handlers."""
    if request.mimetype == "multipart/form-data":
        # A form cannot say "absent": empty, and the text "null" that generated clients send, mean absent.
        data = {k: v for k, v in request.form.items() if v.strip() not in ("", "null")}
        upload = request.files.get("photo")
        raw = upload.read(request.max_content_length or None) if upload else None
    elif request.is_json:
        data, raw = request.get_json(silent=True), None
        if not isinstance(data, dict):
            abort(422, messages={"body": ["a JSON object"]})
    else:
        abort(415)
    try:
        return schema.load(data), raw or None
    except ValidationError as exc:
        abort(422, messages=exc.messages)
