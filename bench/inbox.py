"""The department inbox at 100,000 open reports: the first page and a deep keyset page, against
OFFSET pagination at the same depth."""
from __future__ import annotations

from sqlalchemy import func, select

from backend.accounts.models import StaffRole, StaffUser
from backend.extensions import db
from backend.triage import inbox_query
from backend.triage.inbox_query import InboxFilters
from backend.reports.models import Report
from bench.common import Result, latency_result, timed

SIZE = 50


def _staff() -> StaffUser:
    staff = db.session.scalar(select(StaffUser).where(StaffUser.email == "bench@staff"))
    if staff is None:
        staff = StaffUser(email="bench@staff", name="Bench", password_hash="x", role=StaffRole.STAFF,
                          department_id=1, language="en", active=True)
        db.session.add(staff)
        db.session.commit()
    return staff


def run(repeat: int = 40) -> list[Result]:
    staff = _staff()
    filters = InboxFilters(status="active", sort="newest")

    def first():
        reports, _cursor = inbox_query.page(staff, filters, size=SIZE)
        assert len(reports) == SIZE

    open_reports = db.session.scalar(select(func.count()).select_from(Report).where(
        Report.department_id == staff.department_id, Report.status.in_(["open", "acknowledged", "in_progress"])))
    depth = min(50_000, open_reports // 2)
    # The cursor a reader would hold after paging `depth` reports in: the key of the row at that depth.
    query = inbox_query.page_query(staff, filters, size=depth)
    row = db.session.execute(query.offset(depth - 1).limit(1)).one()
    cursor = inbox_query._encode(list(row[1:]))

    def deep():
        reports, _cursor = inbox_query.page(staff, filters, cursor=cursor, size=SIZE)
        assert len(reports) == SIZE

    def deep_offset():
        db.session.execute(inbox_query.page_query(staff, filters, size=SIZE).offset(depth)).all()

    return [
        latency_result(f"inbox first page (50 of {open_reports:,} open)", timed(first, repeat)),
        latency_result(f"inbox keyset page at depth {depth:,}", timed(deep, repeat),
                       f"OFFSET {depth:,}", timed(deep_offset, 10, warmup=1)),
    ]
