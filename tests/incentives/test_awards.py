"""Who earns what, and when: deferred award, idempotence, the spam penalty, no self-reward."""
from sqlalchemy import func, select

from backend import signals
from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import Notification
from backend.incentives import boards, jobs, ledger, standing
from backend.incentives.models import BadgeAward, PointEntry
from backend.outbox import service as outbox
from backend.incentives.rules import Reason
from backend.reports.models import Report, ReportEvent, ReportStatus
from backend.tasks import reputation
from backend.tasks.service import tasks_for_report
from tests import factories as f
from tests.incentives.conftest import IN_WEST, at, campaign_task, move, submit, support


def entries(citizen=None) -> list[tuple[str, int]]:
    stmt = select(PointEntry.reason, PointEntry.amount).order_by(PointEntry.id)
    if citizen is not None:
        stmt = stmt.where(PointEntry.citizen_id == citizen.id)
    return [tuple(row) for row in db.session.execute(stmt)]


def test_a_report_earns_nothing_until_its_department_accepts_it(city):
    reporter = f.citizen("Reporter")
    report = submit(reporter)
    assert report.status == ReportStatus.OPEN
    assert entries() == []
    assert ledger.balance(reporter.id) == 0

    move(report, ReportStatus.ACKNOWLEDGED)
    assert entries(reporter) == [("report_validated", 10)]
    assert ledger.balance(reporter.id) == 10
    # Working on it and resolving it later are the same validation: nothing more.
    move(report, ReportStatus.IN_PROGRESS)
    move(report, ReportStatus.RESOLVED)
    assert ledger.balance(reporter.id) == 10


def test_a_department_that_goes_straight_to_work_also_validates(city):
    reporter = f.citizen("Reporter")
    report = submit(reporter)
    move(report, ReportStatus.IN_PROGRESS)
    assert entries(reporter) == [("report_validated", 10)]


def checked_by_citizens(verdicts: list[str]):
    """A routed report whose verification task citizens answered: (reporter, report, task, answerers)."""
    reporter = f.citizen("Reporter")
    report = submit(reporter)
    answerers = f.task_answerers(tasks_for_report(report.id)[0].id, verdicts, *IN_WEST)
    db.session.expire_all()
    return reporter, report, tasks_for_report(report.id)[0], answerers


def test_a_report_verified_by_citizens_is_validated_and_the_checkers_who_agreed_are_paid(city):
    reporter, report, task, (yes1, yes2, no) = checked_by_citizens(["yes", "yes", "no"])
    assert db.session.get(Report, report.id).verified
    assert entries(reporter) == [("report_validated", 10)]
    assert entries(yes1) == [("verification_agreed", 3)]
    assert entries(yes2) == [("verification_agreed", 3)]
    assert entries(no) == []
    entry = db.session.scalar(select(PointEntry).where(PointEntry.citizen_id == yes1.id))
    assert entry.subject == f"task:{task.id}" and entry.report_id == report.id
    assert entry.district_id == city["west"].id


def test_replaying_the_same_facts_awards_nothing_twice(city):
    """A retried job re-sends its signals: the ledger's unique key keeps every award single."""
    reporter, report, task, answerers = checked_by_citizens(["yes", "yes", "yes"])
    before = entries()
    boards_before = [(p, boards.points_of(c.id, p)) for c in [reporter, *answerers] for p in boards.PERIODS]

    signals.task_closed.send(task, outcome="verified", answers=list(task.answers))
    verified_note = db.session.scalar(select(ReportEvent).where(ReportEvent.report_id == report.id,
                                                               ReportEvent.data["outcome"].astext == "verified"))
    signals.report_event.send(db.session.get(Report, report.id), event=verified_note)
    db.session.commit()

    assert entries() == before
    assert len(before) == 4
    assert [(p, boards.points_of(c.id, p)) for c in [reporter, *answerers] for p in boards.PERIODS] == boards_before


