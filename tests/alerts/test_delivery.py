"""What followers of an area receive: once, only what is public, through the outbox, by SMTP or into files."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from pathlib import Path

from backend.accounts import service as accounts
from backend.accounts.models import StaffRole
from backend.alerts import jobs as alert_jobs
from backend.alerts import service as alerts
from backend.alerts.models import AlertMessage, MessageState
from backend.clock import set_clock
from backend.extensions import db
from backend.outbox import service as outbox
from backend.outbox.models import OutboxMessage
from backend.triage import moderation
from backend.reports import service as reports
from backend.disclosure.projection import public_location
from backend.reports.models import ActorType, ReportStatus
from tests import factories as f
from tests.alerts.conftest import body_of
from tests.alerts.helpers import IN_HUANGPU, OUTSIDE_HUANGPU, path_of, report_at, tampered

ADDRESS = "neighbour@example.org"


def _follow(*, frequency="instant", email=ADDRESS, **area):
    citizen = f.citizen("Follower")
    subscription, _created = alerts.subscribe(citizen, email=email, frequency=frequency, language="en", **area)
    alerts.confirm(subscription)  # as if its owner had used the link
    db.session.commit()
    db.session.query(AlertMessage).delete()  # the confirmation mail is not what these tests look at
    db.session.commit()
    return subscription


def test_a_new_report_in_the_area_reaches_district_and_circle_followers_once(client, city, smtp, run_jobs):
    _follow(district="huangpu")
    _follow(lat=IN_HUANGPU[0], long=IN_HUANGPU[1], radius_m=300, email="circle@example.org")
    inside = report_at(*IN_HUANGPU, description="Deep hole by the bus stop")
    report_at(*OUTSIDE_HUANGPU, description="Elsewhere")
    run_jobs()
    run_jobs()
    [district_mail] = smtp.to(ADDRESS)
    [circle_mail] = smtp.to("circle@example.org")
    for mail in (district_mail, circle_mail):
        assert mail["Subject"] == f"New report CG-{inside.id:06d}: Pothole"
        text = body_of(mail)
        assert "Deep hole by the bus stop" in text and f"/r/{inside.id}" in text
        assert "Elsewhere" not in text
        unsubscribe = mail["List-Unsubscribe"].strip("<>")
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert unsubscribe in text and "/feeds/" in text
    assert "Huangpu" in body_of(district_mail)


def test_status_changes_are_announced_and_the_unsubscribe_link_stops_them_in_one_click(client, city, smtp, run_jobs):
    _follow(district="huangpu")
    report = report_at(*IN_HUANGPU)
    run_jobs()
    report = reports.get(report.id)
    reports.transition(report, ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()
    run_jobs()
    first, second = smtp.to(ADDRESS)
    assert second["Subject"] == f"CG-{report.id:06d} Pothole: Acknowledged by the department"

    page = client.get(path_of(second["List-Unsubscribe"].strip("<>")))
    assert page.status_code == 200 and "gets no more alerts" in page.text  # in the follower's language
    reports.transition(reports.get(report.id), ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF)
    db.session.commit()
    run_jobs()
    assert len(smtp.to(ADDRESS)) == 2


def test_mail_clients_unsubscribe_with_the_one_click_post(client, city, smtp, run_jobs):
    subscription = _follow(district="huangpu")
    url = alerts.unsubscribe_url(subscription)
    answer = client.post(path_of(url), data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200 and answer.mimetype == "text/plain"
    report_at(*IN_HUANGPU)
    run_jobs()
    assert smtp.messages == []
    assert client.get(tampered(path_of(url))).status_code == 404  # an altered link stops nothing


def test_a_sensitive_report_counts_by_its_public_cell_and_its_address_is_never_mailed(client, city, smtp, run_jobs):
    exact = (31.2201, 121.4701)  # ~170 m from the centre of its public cell
    report = report_at(*exact, category="noise_nuisance", description="Loud music")
    public = public_location(report)
    # A tight circle on the exact point, but whose edge stays short of the public cell centre.
    _follow(lat=exact[0], long=exact[1], radius_m=100, email="snoop@example.org")
    _follow(lat=public[0], long=public[1], radius_m=100, email="cell@example.org")
    reports.route(report.id)
    run_jobs()
    assert smtp.to("snoop@example.org") == []
    [mail] = smtp.to("cell@example.org")
    assert "Loud music" in body_of(mail) and "Zhongshan" not in body_of(mail)


def test_a_report_hidden_before_the_alert_goes_out_is_withdrawn(client, city, smtp, run_jobs):
    _follow(district="huangpu")
    report = report_at(*IN_HUANGPU)
    reports.route(report.id)  # the event owes the alert; its job has not run yet
    admin = accounts.create_staff(email="admin@example.org", name="Admin", password="x" * 12, role=StaffRole.ADMIN)
    db.session.flush()
    moderation.set_hidden(admin, report.id, True, reason="spam")
    db.session.commit()
    run_jobs()
    assert smtp.messages == []
    assert AlertMessage.query.one().state == MessageState.WITHDRAWN


def test_a_mail_server_that_refuses_loses_nothing_and_sends_once_when_it_takes_mail_again(app, client, city, smtp, run_jobs):
    _follow(district="huangpu")
    smtp.refuse = True
    report_at(*IN_HUANGPU)
    run_jobs()
    message = AlertMessage.query.one()
    assert message.state == MessageState.PENDING and message.attempts == 1 and "451" in message.last_error
    smtp.refuse = False
    set_clock(lambda: datetime.now(timezone.utc) + timedelta(seconds=app.config["OUTBOX_RETRY_SECONDS"] + 5))
    outbox.sweep()
    run_jobs()
    outbox.sweep()
    run_jobs()
    assert len(smtp.to(ADDRESS)) == 1
    db.session.expire_all()
    assert AlertMessage.query.one().state == MessageState.SENT
    assert OutboxMessage.query.filter(OutboxMessage.done_at.is_(None)).count() == 0


def test_the_daily_digest_is_written_once_a_day_after_the_morning_hour(client, city, smtp, run_jobs):
    day = datetime(2025, 6, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai
    set_clock(lambda: day)
    _follow(district="huangpu", frequency="daily")
    set_clock(lambda: day + timedelta(hours=2))
    first = report_at(*IN_HUANGPU, description="First hole")
    second = report_at(*IN_HUANGPU, description="Second hole")
    run_jobs()
    assert smtp.messages == [], "a daily follower is not mailed at once"

    next_morning_early = datetime(2025, 6, 2, 22, 30, tzinfo=timezone.utc)  # 06:30 in Shanghai
    set_clock(lambda: next_morning_early)
    assert alert_jobs.prepare_digests() == 0
    set_clock(lambda: next_morning_early + timedelta(hours=1))  # 07:30
    assert alert_jobs.prepare_digests() == 1
    assert alert_jobs.prepare_digests() == 0
    run_jobs()
    [digest] = smtp.to(ADDRESS)
    assert digest["Subject"] == "2 updates in Huangpu"
    text = body_of(digest)
    assert text.index("First hole") < text.index("Second hole")
    assert f"CG-{first.id:06d}" in text and f"CG-{second.id:06d}" in text

    set_clock(lambda: next_morning_early + timedelta(days=1, hours=1))  # a day with nothing new
    assert alert_jobs.prepare_digests() == 1
    run_jobs()
    assert len(smtp.to(ADDRESS)) == 1


def test_without_an_smtp_url_messages_are_written_as_files(app, client, city, run_jobs, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "SMTP_URL", "")
    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path / "mail"))
    _follow(district="huangpu")
    report = report_at(*IN_HUANGPU)
    run_jobs()
    [path] = list(Path(tmp_path / "mail").glob("*.eml"))
    mail = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert mail["To"] == ADDRESS and f"CG-{report.id:06d}" in mail["Subject"] and mail["List-Unsubscribe"]
