"""GET requests: filters, the 90-day window, the 1000 cap, paging, one request, extensions, updates."""
from datetime import datetime, timedelta, timezone

import pytest

from backend.clock import set_clock
from backend.extensions import db
from backend.open311 import service as open311
from backend.reports import service as reports
from backend.reports.models import ActorType, ReportStatus
from tests.city_fixture import INSIDE
from tests.open311.helpers import BASE, as_json, as_xml, error_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def at(moment, category="pothole", **kw):
    set_clock(lambda: moment)
    try:
        return reports.submit(category=category, lat=INSIDE[0], long=INSIDE[1], description=kw.pop("text", "hole"),
                              attributes={"size": "small"} if category == "pothole" else {}, **kw)
    finally:
        set_clock(lambda: NOW)


@pytest.fixture
def history(city, run_jobs):
    set_clock(lambda: NOW)
    old = at(NOW - timedelta(days=120), text="old")
    recent = at(NOW - timedelta(days=10), text="recent")
    newest = at(NOW - timedelta(days=1), "illegal_dumping", text="newest")
    run_jobs()
    set_clock(lambda: NOW - timedelta(days=5))
    done = reports.get(recent.id)
    reports.transition(done, ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF, note="crew sent")
    reports.transition(done, ReportStatus.RESOLVED, actor_type=ActorType.STAFF, note="filled")
    db.session.commit()
    set_clock(lambda: NOW)
    return {"old": old.id, "recent": recent.id, "newest": newest.id}


def ids(response):
    return [int(r["service_request_id"]) for r in as_json(response)]


def test_default_window_is_the_last_90_days_newest_first(client, history):
    assert ids(client.get(f"{BASE}/requests.json")) == [history["newest"], history["recent"]]


def test_every_field_the_spec_names(client, history):
    record = as_json(client.get(f"{BASE}/requests/{history['recent']}.json", headers={"Accept-Language": "en"}))[0]
    assert set(record) == {"service_request_id", "status", "status_notes", "service_name", "service_code",
                           "description", "agency_responsible", "service_notice", "requested_datetime",
                           "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
                           "media_url"}
    assert record["status"] == "closed" and record["status_notes"] == "filled"
    assert record["service_name"] == "Pothole" and record["agency_responsible"] == "City Roads Bureau"
    assert record["requested_datetime"] == "2026-11-10T20:00:00+08:00"  # the city's offset
    assert datetime.fromisoformat(record["updated_datetime"]).tzinfo is not None
    assert record["expected_datetime"] is None
    assert (record["lat"], record["long"]) == INSIDE


def test_date_filters(client, history):
    start = (NOW - timedelta(days=130)).isoformat().replace("+00:00", "Z")
    end = (NOW - timedelta(days=100)).isoformat().replace("+00:00", "Z")
    assert ids(client.get(f"{BASE}/requests.json?start_date={start}&end_date={end}")) == [history["old"]]
    # start alone: 90 days from it.
    assert ids(client.get(f"{BASE}/requests.json?start_date={start}")) == [history["old"]]
    # end alone: the 90 days before it.
    assert ids(client.get(f"{BASE}/requests.json?end_date={end}")) == [history["old"]]
    # empty values count as absent
    assert ids(client.get(f"{BASE}/requests.json?start_date=&end_date=")) == [history["newest"], history["recent"]]


