"""Pushing notifications over the (fake) Bot API: once per recipient, whatever happens."""
import threading
from datetime import timedelta

from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from backend import jobqueue
from backend.accounts.models import ChannelIdentity
from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.feedback import delivery, ratelimit
from backend.feedback.models import DeliveryState, Notification
from backend.outbox import service as outbox
from backend.outbox.models import OutboxMessage
from backend.reports import service as reports
from backend.reports.models import ActorType, Report, ReportStatus
from tests import factories as f


def _routed_report(run_jobs, reporter, *supporters):
    report = reports.submit(category="pothole", lat=31.2, long=121.45, description="deep", reporter=reporter)
    run_jobs()
    report = db.session.get(Report, report.id)
    for s in supporters:
        f.supporter(report, s)
    db.session.commit()
    return report


def _resolve(report_id, note="Filled with asphalt"):
    report = db.session.get(Report, report_id)
    reports.transition(report, ReportStatus.RESOLVED, actor_type=ActorType.STAFF, note=note)
    db.session.commit()


def _pending_ids():
    """Pending report notifications (a resolution may also earn a badge, whose push is test_a_badge_…'s)."""
    return db.session.scalars(select(Notification.id).where(Notification.state == DeliveryState.PENDING,
                                                            Notification.report_id.is_not(None))).all()


def _report_texts(telegram, chat_id):
    """The report messages a chat received, without congratulations (badges, levels)."""
    return [text for text in telegram.texts_to(chat_id) if "CG-" in text.splitlines()[0]]


def test_a_status_change_reaches_each_recipient_once_in_their_language(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501, language="en")
    fan = f.telegram_citizen(502, language="zh_Hans")
    report = _routed_report(run_jobs, reporter, fan)
    assert telegram.texts_to(501)[0].splitlines()[1] == "Received. We will tell you here when it moves."
    assert telegram.texts_to(501)[1].splitlines()[1] == "Sent to Roads Bureau."

    _resolve(report.id)
    run_jobs()
    en, zh = _report_texts(telegram, 501), _report_texts(telegram, 502)
    assert len(en) == 3 and len(zh) == 1
    assert en[2].splitlines() == [
        f"Your report CG-{report.id:06d} · Pothole",
        "Resolved — is it really fixed? If it is not, tell us.",
        "Note: Filled with asphalt",
        f"Details: http://127.0.0.1:5000/r/{report.id}",
    ]
    assert zh[0].splitlines()[:3] == [f"您支持的报告：CG-{report.id:06d} · 坑洼",
                                      "已解决——问题真的解决了吗？如果没有，请告诉我们。", "备注：Filled with asphalt"]
    sent = db.session.scalars(select(Notification).where(Notification.citizen_id == fan.id)).one()
    assert sent.state == DeliveryState.SENT
    assert sent.external_message_id == str(telegram.messages_to(502)[0]["message_id"])


def test_the_deep_link_opens_the_report_in_the_bot_when_its_name_is_known(city, telegram, run_jobs, app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_USERNAME", "CrowdGovBot")
    reporter = f.telegram_citizen(501, language="en")
    report = _routed_report(run_jobs, reporter)
    assert telegram.texts_to(501)[0].endswith(f"Details: https://t.me/CrowdGovBot?start=r_{report.id}")


def test_retried_and_duplicated_jobs_send_nothing_twice(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501)
    fan = f.telegram_citizen(502)
    report = _routed_report(run_jobs, reporter, fan)
    _resolve(report.id)
    ids = _pending_ids()
    assert len(ids) == 2
    # The outbox delivers twice (the sweep re-enqueued it) and RQ retries the push itself.
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.done_at.is_(None))).all():
        jobqueue.enqueue(outbox.DELIVER, message_id=message.id)
    for notification_id in ids:
        jobqueue.enqueue("backend.feedback.jobs.push", notification_id=notification_id)
    run_jobs()
    for notification_id in ids:
        assert delivery.push(notification_id) == "sent"
    assert len(_report_texts(telegram, 501)) == 3
    assert len(telegram.texts_to(502)) == 1


def test_two_workers_racing_for_one_notification_send_it_once(city, telegram, run_jobs, app):
    reporter = f.telegram_citizen(501)
    report = _routed_report(run_jobs, reporter)
    _resolve(report.id)
    (notification_id,) = _pending_ids()
    results = []

    def worker():
        with app.app_context():
            results.append(delivery.push(notification_id))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["sent"] * 4
    assert len(_report_texts(telegram, 501)) == 3


def test_a_blocked_user_stops_receiving(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501)
    fan = f.telegram_citizen(502)
    report = _routed_report(run_jobs, reporter, fan)
    telegram.fail(502, 403)
    _resolve(report.id)
    run_jobs()
    identity = db.session.scalars(select(ChannelIdentity).where(ChannelIdentity.citizen_id == fan.id)).one()
    assert identity.blocked
    assert db.session.scalars(select(Notification.state).where(Notification.citizen_id == fan.id)).all() == [
        DeliveryState.BLOCKED]

    report = db.session.get(Report, report.id)
    reports.transition(report, ReportStatus.CLOSED, actor_type=ActorType.SYSTEM)
    db.session.commit()
    run_jobs()
    assert telegram.texts_to(502) == []  # never reached, and not tried again
    assert len([c for c in telegram.calls if c[0] == "sendMessage" and str(c[1]["chat_id"]) == "502"]) == 1
    assert db.session.scalars(select(Notification.state).where(Notification.citizen_id == fan.id)
                              .order_by(Notification.id)).all()[-1] == DeliveryState.FEED_ONLY
    assert len(_report_texts(telegram, 501)) == 4  # the reporter still hears everything


