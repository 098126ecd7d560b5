"""Which events tell whom what: notifications are stored with the event, once per citizen."""
from sqlalchemy import func, select

from backend.extensions import db
from backend.feedback import service as feedback
from backend.feedback.models import DeliveryState, Notification
from backend.outbox.models import OutboxMessage
from backend.reports import service as reports
from backend.reports.models import ActorType, EventKind, Report, ReportStatus
from tests import factories as f


def _notes(citizen):
    """The citizen's notifications about reports (badges and levels are the incentives area's)."""
    return db.session.scalars(select(Notification).where(Notification.citizen_id == citizen.id,
                                                         Notification.kind.in_(["status", "note"]))
                              .order_by(Notification.id)).all()


def _push_jobs():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.job == feedback.PUSH_JOB))


def test_received_routed_and_every_status_reach_the_reporter_and_supporters(city, telegram, run_jobs):
    reporter = f.telegram_citizen(1001, language="en")
    fan = f.telegram_citizen(1002)
    report = reports.submit(category="pothole", lat=31.2, long=121.45, description="deep", reporter=reporter)
    run_jobs()
    report = db.session.get(Report, report.id)
    f.supporter(report, fan)
    for target, note in [(ReportStatus.ACKNOWLEDGED, ""), (ReportStatus.IN_PROGRESS, "crew sent"),
                         (ReportStatus.RESOLVED, "filled")]:
        reports.transition(report, target, actor_type=ActorType.STAFF, note=note)
    db.session.commit()

    mine = _notes(reporter)
    assert [n.payload["event"] for n in mine] == ["submitted", "routed", "status", "status", "status"]
    assert [n.payload["to_status"] for n in mine][2:] == ["acknowledged", "in_progress", "resolved"]
    assert mine[1].payload["department"]["en"] == "Roads Bureau"
    theirs = _notes(fan)
    assert [n.payload["to_status"] for n in theirs] == ["acknowledged", "in_progress", "resolved"]
    assert {n.payload["role"] for n in theirs} == {"supporter"}
    # The first two were pushed by the worker already; the rest wait for theirs.
    assert [n.state for n in mine[:2]] == [DeliveryState.SENT] * 2
    assert all(n.state == DeliveryState.PENDING and n.channel == "telegram" for n in mine[2:] + theirs)


def test_public_notes_notify_and_internal_events_do_not(city, telegram):
    reporter = f.telegram_citizen(1001)
    report = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=reporter)
    reports.record_event(report, EventKind.NOTE, actor_type=ActorType.STAFF, note="We will look tomorrow")
    reports.record_event(report, EventKind.NOTE, actor_type=ActorType.STAFF, note="internal: call contractor", public=False)
    db.session.commit()
    kinds = [(n.kind, n.payload["note"]) for n in _notes(reporter)]
    assert kinds == [("status", ""), ("note", "We will look tomorrow")]


def test_the_same_event_never_notifies_twice(city, telegram):
    reporter = f.telegram_citizen(1001)
    report = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=reporter)
    event = report.events[0]
    assert feedback.notify_report_event(report, event) == []
    db.session.commit()
    assert len(_notes(reporter)) == 1
    assert _push_jobs() == 1


def test_citizens_without_a_chat_get_feed_only_notifications_and_no_push(city, telegram):
    app_user = f.citizen("App User")
    demo = f.telegram_citizen("demo-0001")  # the demo seed's made-up identities
    reports.submit(category="pothole", lat=31.2, long=121.45, reporter=app_user)
    other = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=demo)
    db.session.commit()
    assert [n.state for n in _notes(app_user)] == [DeliveryState.FEED_ONLY]
    assert [(n.state, n.channel) for n in _notes(demo)] == [(DeliveryState.FEED_ONLY, None)]
    assert _push_jobs() == 0
    assert other.id


def test_without_a_bot_token_nothing_is_pushed(city, app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", "")
    reporter = f.telegram_citizen(1001)
    reports.submit(category="pothole", lat=31.2, long=121.45, reporter=reporter)
    assert [n.state for n in _notes(reporter)] == [DeliveryState.FEED_ONLY]


def test_deleted_citizens_are_not_told(city, telegram):
    from backend.clock import utcnow

    gone = f.telegram_citizen(1001)
    report = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=gone)
    gone.deleted_at = utcnow()
    reports.transition(report, ReportStatus.REJECTED, actor_type=ActorType.STAFF, note="not public land")
    db.session.commit()
    assert len(_notes(gone)) == 1


def _feed(client, citizen):
    token = f.api_token(citizen)
    return client.get("/api/v1/me/notifications", headers={"Authorization": f"Bearer {token}"}).json


def test_the_feed_speaks_the_citizens_language(city, telegram, client):
    zh = f.telegram_citizen(1001, language="zh_Hans")
    en = f.telegram_citizen(1002, language="en")
    report = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=zh)
    f.supporter(report, en)
    report.duplicate_of_id = None
    reports.transition(report, ReportStatus.REJECTED, actor_type=ActorType.STAFF, note="私人道路 / private road")
    db.session.commit()
    zh_feed = _feed(client, zh)
    en_feed = _feed(client, en)
    assert zh_feed["total"] == 2 and en_feed["total"] == 1
    assert "已驳回" in zh_feed["items"][0]["text"] and "私人道路" in zh_feed["items"][0]["text"]
    assert en_feed["items"][0]["text"].startswith(f"A report you support: CG-{report.id:06d} · Pothole")
    assert "Rejected: 私人道路 / private road" in en_feed["items"][0]["text"]
    assert en_feed["items"][0]["state"] == "pending"


def test_merged_reports_name_the_report_they_were_merged_into(city, telegram, client):
    reporter = f.telegram_citizen(1001, language="en")
    first = reports.submit(category="pothole", lat=31.2, long=121.45)
    second = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=reporter)
    second.duplicate_of_id = first.id
    reports.transition(second, ReportStatus.DUPLICATE, actor_type=ActorType.STAFF)
    db.session.commit()
    text = _feed(client, reporter)["items"][0]["text"]
    assert f"Merged into CG-{first.id:06d}" in text
