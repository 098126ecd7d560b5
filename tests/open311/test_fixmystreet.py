"""CrowdGov as a council's Open311 back end for FixMyStreet, driven the way mySociety's client does:
GET servicerequestupdates.xml with api_key and a W3C start_date/end_date window of a few hours,
parsed as XML; POST servicerequestupdates.xml form-encoded with its comment's fields."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from backend.accounts import service as accounts
from backend.accounts.models import Citizen, CitizenContact
from backend.clock import set_clock
from backend.extensions import db
from backend.reports import service as reports
from backend.updates import service as citizen_updates
from backend.reports.models import ActorType, EventKind, ReportStatus as S
from backend.triage.service import REJECT_REASONS
from backend.updates.models import ReportUpdate
from tests import factories as f
from tests.city_fixture import INSIDE
from tests.open311.helpers import BASE, as_json, as_xml, error_of

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def w3c(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_for_fixmystreet(extended: bool = True) -> str:
    key, plain = accounts.create_api_key("FixMyStreet", open311_extended_statuses=extended)
    db.session.commit()
    return plain


def fetch(client, key: str | None, hours: int = 3, fmt: str = "xml", **extra):
    """What Open311::GetServiceRequestUpdates asks: the last few hours, the key, the jurisdiction."""
    params = {"start_date": w3c(NOW - timedelta(hours=hours)), "end_date": w3c(NOW), "jurisdiction_id": "crowdgov"}
    if key:
        params["api_key"] = key
    params.update(extra)
    return client.get(f"{BASE}/servicerequestupdates.{fmt}", query_string=params)


def request_updates(response) -> list[dict]:
    """XML::Simple's view of the answer, as FixMyStreet reads it."""
    root = as_xml(response)
    assert root.tag == "service_request_updates"
    return [{child.tag: (child.text or "") for child in item} for item in root.findall("request_update")]


def comment(report_id: int, key: str, update_id: str = "248", **extra) -> dict:
    """Open311::_populate_service_request_update_params for a comment by "Ann Lee"."""
    data = {"api_key": key, "jurisdiction_id": "crowdgov", "service_request_id": str(report_id),
            "update_id": update_id, "updated_datetime": w3c(NOW - timedelta(minutes=5)), "status": "OPEN",
            "description": "It is still there, and deeper", "first_name": "Ann", "last_name": "Lee",
            "email": "ann@example.org", "phone": "01234 567890"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def routed(city, run_jobs):
    set_clock(lambda: NOW - timedelta(hours=2))
    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description="hole",
                            attributes={"size": "small"})
    run_jobs()
    set_clock(lambda: NOW - timedelta(hours=1))
    return reports.get(report.id)


def _move(report, target, **kw):
    reports.transition(report, target, actor_type=ActorType.STAFF, **kw)


# Every transition and every reject reason: what FixMyStreet is told (status, external_status_code).
CASES = [
    ("acknowledged", [(S.ACKNOWLEDGED, {})], ("INVESTIGATING", "acknowledged")),
    ("in progress", [(S.IN_PROGRESS, {})], ("IN_PROGRESS", "in_progress")),
    ("resolved", [(S.RESOLVED, {})], ("FIXED", "resolved")),
    ("closed", [(S.RESOLVED, {}), (S.CLOSED, {})], ("FIXED", "closed")),
    ("reopened", [(S.RESOLVED, {}), (S.IN_PROGRESS, {})], ("IN_PROGRESS", "in_progress.reopened")),
    ("duplicate", [(S.DUPLICATE, {})], ("DUPLICATE", "duplicate")),
] + [(f"rejected: {reason}", [(S.REJECTED, {"data": {"reason": reason}})],
      ({"not_city_responsibility": "NOT_COUNCILS_RESPONSIBILITY", "private_property": "NOT_COUNCILS_RESPONSIBILITY",
        "insufficient_information": "NO_FURTHER_ACTION", "not_a_problem": "NO_FURTHER_ACTION",
        "already_fixed": "FIXED"}.get(reason, "CLOSED"), f"rejected.{reason}"))
     for reason in REJECT_REASONS]


@pytest.mark.parametrize("steps,expected", [(steps, expected) for _name, steps, expected in CASES],
                         ids=[name for name, _steps, _expected in CASES])
