"""Shared helpers for the Open311 tests."""
import json
import xml.etree.ElementTree as ET

from tests.city_fixture import INSIDE

BASE = "/open311/v2"


def form(api_key, **extra):
    data = {"api_key": api_key, "service_code": "pothole", "lat": str(INSIDE[0]), "long": str(INSIDE[1]),
            "description": "Open311 hole", "attribute[size]": "large"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def as_json(response):
    assert response.content_type == "application/json; charset=utf-8", response.content_type
    return json.loads(response.data.decode("utf-8"))


def as_xml(response) -> ET.Element:
    assert response.content_type == "text/xml; charset=utf-8", response.content_type
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.data)


def error_of(response, fmt="json"):
    if fmt == "xml":
        root = as_xml(response)
        assert root.tag == "errors"
        return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]
    body = as_json(response)
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}
    return body
