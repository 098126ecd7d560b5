"""Following an area: double opt-in for e-mail, one-click unsubscribe, limits, hostile input, whose is whose."""
import re
from datetime import timedelta

import pytest

from backend.accounts import data_rights
from backend.alerts.models import AlertMessage, AlertSubscription
from backend.clock import travel
from backend.extensions import db
from tests.alerts.conftest import body_of
from tests.alerts.helpers import IN_HUANGPU, auth, path_of, report_at, tampered, token_for

LINK = re.compile(r"https?://\S+/alerts/confirm/\S+")


def _subscribe(client, token, **body):
    return client.post("/api/v1/alerts", json=body, headers=auth(token))


def _confirm_link(message) -> str:
    return LINK.search(body_of(message)).group(0)


def test_an_email_follower_gets_only_the_confirmation_until_its_link_is_used(client, city, smtp, run_jobs):
    citizen, token = token_for()
    answer = _subscribe(client, token, district="huangpu", email="li.wei@example.org", frequency="instant")
    assert answer.status_code == 201
    body = answer.json
    assert body["status"] == "awaiting_confirmation" and body["area_name"] == "黄浦区"
    assert body["feed_url"].endswith("/feeds/districts/huangpu.atom?lang=zh_Hans")
    run_jobs()
    [confirmation] = smtp.to("li.wei@example.org")
    assert "List-Unsubscribe" not in confirmation  # nothing to leave yet
    link = _confirm_link(confirmation)

    report_at(*IN_HUANGPU)
    run_jobs()
    assert len(smtp.to("li.wei@example.org")) == 1, "nothing but the confirmation before it is confirmed"

    # Opening the link (as a mail scanner would) only asks; the button confirms.
    page = client.get(path_of(link))
    assert page.status_code == 200 and "li.wei@example.org" in page.text and "<form method=\"post\"" in page.text
    assert db.session.get(AlertSubscription, body["id"]).confirmed_at is None
    done = client.post(path_of(link))
    assert done.status_code == 200 and "黄浦区" in done.text
    db.session.expire_all()
    assert db.session.get(AlertSubscription, body["id"]).confirmed_at is not None

    report = report_at(*IN_HUANGPU, description="Another hole")
    run_jobs()
    [_first, alert] = smtp.to("li.wei@example.org")
    assert f"CG-{report.id:06d}" in alert["Subject"]
    assert "Another hole" in body_of(alert)
    assert client.get("/api/v1/me/alerts", headers=auth(token)).json[0]["status"] == "active"


def test_confirmation_links_cannot_be_forged_altered_or_used_late(client, city, smtp, run_jobs):
    _citizen, token = token_for()
    _subscribe(client, token, district="huangpu", email="a@example.org")
    run_jobs()
    link = path_of(_confirm_link(smtp.messages[0]))
    assert client.post(tampered(link)).status_code == 404
    assert client.post("/alerts/confirm/not-a-token").status_code == 404
    travel(timedelta(days=8))
    late = client.post(link)
    assert late.status_code == 404 and "过期" in late.text
    assert AlertSubscription.query.one().confirmed_at is None


def test_one_address_gets_at_most_three_confirmations_a_day_whoever_asks(client, city, smtp, run_jobs):
    tokens = [token_for(f"Stranger {i}")[1] for i in range(4)]
    for token in tokens[:3]:
        assert _subscribe(client, token, district="huangpu", email="victim@example.org").status_code == 201
    refused = _subscribe(client, tokens[3], district="huangpu", email="VICTIM@example.org")
    assert refused.status_code == 429 and refused.json["code"] == "too_many_confirmations"
    run_jobs()
    assert len(smtp.to("victim@example.org")) == 3
    travel(timedelta(days=1, minutes=1))
    assert _subscribe(client, tokens[3], district="huangpu", email="victim@example.org").status_code == 201


def test_an_address_confirmed_once_by_a_citizen_needs_no_second_confirmation_from_them(client, city, smtp, run_jobs):
    _citizen, token = token_for()
    _subscribe(client, token, district="huangpu", email="me@example.org")
    run_jobs()
    client.post(path_of(_confirm_link(smtp.messages[0])))
    circle = _subscribe(client, token, lat=IN_HUANGPU[0], long=IN_HUANGPU[1], radius_m=300, email="me@example.org")
    assert circle.status_code == 201 and circle.json["status"] == "active"
    run_jobs()
    assert len(smtp.messages) == 1
    # Somebody else naming the same address still needs its owner's yes.
    _other, other_token = token_for("Other")
    assert _subscribe(client, other_token, district="huangpu", email="me@example.org").json["status"] == \
        "awaiting_confirmation"


