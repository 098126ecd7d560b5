"""Recording staff actions, and reading them back for admins."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from backend.accounts.models import StaffUser
from backend.audit.models import AuditEntry
from backend.clock import utcnow
from backend.extensions import db

PAGE_SIZE = 50


def _plain(value: Any) -> Any:
    """JSON-safe values: enums become their value, datetimes ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    return value


def record(staff: StaffUser | None, action: str, target_type: str, target_id: Any, *,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Add an entry to the caller's transaction: it commits or rolls back with the action itself."""
    entry = AuditEntry(at=utcnow(), staff_id=staff.id if staff else None, staff_email=staff.email if staff else "",
                       action=action, target_type=target_type, target_id=str(target_id),
                       before=_plain(before or {}), after=_plain(after or {}))
    db.session.add(entry)
    return entry


def entries(*, action: str | None = None, target_type: str | None = None, target_id: str | None = None,
            staff_id: int | None = None, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[AuditEntry]:
    """Newest first, paged by id (pass the last id seen as before_id)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    if target_type:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id:
        query = query.where(AuditEntry.target_id == str(target_id))
    if staff_id:
        query = query.where(AuditEntry.staff_id == staff_id)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(db.session.scalars(query))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def edit_coded_record(model: type, record_id: int | None, values: dict, *, taken: Exception,
                      missing: Exception, extra: dict | None = None) -> tuple[Any, dict]:
    """Create (record_id None) or update a record with a unique `code`, as the admin pages do.

    Returns the record and its values before the change, for the audit entry;
    raises `taken` when another record has the code and `missing` when record_id is unknown.
    """
    clash = db.session.scalar(select(model).where(model.code == values["code"], model.id != (record_id or 0)))
    if clash is not None:
        raise taken
    if record_id is None:
        record = model(**values, **(extra or {}))
        db.session.add(record)
        return record, {}
    record = db.session.get(model, record_id)
    if record is None:
        raise missing
    before = {k: getattr(record, k) for k in values}
    for k, v in values.items():
        setattr(record, k, v)
    return record, before
