"""Atom feeds: an area's new reports and status changes, and one report's history; only what the public may see."""
from xml.etree import ElementTree as ET

import pytest

from backend.extensions import db
from backend.reports import service as reports
from backend.disclosure.projection import public_location
from backend.reports.models import ActorType, EventKind, ReportEvent, ReportStatus
from tests import factories as f
from tests.alerts.helpers import IN_HUANGPU, OUTSIDE_HUANGPU, report_at

NS = {"a": "http://www.w3.org/2005/Atom", "georss": "http://www.georss.org/georss"}


def _entries(response):
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    return feed, feed.findall("a:entry", NS)


def _routed(*args, **kwargs):
    report = report_at(*args, **kwargs)
    reports.route(report.id)
    return reports.get(report.id)


def test_a_district_feed_lists_new_and_changed_public_reports_there_only(client, city):
    here = _routed(*IN_HUANGPU, description="Pothole by the school")
    _routed(*OUTSIDE_HUANGPU, description="Far away")
    hidden = _routed(*IN_HUANGPU, description="Spam")
    hidden.hidden = True
    blocked = f.citizen("Blocked")
    blocked.blocked = True
    held = report_at(*IN_HUANGPU, reporter=blocked, description="Held for review")
    reports.route(held.id)
    reports.transition(here, ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()

    feed, entries = _entries(client.get("/feeds/districts/huangpu.atom?lang=en"))
    assert feed.find("a:title", NS).text == "CrowdGov · Huangpu: new reports and status changes"
    titles = [e.find("a:title", NS).text for e in entries]
    ref = f"CG-{here.id:06d}"
    assert titles == [f"{ref} Pothole: Acknowledged by the department", f"New report {ref}: Pothole"]
    links = {e.find("a:link", NS).get("href") for e in entries}
    assert links == {f"http://127.0.0.1:5000/r/{here.id}"}
    body = client.get("/feeds/districts/huangpu.atom").text
    for secret in ("Far away", "Spam", "Held for review"):
        assert secret not in body
    assert client.get("/feeds/districts/atlantis.atom").status_code == 404


def test_a_sensitive_report_appears_at_its_public_cell_without_an_address(client, city):
    report = _routed(31.2201, 121.4701, category="noise_nuisance", description="Loud bar")
    db.session.commit()
    lat, long = public_location(report)
    _feed, entries = _entries(client.get(f"/feeds/around.atom?lat={lat}&long={long}&radius_m=100&lang=en"))
    [entry] = entries
    assert entry.find("georss:point", NS).text == f"{lat:.6f} {long:.6f}"
    assert "Zhongshan" not in ET.tostring(entry, encoding="unicode")
    # A circle drawn on the exact place, short of the public cell centre, finds nothing.
    _feed, entries = _entries(client.get("/feeds/around.atom?lat=31.2201&long=121.4701&radius_m=100"))
    assert entries == []


def test_a_circle_feed_finds_what_is_within_its_radius(client, city):
    near = _routed(IN_HUANGPU[0] + 0.002, IN_HUANGPU[1])  # ~220 m north
    db.session.commit()
    assert len(_entries(client.get(f"/feeds/around.atom?lat={IN_HUANGPU[0]}&long={IN_HUANGPU[1]}&radius_m=200"))[1]) == 0
    _feed, entries = _entries(client.get(f"/feeds/around.atom?lat={IN_HUANGPU[0]}&long={IN_HUANGPU[1]}&radius_m=300"))
    assert [e.find("a:link", NS).get("href").rsplit("/", 1)[1] for e in entries] == [str(near.id)]


@pytest.mark.parametrize("query", ["lat=91&long=121.47", "lat=NaN&long=121.47", "lat=31.2&long=121.47&radius_m=1e9",
                                   "lat=31.2&long=121.47&radius_m=5", "lat=31.2&long=121.47&radius_m=abc", "long=121.47",
                                   "lat=31.2&long=121.47&radius_m=-inf"])
def test_hostile_circle_feed_queries_are_refused_with_a_4xx(client, city, query):
    answer = client.get(f"/feeds/around.atom?{query}")
    assert 400 <= answer.status_code < 500 and answer.mimetype == "text/plain"


def test_a_report_feed_has_its_public_history_and_nothing_internal(client, city):
    report = _routed(*IN_HUANGPU)
    db.session.add(ReportEvent(report_id=report.id, kind=EventKind.NOTE, public=False, note="INTERNAL staff gossip",
                               actor_type=ActorType.STAFF))
    reports.transition(report, ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF, note="We are on it")
    db.session.commit()
    feed, entries = _entries(client.get(f"/feeds/reports/{report.id}.atom?lang=en"))
    assert len(entries) == 3  # submitted, routed, acknowledged
    text = ET.tostring(feed, encoding="unicode")
    assert "We are on it" in text and "INTERNAL" not in text
    assert feed.find("a:link[@rel='self']", NS).get("href").endswith(f"/feeds/reports/{report.id}.atom")


def test_hidden_held_and_missing_reports_have_no_feed(client, city):
    hidden = _routed(*IN_HUANGPU)
    hidden.hidden = True
    blocked = f.citizen("Blocked")
    blocked.blocked = True
    held = report_at(*IN_HUANGPU, reporter=blocked)
    reports.route(held.id)
    db.session.commit()
    for report_id in (hidden.id, held.id, 999999, 2**31 + 5):
        assert client.get(f"/feeds/reports/{report_id}.atom").status_code == 404
