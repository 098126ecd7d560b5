"""The append-only points ledger. `record` is the only writer; it keeps the boards in step."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend.clock import utcnow
from backend.extensions import db
from backend.incentives import boards
from backend.incentives.models import PointEntry
from backend.incentives.rules import Reason


def record(citizen_id: int, reason: Reason, subject: str, amount: int, *, report_id: int | None = None,
           district_id: int | None = None, data: dict | None = None) -> PointEntry | None:
    """Write one entry, or nothing if (citizen, reason, subject) is already in the ledger.

    ON CONFLICT DO NOTHING rather than catching an IntegrityError: the caller's transaction
    (the sender of a signal) must stay usable when a job is retried.
    """
    now = utcnow()
    entry_id = db.session.scalar(
        insert(PointEntry).values(citizen_id=citizen_id, reason=reason.value, subject=subject, amount=amount,
                                  report_id=report_id, district_id=district_id, data=data or {}, created_at=now)
        .on_conflict_do_nothing(index_elements=[PointEntry.citizen_id, PointEntry.reason, PointEntry.subject])
        .returning(PointEntry.id))
    if entry_id is None:
        return None
    validated = {Reason.REPORT_VALIDATED: 1, Reason.REVERSAL: -1}.get(reason, 0)
    boards.add(citizen_id, district_id, amount, validated, now)
    return db.session.get(PointEntry, entry_id)


def find(citizen_id: int, reason: Reason, subject: str) -> PointEntry | None:
    return db.session.scalar(select(PointEntry).where(
        PointEntry.citizen_id == citizen_id, PointEntry.reason == reason.value, PointEntry.subject == subject))


def count(citizen_id: int, reason: Reason) -> int:
    """How many entries of one reason a citizen has (served by the unique index's prefix)."""
    return db.session.scalar(select(db.func.count()).select_from(PointEntry).where(
        PointEntry.citizen_id == citizen_id, PointEntry.reason == reason.value))


def recent(citizen_id: int, limit: int = 10, before: datetime | None = None) -> list[PointEntry]:
    stmt = select(PointEntry).where(PointEntry.citizen_id == citizen_id)
    if before is not None:
        stmt = stmt.where(PointEntry.created_at < before)
    return list(db.session.scalars(stmt.order_by(PointEntry.created_at.desc(), PointEntry.id.desc()).limit(limit)))


def balance(citizen_id: int) -> int:
    """The all-time city-wide board row is the balance: one primary-key read."""
    return boards.points_of(citizen_id, "all")
