"""A citizen's update on a report from the app: who may add one, the checks, moderation, retries."""
import io

from backend.extensions import db
from backend.reports import service as reports
from backend.updates import service as updates
from backend.updates.models import ReportUpdate
from tests import factories as f


def _report(reporter=None):
    report = reports.submit(category="pothole", lat=31.22, long=121.47, description="A hole",
                            attributes={"size": "small"}, reporter=reporter or f.citizen("Reporter"))
    reports.route(report.id)
    db.session.commit()
    return reports.get(report.id)


def _auth(token, **more):
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en", **more}


def _follower(client, report, name="Follower"):
    token = f.api_token(f.citizen(name, language="en"))
    assert client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token)).status_code == 200
    return token


def test_a_follower_adds_an_update_with_a_photo_and_the_public_sees_it(client, city):
    report = _report()
    token = _follower(client, report)
    answer = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(token), content_type="multipart/form-data",
                         data={"text": "Still there, and deeper", "photo": (io.BytesIO(f.jpeg()), "a.jpg")})
    assert answer.status_code == 201, answer.json
    assert answer.json["state"] == "shown" and answer.json["text"] == "Still there, and deeper"
    assert answer.json["photo"]["url"].endswith(".jpg") and answer.json["created_at"]
    listed = client.get(f"/api/v1/reports/{report.id}/updates").json
    assert [u["text"] for u in listed] == ["Still there, and deeper"]
    history = client.get(f"/api/v1/reports/{report.id}").json["history"]
    assert [h["note"] for h in history if h["kind"] == "citizen_update"] == ["Still there, and deeper"]
    page = client.get(f"/r/{report.id}", headers={"Accept-Language": "en"})
    assert "Still there, and deeper" in page.get_data(as_text=True)


def test_the_reporter_may_add_one_and_a_text_only_update_is_json(client, city):
    reporter = f.citizen("Reporter", language="en")
    report = _report(reporter)
    answer = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(f.api_token(reporter)),
                         json={"text": "Cones were put around it"})
    assert answer.status_code == 201 and answer.json["photo"] is None


def test_refused_without_token_for_unknown_or_hidden_report_and_for_a_stranger(client, city):
    report = _report()
    assert client.post(f"/api/v1/reports/{report.id}/updates", json={"text": "x"}).status_code == 401
    stranger = f.api_token(f.citizen("Stranger", language="en"))
    refused = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(stranger), json={"text": "Hello"})
    assert refused.status_code == 403 and refused.json["code"] == "not_following"
    token = _follower(client, report)
    unknown = client.post("/api/v1/reports/999999/updates", headers=_auth(token), json={"text": "Hello"})
    assert unknown.status_code == 404 and unknown.json["code"] == "report_not_found"
    empty = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(token), json={"text": "  "})
    assert empty.status_code == 422 and empty.json["code"] == "update_empty"
    reports.get(report.id).hidden = True
    db.session.commit()
    hidden = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(token), json={"text": "Hello"})
    assert hidden.status_code == 404
    assert client.get(f"/api/v1/reports/{report.id}/updates").status_code == 404
    assert ReportUpdate.query.count() == 0


def test_a_blocked_citizens_update_is_held(client, city):
    report = _report()
    troll = f.citizen("Troll", language="en")
    token = f.api_token(troll)
    client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    troll.blocked = True
    db.session.commit()
    answer = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(token), json={"text": "Spam"})
    assert answer.status_code == 201 and answer.json["state"] == "held"
    assert client.get(f"/api/v1/reports/{report.id}/updates").json == []


def test_hidden_by_staff_it_is_gone_from_the_list_and_the_page(client, city):
    report = _report()
    token = _follower(client, report)
    added = client.post(f"/api/v1/reports/{report.id}/updates", headers=_auth(token), json={"text": "Call 13800000000"})
    coordinator = f.coordinator()
    updates.set_hidden(coordinator, added.json["id"], True, reason="a phone number")
    db.session.commit()
    assert client.get(f"/api/v1/reports/{report.id}/updates").json == []
    assert "13800000000" not in client.get(f"/r/{report.id}").get_data(as_text=True)


def test_a_retry_with_the_same_key_creates_one_update(client, city):
    report = _report()
    token = _follower(client, report)
    headers = _auth(token, **{"Idempotency-Key": "6f1c-update-1"})
    first = client.post(f"/api/v1/reports/{report.id}/updates", headers=headers, json={"text": "Deeper now"})
    again = client.post(f"/api/v1/reports/{report.id}/updates", headers=headers, json={"text": "Deeper now"})
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and again.json["id"] == first.json["id"]
    assert ReportUpdate.query.count() == 1
    other = client.post(f"/api/v1/reports/{report.id}/updates", headers=headers, json={"text": "Something else"})
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