def test_a_job_delivered_twice_changes_nothing_the_second_time(city, run_jobs):
    """The district-of-the-month crowning runs as an outbox job; running it twice gives one badge, one message."""
    at("2026-10-15T10:00:00+08:00")
    champion = f.citizen("Champion")
    move(submit(champion), ReportStatus.ACKNOWLEDGED)
    at("2026-11-02T10:00:00+08:00")
    for _ in range(2):
        outbox.add("backend.incentives.jobs.crown_district_champions")
        db.session.commit()
        run_jobs()
    assert jobs.crown_district_champions() == 0

    awarded = db.session.execute(select(BadgeAward.code, BadgeAward.subject).where(
        BadgeAward.citizen_id == champion.id, BadgeAward.code == "district_champion")).all()
    assert [tuple(a) for a in awarded] == [("district_champion", f"month:2026-10:district:{city['west'].id}")]
    told = db.session.scalars(select(Notification.subject_key).where(Notification.citizen_id == champion.id,
                                                                      Notification.kind == "badge")
                              .order_by(Notification.subject_key)).all()
    assert told == ["badge:district_champion", "badge:first_report"]


def test_a_report_rejected_as_spam_costs_points_and_reputation(city):
    reporter = f.citizen("Spammer")
    report = submit(reporter)
    move(report, ReportStatus.ACKNOWLEDGED)  # first fooled the department …
    assert ledger.balance(reporter.id) == 10
    score_before = reputation.get(reporter.id).score

    # … then found out, and rejected as spam in the inbox.
    from backend.triage import service as triage
    triage.reject(f.staff("staff", db.session.get(Report, report.id).department), report.id, reason="spam")
    assert entries(reporter) == [("report_validated", 10), ("spam_penalty", -30), ("reversal", -10)]
    assert ledger.balance(reporter.id) == -30
    assert reputation.get(reporter.id).score < score_before
    # The board of validated reports forgets it too.
    assert standing.summary(reporter.id)["rank"]["all"] is None


def test_a_report_rejected_for_another_reason_is_no_penalty(city):
    reporter = f.citizen("Honest")
    report = submit(reporter)
    move(report, ReportStatus.REJECTED, reason="not_our_responsibility")
    assert entries(reporter) == []
    assert reputation.get(reporter.id).answers_disagreed == 0


def test_abuse_counts_as_spam_and_a_replayed_rejection_penalizes_once(city):
    reporter = f.citizen("Abuser")
    report = submit(reporter)
    move(report, ReportStatus.REJECTED, reason="abusive")
    event = db.session.scalar(select(ReportEvent).where(ReportEvent.report_id == report.id,
                                                       ReportEvent.to_status == ReportStatus.REJECTED))
    signals.report_event.send(db.session.get(Report, report.id), event=event)
    db.session.commit()
    assert entries(reporter) == [("spam_penalty", -30)]
    assert reputation.get(reporter.id).answers_disagreed == 1


def test_me_too_earns_the_supporter_but_never_on_their_own_report(city):
    reporter, neighbour = f.citizen("Reporter"), f.citizen("Neighbour")
    report = submit(reporter)
    support(report, reporter)
    support(report, neighbour)
    signals.report_supported.send(report, citizen=neighbour)  # a replayed signal
    db.session.commit()
    assert entries(reporter) == []
    assert entries(neighbour) == [("support", 1)]


def test_nobody_earns_from_checking_their_own_report(city):
    """The tasks area keeps reporters off their own tasks; the ledger refuses it even if one slips through."""
    reporter, _report, task, answerers = checked_by_citizens(["yes", "yes", "yes"])
    answers = list(task.answers)
    answers[0].citizen_id = reporter.id  # as if the reporter had answered
    db.session.flush()
    db.session.execute(PointEntry.__table__.delete())
    signals.task_closed.send(task, outcome="verified", answers=answers)
    db.session.commit()
    assert entries(reporter) == []
    assert {c.id for c in answerers[1:]} == set(db.session.scalars(
        select(PointEntry.citizen_id).where(PointEntry.reason == Reason.VERIFICATION_AGREED.value)))


def test_campaign_answers_are_multiplied_by_the_campaign_multiplier(city):
    _campaign, task_id = campaign_task(multiplier=2.5)
    a, b = f.task_answerers(task_id, ["yes", "yes"], *IN_WEST)
    assert entries(a) == [("campaign_answer", 12)]  # round(5 × 2.5)
    assert entries(b) == [("campaign_answer", 12)]
    # The task's place puts the answers on its district's board.
    assert boards.points_of(a.id, "week", city["west"].id) == 12
    assert db.session.scalar(select(func.count()).select_from(PointEntry)) == 2


def test_deleted_accounts_earn_nothing(city):
    reporter = f.citizen("Gone")
    report = submit(reporter)
    reporter.deleted_at = utcnow()
    db.session.commit()
    move(report, ReportStatus.ACKNOWLEDGED)
    assert entries() == []
