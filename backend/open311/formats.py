"""Open311 answers in JSON or XML, and the spec's error form: a list of {code, description}."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from flask import Response, current_app

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element name of a list's items, by the list's own element name.
ITEM_NAMES = {"services": "service", "attributes": "attribute", "values": "value", "service_requests": "request",
              "errors": "error", "endpoints": "endpoint", "formats": "format", "notes": "note", "photos": "photo",
              "service_request_updates": "request_update", "keywords": "keyword"}


class Open311Error(Exception):
    """Answered as [{code, description}] with the HTTP status of the same number."""

    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 with the city's offset, to the second (the spec's examples use local offsets)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(current_app.config["CITY_TIMEZONE"])).replace(microsecond=0).isoformat()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return timestamp(value) or ""
    return escape(str(value))


def _element(name: str, value: Any) -> str:
    if value is None:
        return f"<{name}/>"
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_element(k, v) for k, v in value.items()) + f"</{name}>"
    if isinstance(value, list):
        item = ITEM_NAMES.get(name, "item")
        return f"<{name}>" + "".join(_element(item, v) for v in value) + f"</{name}>"
    return f"<{name}>{_scalar(value)}</{name}>"


def to_xml(root: str, data: Any) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _element(root, data)


def _json_default(value: Any):
    if isinstance(value, datetime):
        return timestamp(value)
    raise TypeError(type(value).__name__)


def respond(fmt: str, root: str, data: Any, status: int = 200, headers: dict | None = None) -> Response:
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return Response(body.encode("utf-8"), status=status, content_type=FORMATS[fmt], headers=headers or {})


def error(fmt: str, status: int, description: str, headers: dict | None = None) -> Response:
    return respond(fmt if fmt in FORMATS else "json", "errors", [{"code": status, "description": description}],
                   status, headers)
