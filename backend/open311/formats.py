"""Open311 answers in JSON or XML, and the spec's error form: a list of {code, description}.

XML is built as an ElementTree, never by pasting strings, and every text passes through
`printable`: a control character someone stored (FixMyStreet's parser gives up on the
whole document for one) or a lone surrogate cannot reach a client in either format.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app

from backend.parameters import printable

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
    return printable(str(value))


def _build(parent: ET.Element | None, name: str, value: Any) -> ET.Element:
    element = ET.Element(name) if parent is None else ET.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _build(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _build(element, ITEM_NAMES.get(name, "item"), item)
    elif value is not None:
        element.text = _scalar(value)
    return element


def to_xml(root: str, data: Any) -> str:
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(_build(None, root, data), encoding="unicode",
                                                                     short_empty_elements=True)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_clean(item) for item in value]
    return value


def _json_default(value: Any):
    if isinstance(value, datetime):
        return timestamp(value)
    raise TypeError(type(value).__name__)


def respond(fmt: str, root: str, data: Any, status: int = 200, headers: dict | None = None) -> Response:
    if fmt == "xml":
        body = to_xml(root, data)
    else:
        body = json.dumps(_clean(data), ensure_ascii=False, default=_json_default)
    return Response(body.encode("utf-8"), status=status, content_type=FORMATS[fmt], headers=headers or {})


def error(fmt: str, status: int, description: str, headers: dict | None = None) -> Response:
    return respond(fmt if fmt in FORMATS else "json", "errors", [{"code": status, "description": description}],
                   status, headers)
