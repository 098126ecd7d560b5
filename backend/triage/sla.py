"""SLA: time left on open reports, and escalation of overdue ones to the coordinators.

`escalate_overdue()` runs periodically (backend/schedule.py) and commits batch by batch (a backlog
can be large). A breach is escalated once:
the (report, due time) pair is unique, so sweeping again, or two workers sweeping at
once, adds nothing; a report that gets a new due time may breach (and escalate) again.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, select

from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.clock import utcnow
from backend.errors import NotFound
from backend.extensions import db
from backend.reports import event_texts, service as reports
from backend.reports.models import EventKind, Report, ReportStatus
from backend.policy import require
from backend.triage.policy import may_mark_notice_seen, may_see_notices
from backend.triage.models import SlaEscalation

OPEN = (ReportStatus.OPEN, ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS)
BATCH = 500
# One run stops after this long, well inside the job timeout; the next run (every 5 minutes) goes
# on where it stopped. A backlog of a hundred thousand breaches took longer than the timeout.
RUN_SECONDS = 60.0


def time_left(report: Report, now: datetime | None = None) -> timedelta | None:
    """Negative when overdue; None when the report has no due time or is no longer open."""
    if report.due_at is None or report.status not in OPEN:
        return None
    return report.due_at - (now or utcnow())


def overdue_clause(now: datetime | None = None):
    return and_(Report.status.in_(OPEN), Report.due_at < (now or utcnow()))


def escalate_overdue(run_seconds: float = RUN_SECONDS) -> int:
    """Escalate open reports past their due time that were not escalated for this due time,
    oldest breach first, for at most `run_seconds`.

    Owns its transactions: each batch of BATCH escalations (and the events and outbox rows they
    write) commits on its own, so a long backlog is worked through in runs that never hold more
    than one batch's row locks, and a stopped run keeps what it finished."""
    total = 0
    started = time.monotonic()
    while True:
        now = utcnow()
        escalated = exists().where(SlaEscalation.report_id == Report.id, SlaEscalation.due_at == Report.due_at)
        batch = list(db.session.scalars(
            select(Report).where(overdue_clause(now), ~escalated).order_by(Report.due_at, Report.id)
            .limit(BATCH).with_for_update(skip_locked=True)))
        for report in batch:
            db.session.add(SlaEscalation(report_id=report.id, due_at=report.due_at, department_id=report.department_id,
                                         created_at=now))
            overdue_hours = round((now - report.due_at).total_seconds() / 3600, 1)
            reports.record_event(report, EventKind.ESCALATED, public=False,
                                 data=event_texts.system(event_texts.NOTE_OVERDUE, due_at=report.due_at.isoformat(),
                                                         overdue_hours=overdue_hours))
        db.session.commit()
        total += len(batch)
        if len(batch) < BATCH or time.monotonic() - started > run_seconds:
            return total


def open_escalations(staff: StaffUser, limit: int = 200) -> list[SlaEscalation]:
    """The coordinators' notices: breaches nobody marked as seen, oldest first."""
    require(may_see_notices(staff))
    return list(db.session.scalars(select(SlaEscalation).where(SlaEscalation.seen_at.is_(None))
                                   .order_by(SlaEscalation.created_at, SlaEscalation.id).limit(limit)))


def open_escalation_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SlaEscalation).where(SlaEscalation.seen_at.is_(None)))


def mark_seen(staff: StaffUser, escalation_id: int) -> SlaEscalation:
    require(may_mark_notice_seen(staff))
    escalation = db.session.get(SlaEscalation, escalation_id)
    if escalation is None:
        raise NotFound("escalation_not_found", "no such escalation")
    if escalation.seen_at is None:
        escalation.seen_at = utcnow()
        escalation.seen_by_staff_id = staff.id
        audit.record(staff, "escalation.seen", "report", escalation.report_id, after={"escalation_id": escalation.id})
    return escalation
