"""What a closed task does to its report (or, for a category campaign's finding, the report it makes)."""
from __future__ import annotations

import logging

from sqlalchemy import func, select

from backend.city.models import Category
from backend.errors import DomainError
from backend.extensions import db
from backend.reports import event_texts, service as reports
from backend.reports.models import ActorType, EventKind, Report, ReportStatus
from backend.tasks.models import Outcome, Task, TaskKind, TaskState, Verdict
from backend.tasks.service import coordinates

log = logging.getLogger(__name__)

# The department is told of a denied fix each time; from this many on it is escalated.
ESCALATE_AFTER_DENIALS = 2


def apply(task: Task) -> None:
    if task.report_id is None:
        if task.outcome == Outcome.YES and task.campaign is not None and task.campaign.category_id is not None:
            report_campaign_finding(task)
        return
    report = db.session.scalar(select(Report).where(Report.id == task.report_id).with_for_update())
    if report is None:
        return
    data = {"task_id": task.id, "outcome": task.outcome.value, "agreement": task.agreement}
    if task.outcome == Outcome.VERIFIED:
        report.verified = True
        _note(report, event_texts.NOTE_VERIFIED, public=True, data=data)
    elif task.outcome == Outcome.REFUTED:
        # Not hidden or rejected automatically: staff decide, the crowd only flags.
        _note(report, event_texts.NOTE_REFUTED, public=False, data={**data, "flag": "refuted_by_citizens"})
    elif task.outcome == Outcome.FIX_CONFIRMED and report.status == ReportStatus.RESOLVED:
        reports.transition(report, ReportStatus.CLOSED, actor_type=ActorType.SYSTEM,
                           data=event_texts.system(event_texts.NOTE_FIX_CONFIRMED, **data))
    elif task.outcome == Outcome.FIX_DENIED and report.status == ReportStatus.RESOLVED:
        reports.transition(report, ReportStatus.IN_PROGRESS, actor_type=ActorType.SYSTEM,
                           data=event_texts.system(event_texts.NOTE_FIX_DENIED, **data))
        if fix_denials(report.id) >= ESCALATE_AFTER_DENIALS:
            _note(report, event_texts.NOTE_FIX_DENIED_AGAIN, public=False,
                  data={**data, "escalation": "fix_denied_repeatedly", "denials": fix_denials(report.id)})
    elif task.outcome == Outcome.INCONCLUSIVE and task.kind == TaskKind.VERIFY_REPORT:
        _note(report, event_texts.NOTE_INCONCLUSIVE, public=False, data=data)


def fix_denials(report_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Task).where(
        Task.report_id == report_id, Task.kind == TaskKind.CONFIRM_FIX, Task.state == TaskState.CLOSED,
        Task.outcome == Outcome.FIX_DENIED))


def _note(report: Report, code: str, *, public: bool, data: dict) -> None:
    # The reports area records every event through one function; a note changes no status.
    reports.record_event(report, EventKind.NOTE, actor_type=ActorType.SYSTEM, public=public,
                         data=event_texts.system(code, **data))


def report_campaign_finding(task: Task) -> Report | None:
    """A category campaign's "yes, it is here" becomes a report, already verified by the crowd that found it.

    A point the city does not serve, or a category whose required attributes nobody gave,
    is left as the task's outcome only: the finding must not undo the answers.
    """
    lat, long = coordinates(task)
    notes = [a.note for a in task.answers if a.note and a.verdict == Verdict.YES]
    description = "\n".join(notes) or task.campaign.title_en or task.campaign.title_zh
    try:
        with db.session.begin_nested():
            report = reports.submit(category=db.session.get(Category, task.campaign.category_id), lat=lat, long=long,
                                    description=description[:reports.MAX_DESCRIPTION], channel="campaign")
            report.verified = True
            _note(report, event_texts.NOTE_CAMPAIGN_FINDING, public=True,
                  data={"campaign_id": task.campaign_id, "task_id": task.id, "agreement": task.agreement})
    except DomainError as exc:
        log.info("campaign task %s: no report made (%s)", task.id, exc.code)
        return None
    task.report_id = report.id
    return report