def test_retry_after_is_honoured(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501)
    report = _routed_report(run_jobs, reporter)
    telegram.fail(501, 429, retry_after=7)
    _resolve(report.id)
    run_jobs()
    (notification_id,) = _pending_ids()
    # The resolution and the first-report badge both wait: whichever went first met the 429,
    # the other was held back by the pause it left on the chat.
    waiting = db.session.scalars(select(Notification).where(Notification.citizen_id == reporter.id,
                                                            Notification.state == DeliveryState.PENDING)).all()
    assert sorted(n.attempts for n in waiting) == [0, 1]
    registry = ScheduledJobRegistry(queue=jobqueue.queue())
    # The resolution's push and the first-report badge's push both wait for the time Telegram asked for.
    due = [registry.get_scheduled_time(job_id) for job_id in registry.get_job_ids()]
    assert len(due) == 2 and all(timedelta(seconds=5) < d - utcnow() <= timedelta(seconds=7) for d in due)
    assert len(_report_texts(telegram, 501)) == 2  # nothing new yet

    # Before the time Telegram asked for, the chat stays quiet even if a job comes early.
    assert delivery.push(notification_id) == "throttled"
    assert len(_report_texts(telegram, 501)) == 2
    later = utcnow() + timedelta(seconds=8)
    set_clock(lambda: later)
    assert delivery.push(notification_id) == "sent"
    assert len(_report_texts(telegram, 501)) == 3


def test_one_message_a_second_per_chat_across_processes(city, telegram, run_jobs, app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_PER_CHAT_INTERVAL_MS", 1000)
    now = utcnow()
    set_clock(lambda: now)
    reporter = f.telegram_citizen(501)
    report = reports.submit(category="pothole", lat=31.2, long=121.45, reporter=reporter)
    run_jobs()  # "received" goes out; "routed" is put off by a second
    assert len(telegram.texts_to(501)) == 1
    (routed_id,) = _pending_ids()
    assert db.session.get(Notification, routed_id).next_attempt_at == now + timedelta(seconds=1)
    later = now + timedelta(seconds=1)
    set_clock(lambda: later)
    assert delivery.push(routed_id) == "sent"
    assert len(_report_texts(telegram, 501)) == 2
    assert report.id


def test_about_thirty_messages_a_second_overall(app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_PER_CHAT_INTERVAL_MS", 1000)
    now = utcnow().replace(microsecond=100_000)
    set_clock(lambda: now)
    waits = [ratelimit.acquire(str(chat)) for chat in range(1, 32)]
    assert waits[:30] == [0.0] * 30
    assert waits[30] == 0.9  # the rest of this second
    assert ratelimit.acquire("1") == 1.0  # and chat 1 has had its message this second
    nxt = now + timedelta(seconds=1)
    set_clock(lambda: nxt)
    assert ratelimit.acquire("31") == 0.0


def test_a_lost_push_job_is_found_by_the_sweep(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501)
    report = _routed_report(run_jobs, reporter)
    _resolve(report.id)
    jobqueue.redis_connection().flushdb()  # the job and its outbox enqueue are gone
    db.session.execute(OutboxMessage.__table__.update().values(done_at=utcnow()))
    db.session.commit()
    assert delivery.sweep() == 0  # not yet: it may simply be waiting in the queue
    later = utcnow() + timedelta(minutes=3)
    set_clock(lambda: later)
    assert delivery.sweep() == 2  # the resolution's notification and the first-report badge
    run_jobs()
    assert len(_report_texts(telegram, 501)) == 3


def test_permanent_errors_are_recorded_and_not_retried(city, telegram, run_jobs):
    reporter = f.telegram_citizen(501)
    report = _routed_report(run_jobs, reporter)
    telegram.fail(501, 400)
    _resolve(report.id)
    run_jobs()
    failed = db.session.scalars(select(Notification).where(Notification.state == DeliveryState.FAILED)).one()
    assert "chat not found" in failed.last_error.lower()
    assert delivery.push(failed.id) == "failed"


def test_a_badge_congratulation_is_pushed_once_in_the_citizens_language(city, telegram, run_jobs):
    reporter = f.telegram_citizen(601, language="zh_Hans")
    report = _routed_report(run_jobs, reporter)
    before = len(telegram.texts_to(601))
    reports.transition(db.session.get(Report, report.id), ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()
    run_jobs()
    run_jobs()  # a second run finds nothing more to say
    new = telegram.texts_to(601)[before:]
    assert any(text.startswith("获得新徽章") for text in new), new
    assert len([t for t in new if t.startswith("获得新徽章")]) == 1