@pytest.mark.parametrize("query", ["start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
                                   "start_date=2026-06-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
                                   "start_date=yesterday", "status=pending", "service_code=volcano",
                                   "service_request_id=abc", "page=0", "page_size=1001", "page_size=x"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(client, history, query, fmt):
    response = client.get(f"{BASE}/requests.{fmt}?{query}")
    assert response.status_code == 400
    assert error_of(response, fmt)[0]["code"] == 400


def test_status_and_service_code_lists(client, history):
    assert ids(client.get(f"{BASE}/requests.json?status=closed")) == [history["recent"]]
    assert ids(client.get(f"{BASE}/requests.json?status=open")) == [history["newest"]]
    assert ids(client.get(f"{BASE}/requests.json?status=open,closed")) == [history["newest"], history["recent"]]
    assert ids(client.get(f"{BASE}/requests.json?service_code=illegal_dumping")) == [history["newest"]]
    assert ids(client.get(f"{BASE}/requests.json?service_code=pothole,illegal_dumping&status=closed")) == \
        [history["recent"]]


def test_service_request_id_overrides_every_other_filter(client, history):
    query = f"service_request_id={history['old']},{history['newest']}&status=closed&service_code=pothole"
    assert ids(client.get(f"{BASE}/requests.json?{query}")) == [history["newest"], history["old"]]


def test_paging_and_the_1000_cap(client, history, monkeypatch):
    assert ids(client.get(f"{BASE}/requests.json?page_size=1")) == [history["newest"]]
    assert ids(client.get(f"{BASE}/requests.json?page_size=1&page=2")) == [history["recent"]]
    assert ids(client.get(f"{BASE}/requests.json?page_size=1&page=3")) == []
    monkeypatch.setattr(open311, "MAX_RESULTS", 1)
    assert len(ids(client.get(f"{BASE}/requests.json"))) == 1
    assert client.get(f"{BASE}/requests.json?page_size=2").status_code == 400


def test_requests_in_xml(client, history):
    root = as_xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    first = root.find("request")
    assert first.findtext("service_request_id") == str(history["newest"])
    assert first.findtext("status") == "open"
    assert first.find("address_id").text is None


def test_one_request_missing_or_hidden_is_404(client, history):
    assert client.get(f"{BASE}/requests/{history['old']}.xml").status_code == 200
    for rid in ("999999", "abc", "-1"):
        response = client.get(f"{BASE}/requests/{rid}.json")
        assert response.status_code == 404 and error_of(response)[0]["code"] == 404
    reports.get(history["old"]).hidden = True
    db.session.commit()
    assert client.get(f"{BASE}/requests/{history['old']}.json").status_code == 404
    assert history["old"] not in ids(client.get(f"{BASE}/requests.json?service_request_id={history['old']}"))


def test_extensions_offer_the_detailed_status_and_history(client, history):
    plain = as_json(client.get(f"{BASE}/requests/{history['recent']}.json"))[0]
    assert "extended_attributes" not in plain
    record = as_json(client.get(f"{BASE}/requests/{history['recent']}.json?extensions=true"))[0]
    assert record["extended_attributes"]["detailed_status"] == "resolved"
    assert record["extended_attributes"]["reference"] == f"CG-{history['recent']:06d}"
    assert [n["detailed_status"] for n in record["notes"]] == ["submitted", "open", "in_progress", "resolved"]
    root = as_xml(client.get(f"{BASE}/requests.xml?extensions=true"))
    assert root.find("request/extended_attributes/detailed_status").text == "open"
    assert root.find("request/notes/note/type").text == "submitted"


def test_service_request_updates(client, history):
    window = {"start_date": (NOW - timedelta(days=6)).isoformat(), "end_date": (NOW - timedelta(days=2)).isoformat()}
    updates = as_json(client.get(f"{BASE}/servicerequestupdates.json", query_string=window))
    assert [(u["service_request_id"], u["status"], u["detailed_status"], u["description"]) for u in updates] == [
        (str(history["recent"]), "open", "in_progress", "crew sent"),
        (str(history["recent"]), "closed", "resolved", "filled")]
    assert set(updates[0]) == {"update_id", "service_request_id", "status", "detailed_status", "updated_datetime",
                               "description", "media_url"}
    root = as_xml(client.get(f"{BASE}/servicerequestupdates.xml", query_string=window))
    assert root.tag == "service_request_updates"
    assert [u.findtext("status") for u in root.findall("request_update")] == ["open", "closed"]
    assert client.get(f"{BASE}/servicerequestupdates.json?start_date=2020-01-01T00:00:00Z"
                      "&end_date=2021-01-01T00:00:00Z").status_code == 400


def test_sensitive_categories_are_coarsened(client, city):
    report = reports.submit(category="noise_nuisance", lat=31.221234, long=121.471234, description="loud",
                            address="Room 301, 5 Quiet Lane")
    record = as_json(client.get(f"{BASE}/requests/{report.id}.json"))[0]
    assert (record["lat"], record["long"]) != (31.221234, 121.471234)
    assert abs(record["lat"] - 31.221234) < 0.0025 and record["address"] is None
