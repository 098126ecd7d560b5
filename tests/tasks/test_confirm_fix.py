"""A resolved report asks citizens whether it is really fixed: closed, or back to work and escalated."""
from sqlalchemy import select

from backend.extensions import db
from backend.reports.models import Report, ReportEvent, ReportStatus, Supporter
from backend.tasks import answering, assignment, service
from backend.tasks.models import Outcome, Task, TaskKind, TaskState
from tests import factories as f
from tests.tasks.conftest import HERE, citizens, resolve


def _confirm_task(report_id):
    return db.session.scalar(select(Task).where(Task.report_id == report_id, Task.kind == TaskKind.CONFIRM_FIX,
                                                Task.state == TaskState.OPEN))


def test_resolving_cancels_verification_and_offers_confirmation_to_reporter_and_supporters(routed_report):
    reporter, supporter, stranger = citizens(3)
    report = routed_report(reporter=reporter)
    db.session.add(Supporter(report_id=report.id, citizen_id=supporter.id))
    db.session.commit()
    resolve(report)
    verify, confirm = service.tasks_for_report(report.id)
    assert (verify.kind, verify.state) == (TaskKind.VERIFY_REPORT, TaskState.CANCELLED)
    assert (confirm.kind, confirm.state) == (TaskKind.CONFIRM_FIX, TaskState.OPEN)
    far_away = (HERE[0] + 0.1, HERE[1])  # ~11 km: beyond the nearby radius
    for person in (reporter, supporter):
        [offer] = assignment.nearby(person, *far_away)
        assert offer.task.id == confirm.id and offer.invited is True
    assert assignment.nearby(stranger, *far_away) == []
    assert [n.task.id for n in assignment.nearby(stranger, *HERE)] == [confirm.id]
    # The reporter may confirm the fix of their own report.
    assignment.claim(confirm.id, reporter)
    answering.answer(confirm.id, reporter, "yes", lat=HERE[0], long=HERE[1])


def test_fix_confirmed_closes_the_report(routed_report):
    report = routed_report()
    resolve(report)
    task = _confirm_task(report.id)
    f.task_answerers(task.id, ["yes", "yes", "yes"], *HERE)
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.CLOSED
    assert db.session.get(Task, task.id).outcome == Outcome.FIX_CONFIRMED
    assert report.events[-1].to_status == ReportStatus.CLOSED and report.events[-1].data["task_id"] == task.id


def test_fix_denied_reopens_and_a_second_denial_escalates(routed_report):
    report = routed_report()
    resolve(report)
    f.task_answerers(_confirm_task(report.id).id, ["no", "no", "yes"], *HERE)
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.IN_PROGRESS
    back = report.events[-1]
    assert (back.from_status, back.to_status, back.public) == (ReportStatus.RESOLVED, ReportStatus.IN_PROGRESS, True)
    assert back.department_id == report.department_id  # the department sees it in its history
    assert not [e for e in report.events if e.data.get("escalation")]

    resolve(report)  # the department says it fixed it again
    f.task_answerers(_confirm_task(report.id).id, ["no", "no", "no"], *HERE)
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.IN_PROGRESS
    [escalation] = [e for e in report.events if e.data.get("escalation")]
    assert escalation.public is False and escalation.data["denials"] == 2

    resolve(report)
    f.task_answerers(_confirm_task(report.id).id, ["yes", "yes", "yes"], *HERE)
    assert db.session.get(Report, report.id).status == ReportStatus.CLOSED
    kinds = [(t.kind.value, t.outcome and t.outcome.value) for t in service.tasks_for_report(report.id)]
    assert kinds == [("verify_report", None), ("confirm_fix", "fix_denied"), ("confirm_fix", "fix_denied"),
                     ("confirm_fix", "fix_confirmed")]


def test_staff_closing_the_report_cancels_open_confirmation(routed_report):
    from backend.reports import service as reports
    from backend.reports.models import ActorType

    report = routed_report()
    resolve(report)
    task = _confirm_task(report.id)
    [me] = citizens(1)
    assignment.claim(task.id, me)
    reports.transition(report, ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF, note="Not done after all.")
    db.session.commit()
    assert db.session.get(Task, task.id).state == TaskState.CANCELLED
    assert assignment.current_claim(me) is None
    assert db.session.scalar(select(db.func.count()).select_from(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.data["escalation"].isnot(None))) == 0
