"""Micro-tasks: created when reports are routed or resolved, looked up for reports and people.

Claiming lives in `assignment`, answering in `answering`, consensus in `consensus`,
campaigns in `campaigns`. Receivers of `signals.report_event` connect at import.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Callable, Any

from flask import current_app
from flask_babel import force_locale, gettext as _
from geoalchemy2.shape import to_shape
from sqlalchemy import exists, select, update

from backend import signals
from backend.clock import utcnow
from backend.errors import NotFound
from backend.extensions import db
from backend.city.models import Category
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus
from backend.tasks import privacy  # noqa: F401  (registers the area's data-rights export and erasure)
from backend.tasks.models import Answer, Claim, ClaimState, Task, TaskKind, TaskState

# When a report reaches one of these statuses, its open tasks of that kind are moot.
_MOOT = {
    TaskKind.VERIFY_REPORT: {ReportStatus.RESOLVED, ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.DUPLICATE},
    TaskKind.CONFIRM_FIX: {ReportStatus.IN_PROGRESS, ReportStatus.CLOSED, ReportStatus.REJECTED, ReportStatus.DUPLICATE},
}


def get(task_id: int, *, lock: bool = False) -> Task:
    query = select(Task).where(Task.id == task_id)
    if lock:
        query = query.with_for_update()
    task = db.session.scalar(query)
    if task is None:
        raise NotFound("task_not_found", _("There is no task number %(id)s.", id=task_id))
    return task


def coordinates(task: Task) -> tuple[float, float]:
    """(lat, long) of the task's target."""
    point = to_shape(task.location)
    return point.y, point.x


# The incentives area owns the amounts; it replaces this at import (set_reward_lookup), so a task
# shows what an agreeing answer will really earn.
_reward_of: Callable[[str, float], int] = lambda kind, multiplier: max(
    1, round(current_app.config["TASK_BASE_REWARD"] * multiplier))


def set_reward_lookup(fn: Callable[[str, float], int]) -> None:
    global _reward_of
    _reward_of = fn


def reward_of(kind: TaskKind | str, multiplier: float = 1.0) -> int:
    return _reward_of(str(kind), multiplier)


def _open_task_exists(report_id: int, kind: TaskKind) -> bool:
    return db.session.scalar(select(exists().where(Task.report_id == report_id, Task.kind == kind,
                                                   Task.state == TaskState.OPEN)))


def _report_task(report: Report, kind: TaskKind, redundancy: int) -> Task | None:
    if _open_task_exists(report.id, kind):
        return None
    cfg = current_app.config
    now = utcnow()
    task = Task(kind=kind, state=TaskState.OPEN, report_id=report.id, location=report.location,
                redundancy=redundancy, max_answers=redundancy + cfg["TASK_EXTRA_ANSWERS"],
                reward=reward_of(kind), created_at=now,
                expires_at=now + timedelta(hours=cfg["TASK_LIFETIME_HOURS"]))
    db.session.add(task)
    db.session.flush()
    return task


def create_verify_task(report: Report) -> Task | None:
    """Ask citizens nearby whether a newly routed report's issue exists (once per report, and not
    for a report citizens already found in a campaign)."""
    if report.verified:
        return None
    if db.session.scalar(select(exists().where(Task.report_id == report.id, Task.kind == TaskKind.VERIFY_REPORT))):
        return None
    return _report_task(report, TaskKind.VERIFY_REPORT, max(1, report.category.verify_redundancy or 3))


def create_confirm_fix_task(report: Report) -> Task | None:
    """Ask the reporter, the supporters and citizens nearby whether a resolved report is really fixed."""
    return _report_task(report, TaskKind.CONFIRM_FIX, max(1, current_app.config["CONFIRM_FIX_REDUNDANCY"]))


def end_tasks(where, state: TaskState) -> int:
    """End the open tasks matching `where` (expired or cancelled) and free their slots."""
    now = utcnow()
    ids = list(db.session.scalars(select(Task.id).where(Task.state == TaskState.OPEN, where)))
    if not ids:
        return 0
    db.session.execute(update(Task).where(Task.id.in_(ids)).values(state=state, closed_at=now))
    db.session.execute(update(Claim).where(Claim.task_id.in_(ids), Claim.state == ClaimState.ACTIVE)
                       .values(state=ClaimState.RELEASED, ended_at=now))
    return len(ids)


@signals.report_event.connect
def _on_report_event(report: Report, event: ReportEvent, **_kw: Any) -> None:
    if event.kind == EventKind.ROUTED:
        create_verify_task(report)
    if event.to_status is None:
        return
    for kind, moot in _MOOT.items():
        if event.to_status in moot:
            end_tasks((Task.report_id == report.id) & (Task.kind == kind), TaskState.CANCELLED)
    if event.to_status == ReportStatus.RESOLVED:
        create_confirm_fix_task(report)


def tasks_for_report(report_id: int) -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.report_id == report_id).order_by(Task.id)))


def verification_state(report_id: int) -> dict[str, Any]:
    """What staff see of a report's checks by citizens: its verification and every task with its figures."""
    tasks = tasks_for_report(report_id)
    verify = [t for t in tasks if t.kind == TaskKind.VERIFY_REPORT]
    state = "none"
    if verify:
        last = verify[-1]
        state = {TaskState.OPEN: "pending", TaskState.EXPIRED: "unanswered", TaskState.CANCELLED: "cancelled"}.get(
            last.state, last.outcome.value if last.outcome else "none")
    return {
        "state": state,
        "tasks": [task_summary(t) for t in tasks],
    }


def task_summary(task: Task) -> dict[str, Any]:
    """A task's figures, for staff and coordinators (no citizen is named)."""
    answers = list(task.answers)
    return {
        "id": task.id, "kind": task.kind.value, "state": task.state.value,
        "outcome": task.outcome.value if task.outcome else None, "agreement": task.agreement,
        "redundancy": task.redundancy, "answers": len(answers),
        "verdicts": {v: sum(1 for a in answers if a.verdict.value == v) for v in ("yes", "no", "cant_tell")},
        "created_at": task.created_at, "closed_at": task.closed_at,
    }


def answered_by(task_id: int, citizen_id: int) -> bool:
    return db.session.scalar(select(exists().where(Answer.task_id == task_id, Answer.citizen_id == citizen_id)))


def outcome_counts(tasks: list[Task]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in tasks:
        if t.outcome is not None:
            counts[t.outcome.value] = counts.get(t.outcome.value, 0) + 1
    return counts




def question(task: Task, language: str) -> str:
    """What the citizen is asked, in their language."""
    category = db.session.scalar(select(Category).join(Report, Report.category_id == Category.id)
                                 .where(Report.id == task.report_id)) if task.report_id else None
    if task.campaign is not None:
        if task.campaign.question(language):
            return task.campaign.question(language)
        category = db.session.get(Category, task.campaign.category_id)
    name = category.name(language) if category else ""
    with force_locale(language):
        if task.kind == TaskKind.VERIFY_REPORT:
            return _("Is there really a problem here as reported (%(category)s)?", category=name)
        if task.kind == TaskKind.CONFIRM_FIX:
            return _("Has this problem (%(category)s) really been fixed?", category=name)
        return _("Is there a problem of this kind here (%(category)s)?", category=name)
