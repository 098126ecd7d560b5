"""My reports, my notification feed, and my data rights (export, delete = anonymize)."""
import json

from sqlalchemy import func, select

from backend.accounts.models import Channel, ChannelIdentity, Citizen, CitizenContact
from backend.extensions import db
from backend.feedback import service as feedback
from backend.feedback.models import DeliveryState, Notification
from backend.reports import service as reports
from backend.reports.models import ActorType, Report, ReportStatus, Supporter
from tests import factories as f
from tests.city_fixture import INSIDE


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def submit(citizen, text="hole"):
    return reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description=text,
                          attributes={"size": "small"}, reporter=citizen)


def test_my_reports_are_paged_newest_first(client, city):
    me = f.citizen("Me")
    mine = [submit(me, f"r{i}") for i in range(5)]
    submit(f.citizen("Someone else"))
    token = f.api_token(me)
    page1 = client.get("/api/v1/me/reports?page=1&page_size=2", headers=bearer(token)).json
    assert (page1["page"], page1["pages"], page1["total"]) == (1, 3, 5)
    assert [r["id"] for r in page1["items"]] == [mine[4].id, mine[3].id]
    assert "history" not in page1["items"][0]
    assert page1["items"][0]["open311_status"] == "open"
    page3 = client.get("/api/v1/me/reports?page=3&page_size=2", headers=bearer(token)).json
    assert [r["id"] for r in page3["items"]] == [mine[0].id]
    assert client.get("/api/v1/me/reports?page=0", headers=bearer(token)).status_code == 422
    assert client.get("/api/v1/me/reports?page_size=abc", headers=bearer(token)).status_code == 422


def notify(citizen, report_id, kind, payload, key):
    n = Notification(citizen_id=citizen.id, report_id=report_id, kind=kind, subject_key=key, payload=payload,
                     state=DeliveryState.SENT)
    db.session.add(n)
    db.session.commit()
    return n


def test_the_feed_renders_text_in_my_language(client, city, run_jobs):
    me = f.citizen("Me", language="en")
    report = submit(me)
    run_jobs()  # routing
    report = db.session.get(Report, report.id)
    reports.transition(report, ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF)
    db.session.commit()
    # A notification that is not a report event arrives with its text written in both languages.
    feedback.notify(me.id, kind="badge", subject_key="badge:test", payload={"text_en": "Fixed!", "text_zh": "已修复！"})
    db.session.commit()
    submit(f.citizen("Other"))
    token = f.api_token(me)
    feed = client.get("/api/v1/me/notifications", headers=bearer(token)).json
    mine = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.citizen_id == me.id))
    assert feed["total"] == mine
    items = {item["kind"]: [] for item in feed["items"]}
    for item in feed["items"]:
        items[item["kind"]].append(item["text"])
    ref = f"CG-{report.id:06d}"
    assert [text.splitlines()[1] for text in items["status"]] == [
        "Work is in progress.", "Sent to City Roads Bureau.", "Received. We will tell you here when it moves."]
    assert items["status"][0].splitlines()[0] == f"Your report {ref} · Pothole"
    assert "Fixed!" in items["badge"]
    assert not any("Details:" in text for texts in items.values() for text in texts)
    assert feed["items"][0]["state"] == "feed_only"
    me.language = "zh_Hans"
    db.session.commit()
    feed = client.get("/api/v1/me/notifications", headers=bearer(token)).json
    assert "已修复！" in [item["text"] for item in feed["items"] if item["kind"] == "badge"]
    status = [item["text"] for item in feed["items"] if item["kind"] == "status"]
    assert status[0].splitlines() == [f"您的报告 {ref} · 路面坑洼", "正在处理中。"]


def test_export_holds_everything_about_me(client, city, app):
    login = client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 777,
        "display_name": "Export Me", "language": "en"}).json
    me = db.session.get(Citizen, login["citizen"]["id"])
    report = submit(me, "my words")
    other = submit(f.citizen("Other"))
    db.session.add(Supporter(report_id=other.id, citizen_id=me.id))
    db.session.commit()
    notify(me, report.id, "status", {"status": "open"}, "x")
    response = client.get("/api/v1/me/export", headers=bearer(login["token"]))
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["citizen"]["display_name"] == "Export Me"
    assert data["channel_identities"] == [{"channel": "telegram", "external_id": "777", "blocked": False,
                                           "created_at": data["channel_identities"][0]["created_at"]}]
    assert [r["description"] for r in data["reports"]] == ["my words"]
    assert data["reports"][0]["lat"] == INSIDE[0]
    assert data["supporting"][0]["report_id"] == other.id
    assert [n["payload"].get("event") for n in data["notifications"]] == ["submitted", None]
    assert data["notifications"][-1]["payload"] == {"status": "open"}
    assert len(data["tokens"]) == 1 and "token_hash" not in json.dumps(data)


def test_delete_removes_personal_data_and_keeps_reports_anonymized(client, city, app):
    login = client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 555,
        "display_name": "Forget Me", "language": "en"}).json
    cid = login["citizen"]["id"]
    me = db.session.get(Citizen, cid)
    db.session.add(CitizenContact(citizen_id=cid, email="forget@example.org", phone="+86 138 0000 0000"))
    report = submit(me, "a public description")
    notify(me, report.id, "status", {"status": "open"}, "x")
    assert client.delete("/api/v1/me", headers=bearer(login["token"])).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(login["token"])).status_code == 401
    db.session.expire_all()
    kept = db.session.get(Report, report.id)
    assert kept is not None and kept.reporter_id is None and kept.description == "a public description"
    assert all(e.actor_citizen_id is None for e in kept.events)
    shell = db.session.get(Citizen, cid)
    assert shell.display_name == "" and shell.deleted_at is not None
    assert db.session.scalar(select(CitizenContact).where(CitizenContact.citizen_id == cid)) is None
    assert db.session.scalar(select(ChannelIdentity).where(ChannelIdentity.citizen_id == cid)) is None
    assert db.session.scalar(select(Notification).where(Notification.citizen_id == cid)) is None
    assert client.get(f"/api/v1/reports/{report.id}").status_code == 200
    # Writing to the bot again starts afresh, as a new citizen.
    again = client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 555,
        "display_name": "Back", "language": "en"}).json
    assert again["citizen"]["id"] != cid
    assert db.session.scalar(select(ChannelIdentity).where(ChannelIdentity.channel == Channel.TELEGRAM)).citizen_id \
        == again["citizen"]["id"]


def test_an_authenticated_read_writes_nothing_but_the_hourly_last_used_time(client, city):
    from datetime import timedelta

    from sqlalchemy import event

    from backend.accounts.models import ApiToken

    me = f.citizen("Reader")
    token = f.api_token(me)
    db.session.commit()
    assert client.get("/api/v1/me/reports", headers=bearer(token)).status_code == 200
    row = db.session.scalar(select(ApiToken).where(ApiToken.citizen_id == me.id))
    first_use = row.last_used_at
    assert first_use is not None

    writes = []

    def note_write(_conn, _cursor, statement, *_args):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(db.engine, "before_cursor_execute", note_write)
    try:
        for _ in range(3):
            assert client.get("/api/v1/me/reports", headers=bearer(token)).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note_write)
    assert writes == []

    # An hour later the device list learns of the new use.
    row.last_used_at = first_use - timedelta(hours=2)
    db.session.commit()
    assert client.get("/api/v1/me/reports", headers=bearer(token)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, row.id).last_used_at > first_use