def test_extended_states_for_every_transition_and_reject_reason(client, routed, steps, expected):
    key = key_for_fixmystreet()
    for target, kw in steps:
        _move(routed, target, **kw)
    db.session.commit()
    set_clock(lambda: NOW)
    items = request_updates(fetch(client, key))
    assert [i["service_request_id"] for i in items] == [str(routed.id)] * (2 + len(steps))
    assert (items[0]["status"], items[0]["external_status_code"]) == ("OPEN", "submitted")
    assert (items[1]["status"], items[1]["external_status_code"]) == ("OPEN", "open")  # routed
    assert (items[-1]["status"], items[-1]["external_status_code"]) == expected
    # A note written afterwards keeps the state: FixMyStreet must not flip it.
    set_clock(lambda: NOW - timedelta(minutes=1))
    reports.record_event(routed, EventKind.NOTE, actor_type=ActorType.STAFF, note="one more word")
    db.session.commit()
    set_clock(lambda: NOW)
    last = request_updates(fetch(client, key))[-1]
    assert (last["status"], last["external_status_code"], last["description"]) == (*expected, "one more word")


def test_a_hand_over_keeps_the_state_and_says_where(client, routed, city):
    key = key_for_fixmystreet()
    routed.department_id = city["sanitation"].id
    reports.record_event(routed, EventKind.HANDED_OVER, actor_type=ActorType.STAFF)
    db.session.commit()
    set_clock(lambda: NOW)
    last = request_updates(fetch(client, key, fmt="xml"))[-1]
    assert (last["status"], last["external_status_code"]) == ("OPEN", "open.handed_over")
    english = as_json(fetch(client, key, fmt="json", lang="en"))[-1]
    assert english["description"] == "Handed over to Sanitation Bureau"


def test_the_extended_states_by_parameter_and_plain_clients_unchanged(client, routed):
    _move(routed, S.REJECTED, data={"reason": "private_property"})
    db.session.commit()
    set_clock(lambda: NOW)
    plain_key = key_for_fixmystreet(extended=False)
    for plain in (fetch(client, None, fmt="json"), fetch(client, plain_key, fmt="json")):
        records = as_json(plain)
        assert [r["status"] for r in records] == ["open", "open", "closed"]
        assert all("external_status_code" not in r for r in records)
        assert set(records[-1]) == {"update_id", "service_request_id", "status", "detailed_status",
                                    "updated_datetime", "description", "media_url"}
    asked = as_json(fetch(client, None, fmt="json", extended_statuses="true"))
    assert asked[-1]["status"] == "NOT_COUNCILS_RESPONSIBILITY"
    assert as_json(fetch(client, key_for_fixmystreet(), fmt="json", extended_statuses="false"))[-1]["status"] == "closed"
    assert error_of(fetch(client, None, fmt="json", extended_statuses="maybe"))[0]["code"] == 400
    wrong = fetch(client, "cg_not_a_key")
    assert wrong.status_code == 403 and error_of(wrong, "xml")[0]["description"] == "api_key is not valid"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_public_update_has_a_text(client, routed, fmt, lang):
    _move(routed, S.ACKNOWLEDGED)
    _move(routed, S.IN_PROGRESS, note="crew on the way")
    _move(routed, S.RESOLVED)
    author = f.citizen()
    db.session.commit()
    citizen_updates.add_update(routed, author, text="thank you", source="web")
    citizen_updates.add_update(routed, author, photo=f.jpeg(), source="web")
    db.session.commit()
    set_clock(lambda: NOW)
    response = fetch(client, key_for_fixmystreet(), fmt=fmt, headers=None, lang=lang)
    items = as_json(response) if fmt == "json" else request_updates(response)
    texts = [i["description"] for i in items]
    assert len(texts) == 7 and all(t.strip() for t in texts)
    if lang == "en":
        assert texts == ["Reported", "Sent to City Roads Bureau", "Acknowledged by the department", "crew on the way",
                         "Marked as fixed", "A citizen wrote: thank you", "A citizen added a photo."]
    else:
        assert texts[1] == "已转交市道路管理局" and texts[5] == "市民留言：thank you"
    assert items[-1]["update_id"].startswith("u") and items[-1]["media_url"].startswith("http")


def test_without_a_language_asked_the_reports_language_is_used(client, city, run_jobs):
    english = f.citizen("Sam", language="en")
    db.session.commit()
    set_clock(lambda: NOW - timedelta(hours=1))
    reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"}, reporter=english)
    reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"})
    db.session.commit()
    set_clock(lambda: NOW)
    assert [i["description"] for i in request_updates(fetch(client, None))] == ["Reported", "市民上报"]


