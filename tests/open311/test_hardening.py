"""Open311 against hostile and careless input: crashes are 500s, ids and numbers and dates are
parsed at the door, XML is well-formed whatever is stored, the request list's query count is fixed."""
from __future__ import annotations

import logging
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import event

from backend.accounts.service import api_key_valid
from backend.extensions import db
from backend.open311 import service as open311
from backend.open311.formats import respond, to_xml
from backend.open311.models import Open311Submission
from backend.reports import service as reports
from backend.updates import service as citizen_updates
from backend.reports.models import ActorType, EventKind
from tests import factories as f
from tests.city_fixture import INSIDE
from tests.open311.helpers import BASE, as_json, as_xml, error_of

def submit(text="hole", **kw):
    return reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description=text,
                          attributes={"size": "small"}, **kw)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_crash_is_a_500_in_the_spec_form_and_logged(client, city, app, monkeypatch, caplog, fmt):
    def broken(*_args, **_kw):
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(open311, "search", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # as in production, not as under TESTING
    with caplog.at_level(logging.ERROR, logger="backend.open311.views"):
        response = client.get(f"{BASE}/requests.{fmt}")
    assert response.status_code == 500
    assert error_of(response, fmt) == [{"code": 500, "description": "internal server error"}]
    assert "a bug of ours" in caplog.text


@pytest.mark.parametrize("raw", ["2147483648", "99999999999999999999", "abc", "1.5", "-1", "١٢", "²", "0x10"])
def test_a_request_id_that_cannot_exist_is_the_specs_404(client, city, raw):
    response = client.get(f"{BASE}/requests/{raw}.json")
    assert response.status_code == 404
    assert error_of(response)[0]["code"] == 404


def test_ids_beyond_the_range_in_the_list_filter_name_nothing(client, city):
    report = submit()
    db.session.commit()
    listed = as_json(client.get(f"{BASE}/requests.json", query_string={"service_request_id": f"{report.id},99999999999"}))
    assert [r["service_request_id"] for r in listed] == [str(report.id)]
    assert client.get(f"{BASE}/requests.json", query_string={"service_request_id": "²"}).status_code == 400


@pytest.mark.parametrize("params", [
    {"start_date": "0001-01-01T00:00:00+14:00"},
    {"end_date": "0001-01-01T00:00:00Z"},
    {"start_date": "0001-01-01"},
    {"start_date": "9999-12-31T23:59:59-12:00"},
    {"end_date": "9999-12-31T23:59:59Z"},
    {"start_date": "9999-12-31"},
    {"start_date": "0001-01-01T00:00:00Z", "end_date": "0001-01-02T00:00:00Z"},
    {"start_date": "9999-12-30T00:00:00Z", "end_date": "9999-12-31T23:59:59Z"},
    {"start_date": "2026-13-01"},
    {"start_date": "2026-01-01T25:00:00Z"},
    {"page": "0"}, {"page": "-1"}, {"page": "1" * 400}, {"page": "²"}, {"page": "1e3"}, {"page_size": "1001"},
    {"page_size": "١٠"}, {"page": "100001"},
])
@pytest.mark.parametrize("path", ["requests", "servicerequestupdates"])
def test_edge_dates_and_numbers_are_a_clean_400(client, city, params, path):
    response = client.get(f"{BASE}/{path}.json", query_string=params)
    if path == "servicerequestupdates" and set(params) <= {"page", "page_size"}:
        assert response.status_code == 200  # the updates feed takes no paging
        return
    assert response.status_code == 400, response.data
    assert error_of(response)[0]["code"] == 400


def test_retry_after_only_on_429(client, city, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "3 per minute")
    answered = [client.get(url) for url in (f"{BASE}/requests/123.json", f"{BASE}/requests/x.xml",
                                             f"{BASE}/servicerequestupdates.xml")]
    assert [r.status_code for r in answered] == [404, 404, 200]
    assert all("X-RateLimit-Limit" in r.headers and "Retry-After" not in r.headers for r in answered)
    for _ in range(3):
        assert "Retry-After" not in client.get(f"{BASE}/services.json").headers
    limited = client.get(f"{BASE}/services.json")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


class Statements:
    def __init__(self):
        self.count = 0

    def __call__(self, *_args, **_kw):
        self.count += 1


def _statements_for(client, url, **params) -> int:
    counter = Statements()
    engine = db.engine
    event.listen(engine, "before_cursor_execute", counter)
    try:
        response = client.get(url, query_string=params)
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert response.status_code == 200
    return counter.count


def _busy_reports(n: int, run_jobs) -> None:
    """n reports with everything a record can show: photos, a client's media_url, notes, supporters, updates."""
    key = api_key_valid(f.api_key())
    supporter = f.citizen()
    db.session.commit()
    made = []
    for i in range(n):
        report = submit(f"hole {i}", photos=[f.jpeg()] if i % 2 else [])
        db.session.add(Open311Submission(report_id=report.id, api_key_id=key.id, token=f"t{report.id}",
                                         media_url="https://example.org/p.jpg"))
        made.append(report.id)
    db.session.commit()
    run_jobs()
    for report_id in made:
        report = reports.get(report_id)
        reports.record_event(report, EventKind.NOTE, actor_type=ActorType.STAFF, note="looked at it")
        f.supporter(report, supporter)
        citizen_updates.add_update(report, supporter, text="me too", source="web")
    db.session.commit()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_request_list_runs_a_fixed_number_of_queries(client, city, run_jobs, fmt):
    _busy_reports(1, run_jobs)
    one = {ext: _statements_for(client, f"{BASE}/requests.{fmt}", extensions=ext) for ext in ("false", "true")}
    one_updates = _statements_for(client, f"{BASE}/servicerequestupdates.{fmt}")
    _busy_reports(49, run_jobs)
    assert len(as_json(client.get(f"{BASE}/requests.json"))) == 50
    fifty = {ext: _statements_for(client, f"{BASE}/requests.{fmt}", extensions=ext) for ext in ("false", "true")}
    assert fifty == one
    assert _statements_for(client, f"{BASE}/servicerequestupdates.{fmt}") == one_updates


CONTROL = "".join(chr(c) for c in range(0x20))


def test_the_xml_builder_carries_no_character_xml_cannot_hold():
    nasty = f"a{CONTROL}b\ud800c\udfffd\ufffe\uffffe"
    body = to_xml("service_requests", [{"description": nasty, "notes": [{"description": nasty}], "x": None}])
    root = ET.fromstring(body.encode("utf-8"))
    # (A parser reads a carriage return as a newline: XML's own line-end rule.)
    assert root.findtext("request/description") == "a\t\n\nb\ufffdc\ufffdde"
    assert root.findtext("request/notes/note/description") == "a\t\n\nb\ufffdc\ufffdde"
    with_markup = to_xml("errors", [{"description": "</description><injected/>&amp;"}])
    assert ET.fromstring(with_markup).findtext("error/description") == "</description><injected/>&amp;"


def test_json_answers_survive_a_lone_surrogate(app):
    with app.test_request_context():
        response = respond("json", "service_requests", [{"description": "x\ud800y\x01"}])
    assert response.get_data().decode("utf-8") == '[{"description": "x\ufffdy"}]'


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_report_holding_every_control_character_serializes(client, city, run_jobs, fmt):
    # PostgreSQL text cannot hold NUL (refused at the door); every other one can be stored.
    stored = CONTROL.replace("\x00", "")
    report = submit(f"start{stored}end")
    run_jobs()
    reports.record_event(reports.get(report.id), EventKind.NOTE, actor_type=ActorType.STAFF, note=f"n{stored}n")
    db.session.commit()
    for url in (f"{BASE}/requests.{fmt}?extensions=true", f"{BASE}/requests/{report.id}.{fmt}",
                f"{BASE}/servicerequestupdates.{fmt}"):
        response = client.get(url)
        assert response.status_code == 200
        if fmt == "xml":
            root = as_xml(response)
            texts = [(e.text or "").replace("\n\n", "\n\r") for e in root.iter()]  # XML reads \r as \n
        else:
            texts = [str(v) for item in as_json(response) for v in item.values()]
        assert any("start\t\n\rend" in t or "n\t\n\rn" in t for t in texts), url
        assert not any(ch in t for t in texts for ch in stored if ch not in "\t\n\r")