def test_asking_again_for_the_same_area_gives_the_same_subscription_and_no_new_mail(client, city, smtp, run_jobs):
    _citizen, token = token_for()
    first = _subscribe(client, token, district="huangpu", email="me@example.org")
    again = _subscribe(client, token, district="huangpu", email="me@example.org")
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    run_jobs()
    assert len(smtp.messages) == 1 and AlertMessage.query.count() == 1


def test_a_feed_only_subscription_is_active_at_once_and_mails_nobody(client, city, smtp, run_jobs):
    _citizen, token = token_for()
    answer = client.post("/api/v1/alerts", json={"lat": IN_HUANGPU[0], "long": IN_HUANGPU[1], "radius_m": 500,
                                                 "language": "en"}, headers={**auth(token), "Accept-Language": "en"})
    assert answer.status_code == 201 and answer.json["status"] == "active" and answer.json["email"] is None
    assert answer.json["area_name"] == "500 m around a place in Huangpu"
    assert "/feeds/around.atom?lat=31.22000&long=121.47000&radius_m=500&lang=en" in answer.json["feed_url"]
    report_at(*IN_HUANGPU)
    run_jobs()
    assert smtp.messages == []


@pytest.mark.parametrize("body, code", [
    ({"lat": 91, "long": 121.47, "radius_m": 500}, "invalid_coordinate"),
    ({"lat": "NaN", "long": 121.47, "radius_m": 500}, "invalid_coordinate"),
    ({"lat": 121.47, "long": 31.22, "radius_m": 500}, "swapped_coordinates"),
    ({"lat": 31.60, "long": 121.90, "radius_m": 500}, "outside_service_area"),
    ({"lat": 31.22, "long": 121.47, "radius_m": 10}, "invalid_radius"),
    ({"lat": 31.22, "long": 121.47, "radius_m": 1e12}, "invalid_radius"),
    ({"lat": 31.22, "long": 121.47, "radius_m": "Infinity"}, "invalid_radius"),
    ({"lat": 31.22, "long": 121.47, "radius_m": "wide"}, "invalid_radius"),
    ({"district": "atlantis"}, "unknown_district"),
    ({"district": "huangpu", "email": "no-at-sign"}, "invalid_email"),
    ({"district": "huangpu", "email": "x@example.org\nBcc: everyone@example.org"}, "invalid_email"),
    ({"district": "huangpu", "email": "Li Wei <li@example.org>"}, "invalid_email"),
    ({"district": "huangpu", "frequency": "hourly"}, "invalid_input"),
    ({}, "missing_area"),
])
def test_hostile_values_are_refused_with_a_reason_and_store_nothing(client, city, body, code):
    _citizen, token = token_for()
    answer = _subscribe(client, token, **body)
    assert 400 <= answer.status_code < 500 and answer.json["code"] == code, answer.json
    assert AlertSubscription.query.count() == 0 and AlertMessage.query.count() == 0


def test_without_a_token_nobody_subscribes(client, city):
    assert client.post("/api/v1/alerts", json={"district": "huangpu"}).status_code == 401
    assert client.get("/api/v1/me/alerts").status_code == 401


def test_another_citizens_token_neither_sees_nor_stops_my_alerts(client, city):
    _me, mine = token_for("Me")
    _other, theirs = token_for("Other")
    alert = _subscribe(client, mine, district="huangpu").json
    assert client.get("/api/v1/me/alerts", headers=auth(theirs)).json == []
    assert client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=auth(theirs)).status_code == 404
    assert client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=auth(mine)).status_code == 204
    assert client.get("/api/v1/me/alerts", headers=auth(mine)).json == []
    assert client.delete(f"/api/v1/me/alerts/{alert['id']}", headers=auth(mine)).status_code == 404


def test_a_citizen_follows_at_most_twenty_areas(client, city):
    _citizen, token = token_for()
    for i in range(20):
        assert _subscribe(client, token, lat=31.21 + i * 0.001, long=121.47, radius_m=200).status_code == 201
    refused = _subscribe(client, token, lat=31.24, long=121.47, radius_m=200)
    assert refused.status_code == 429 and refused.json["code"] == "too_many_alerts"


def test_export_lists_my_alerts_and_erasure_removes_them(client, city, smtp, run_jobs):
    citizen, token = token_for()
    _subscribe(client, token, district="huangpu", email="me@example.org")
    exported = client.get("/api/v1/me/export", headers=auth(token)).json
    assert exported["alerts"][0]["email"] == "me@example.org"
    data_rights.erase(citizen)
    assert AlertSubscription.query.count() == 0 and AlertMessage.query.count() == 0
    run_jobs()  # the confirmation's job finds nothing to send
    assert smtp.messages == []