def test_posted_updates_are_stored_once_per_update_id(client, routed):
    key = key_for_fixmystreet()
    first = client.post(f"{BASE}/servicerequestupdates.xml", data=comment(routed.id, key))
    assert first.status_code == 201
    ours = as_xml(first).findtext("request_update/update_id")
    assert ours.startswith("u")
    again = client.post(f"{BASE}/servicerequestupdates.xml", data=comment(routed.id, key))
    assert as_xml(again).findtext("request_update/update_id") == ours
    other_key = key_for_fixmystreet()
    theirs = as_json(client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, other_key)))
    assert theirs[0]["update_id"] != ours
    assert db.session.scalar(select(func.count()).select_from(ReportUpdate)) == 2
    stored = db.session.get(ReportUpdate, int(ours[1:]))
    assert stored.text == "It is still there, and deeper" and stored.source.value == "open311"
    assert stored.data["status"] == "OPEN" and stored.report_id == routed.id
    assert routed.status == S.OPEN  # a citizen's word does not move the lifecycle
    reused = client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, key, service_request_id=None)
                         | {"service_request_id": str(reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1],
                                                                     attributes={"size": "small"}).id)})
    assert reused.status_code == 409


def test_the_posted_update_comes_back_with_the_same_id_so_fixmystreet_skips_it(client, routed):
    key = key_for_fixmystreet()
    set_clock(lambda: NOW - timedelta(minutes=5))
    ours = as_json(client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, key)))[0]["update_id"]
    set_clock(lambda: NOW)
    listed = [i for i in request_updates(fetch(client, key, lang="en")) if i["update_id"] == ours]
    assert listed and listed[0]["status"] == "OPEN"
    assert listed[0]["description"] == "A citizen wrote: It is still there, and deeper"


@pytest.mark.parametrize("change,status,words", [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "cg_wrong"}, 403, "api_key"),
    ({"service_request_id": "999999"}, 404, "not found"),
    ({"service_request_id": "99999999999999"}, 404, "not found"),
    ({"service_request_id": "abc"}, 404, "not found"),
    ({"service_request_id": None}, 400, "service_request_id is required"),
    ({"update_id": None}, 400, "update_id is required"),
    ({"update_id": "x" * 101}, 400, "update_id is too long"),
    ({"status": "WHATEVER"}, 400, "status must be"),
    ({"updated_datetime": "yesterday"}, 400, "updated_datetime must be"),
    ({"updated_datetime": "9999-12-31T23:59:59-12:00"}, 400, "updated_datetime must be"),
    ({"description": "", "media_url": None}, 400, "Write something"),
    ({"description": "x" * 4001}, 400, "too long"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"jurisdiction_id": "elsewhere"}, 404, "jurisdiction_id"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posted_updates_are_refused_clearly(client, routed, change, status, words, fmt):
    data = comment(routed.id, key_for_fixmystreet())
    data.update(change)
    response = client.post(f"{BASE}/servicerequestupdates.{fmt}", data={k: v for k, v in data.items() if v is not None},
                           headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert words in error_of(response, fmt)[0]["description"]
    assert db.session.scalar(select(func.count()).select_from(ReportUpdate)) == 0
    assert db.session.scalar(select(func.count()).select_from(Citizen)) == 0  # nothing half-stored


def test_a_hidden_report_is_not_found_for_updates(client, routed):
    routed.hidden = True
    db.session.commit()
    response = client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, key_for_fixmystreet()))
    assert response.status_code == 404


def test_posted_updates_are_shown_moderated_on_the_public_page(client, routed, city):
    key = key_for_fixmystreet()
    client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, key, description="visible words"))
    client.post(f"{BASE}/servicerequestupdates.json",
                data=comment(routed.id, key, update_id="249", description="rude words", email="troll@example.org"))
    page = client.get(f"/r/{routed.id}").text
    assert "visible words" in page and "rude words" in page
    assert "Ann" not in page and "ann@example.org" not in page and "01234" not in page
    rude = db.session.scalar(select(ReportUpdate).where(ReportUpdate.external_key == "249"))
    coordinator = f.staff("coordinator", email="coord@example.org")
    db.session.commit()
    citizen_updates.set_hidden(coordinator, rude.id, True, reason="insults")
    db.session.commit()
    assert "rude words" not in client.get(f"/r/{routed.id}").text
    assert all(i["description"] != "A citizen wrote: rude words" for i in request_updates(fetch(client, key)))
    # The troll is blocked: their next update is held, on every door.
    rude.citizen.blocked = True
    db.session.commit()
    client.post(f"{BASE}/servicerequestupdates.json",
                data=comment(routed.id, key, update_id="250", description="more rude words", email="troll@example.org"))
    assert db.session.scalar(select(ReportUpdate).where(ReportUpdate.external_key == "250")).held
    assert "more rude words" not in client.get(f"/r/{routed.id}").text
    assert "more rude words" not in str(client.get(f"/api/v1/reports/{routed.id}").json)


