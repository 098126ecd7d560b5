"""Atom (RFC 4287) documents of public events, with each report's public point as georss:point."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import current_app

from backend.alerts import texts
from backend.disclosure import public_view
from backend.disclosure.projection import public_location
from backend.reports.models import Report, ReportEvent

ATOM = "http://www.w3.org/2005/Atom"
GEORSS = "http://www.georss.org/georss"
ET.register_namespace("", ATOM)
ET.register_namespace("georss", GEORSS)
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)


def _tag(name: str, ns: str = ATOM) -> str:
    return f"{{{ns}}}{name}"


def _text(parent: ET.Element, name: str, value: str, ns: str = ATOM, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _tag(name, ns), attrs)
    element.text = value
    return element


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _tag_uri(path: str) -> str:
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"tag:{host},2024:crowdgov/{path}"


def document(*, title: str, path: str, self_url: str, alternate_url: str,
             events: list[tuple[ReportEvent, Report]], language: str) -> bytes:
    """The feed of `events` (newest first); `path` makes its permanent id."""
    feed = ET.Element(_tag("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh-Hans" if language.startswith("zh") else "en"})
    _text(feed, "id", _tag_uri(path))
    _text(feed, "title", title)
    _text(feed, "updated", _stamp(max((e.created_at for e, _r in events), default=EPOCH)))
    author = ET.SubElement(feed, _tag("author"))
    _text(author, "name", f"CrowdGov {current_app.config['CITY_NAME']}")
    ET.SubElement(feed, _tag("link"), {"rel": "self", "type": "application/atom+xml", "href": self_url})
    ET.SubElement(feed, _tag("link"), {"rel": "alternate", "type": "text/html", "href": alternate_url})
    _text(feed, "generator", "CrowdGov")
    for event, report in events:
        entry = ET.SubElement(feed, _tag("entry"))
        _text(entry, "id", _tag_uri(f"event/{event.id}"))
        _text(entry, "title", texts.event_title(event, report, language))
        _text(entry, "updated", _stamp(event.created_at))
        _text(entry, "published", _stamp(event.created_at))
        ET.SubElement(entry, _tag("link"), {"rel": "alternate", "type": "text/html", "href": public_view.public_url(report)})
        ET.SubElement(entry, _tag("category"), {"term": report.category.code, "label": report.category.name(language)})
        _text(entry, "summary", "\n".join(texts.event_lines(event, report, language)[1:-1]) or
              texts.event_title(event, report, language), type="text")
        lat, long = public_location(report)
        _text(entry, "point", f"{lat:.6f} {long:.6f}", ns=GEORSS)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="utf-8")