def test_identities_are_scoped_to_the_key_and_never_renamed(client, routed):
    key_a, key_b = key_for_fixmystreet(), key_for_fixmystreet()
    client.post(f"{BASE}/servicerequestupdates.json", data=comment(routed.id, key_a, update_id="1"))
    client.post(f"{BASE}/servicerequestupdates.json",
                data=comment(routed.id, key_a, update_id="2", first_name="Mallory", last_name="X", phone="666"))
    client.post(f"{BASE}/servicerequestupdates.json",
                data=comment(routed.id, key_b, update_id="1", first_name="Eve", phone="777"))
    rows = list(db.session.scalars(select(ReportUpdate).order_by(ReportUpdate.id)))
    assert rows[0].citizen_id == rows[1].citizen_id != rows[2].citizen_id
    first = db.session.get(CitizenContact, rows[0].citizen_id)
    assert (first.first_name, first.last_name, first.phone) == ("Ann", "Lee", "01234 567890")
    second = db.session.get(CitizenContact, rows[2].citizen_id)
    assert (second.first_name, second.phone, second.email) == ("Eve", "777", "ann@example.org")


def test_the_window_still_parses_after_a_control_character_was_submitted(client, city, run_jobs):
    """One stored control character used to make FixMyStreet's XML parser give up on the whole window."""
    key = key_for_fixmystreet()
    set_clock(lambda: NOW - timedelta(hours=1))
    created = as_json(client.post(f"{BASE}/requests.json", data={
        "api_key": key, "service_code": "pothole", "lat": str(INSIDE[0]), "long": str(INSIDE[1]),
        "attribute[size]": "large", "description": "bell\x07 and escape\x1b[31m"}))[0]
    run_jobs()
    report_id = int(created["service_request_id"])
    reports.record_event(reports.get(report_id), EventKind.NOTE, actor_type=ActorType.STAFF, note="form\x0cfeed")
    db.session.commit()
    client.post(f"{BASE}/servicerequestupdates.xml",
                data=comment(report_id, key, description="vertical\x0btab \x01\x02\x03"))
    set_clock(lambda: NOW)
    response = fetch(client, key, lang="en")
    root = ET.fromstring(response.data)  # what XML::Simple does; it would fail on any of those characters
    descriptions = [item.findtext("description") for item in root.findall("request_update")]
    assert "formfeed" in descriptions and "A citizen wrote: verticaltab" in descriptions
    requests_xml = client.get(f"{BASE}/requests.xml", query_string={"service_request_id": str(report_id)})
    assert ET.fromstring(requests_xml.data).findtext("request/description") == "bell and escape[31m"


def test_the_cli_sets_extended_statuses_per_key(app, client, routed):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from backend.cli.apikeys import apikey_group

    info = ScriptInfo(create_app=lambda: app)
    created = CliRunner().invoke(apikey_group, ["create", "FixMyStreet Town", "--extended-statuses"], obj=info)
    assert created.exit_code == 0, created.output
    plain = created.output.strip()
    key = accounts.api_key_valid(plain)
    assert key.open311_extended_statuses
    listed = CliRunner().invoke(apikey_group, ["list"], obj=info).output
    assert f"{key.id}\tFixMyStreet Town\textended-statuses" in listed and plain not in listed
    _move(routed, S.DUPLICATE)
    db.session.commit()
    set_clock(lambda: NOW)
    assert request_updates(fetch(client, plain))[-1]["status"] == "DUPLICATE"
    off = CliRunner().invoke(apikey_group, ["extended-statuses", str(key.id), "off"], obj=info)
    assert off.exit_code == 0, off.output
    db.session.expire_all()
    assert request_updates(fetch(client, plain))[-1]["status"] == "closed"
    missing = CliRunner().invoke(apikey_group, ["extended-statuses", "999", "on"], obj=info)
    assert missing.exit_code != 0 and "there is no key 999" in missing.output
