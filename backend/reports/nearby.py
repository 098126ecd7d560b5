"""Reports near a report: the small map of the staff report page, and the inbox list's cheap
"possible duplicates" filter (same category, close by, around the same time, still alive); the
report page's ranked possible duplicates are backend/intake's."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from backend.city.service import within_metres
from backend.extensions import db
from backend.reports.models import Report, ReportStatus

DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = timedelta(days=30)
DEAD = (ReportStatus.DUPLICATE, ReportStatus.REJECTED, ReportStatus.CLOSED)


def possible_duplicates_clause(report=Report):
    """True where another live report of the same category lies close by, filed within the window.

    A scalar subquery with LIMIT 1, not EXISTS: PostgreSQL turns EXISTS into a semi-join and,
    misjudging the spatial filter, hashes the whole table; a per-row probe of the GiST index
    lets a page stop after its fifty rows.
    """
    other = aliased(Report)
    # The time window as arithmetic, so the planner probes the GiST index alone (a range on
    # created_at would add a bitmap of a month of reports to every probe).
    apart = func.abs(func.extract("epoch", other.created_at - report.created_at))
    probe = select(other.id).where(
        other.id != report.id, other.category_id == report.category_id, other.status.not_in(DEAD),
        apart <= DUPLICATE_WINDOW.total_seconds(),
        within_metres(other.location, report.location, DUPLICATE_RADIUS_M),
    ).limit(1).correlate(report).scalar_subquery()
    return probe.is_not(None)


def _location_of(report: Report):
    return select(Report.location).where(Report.id == report.id).scalar_subquery()


def nearby(report: Report, radius_m: float = 300, limit: int = 30) -> list[tuple[Report, float, float]]:
    """Live reports within `radius_m`, as (report, lat, long), nearest first."""
    centre = _location_of(report)
    rows = db.session.execute(
        select(Report, func.ST_Y(Report.location), func.ST_X(Report.location)).where(
            Report.id != report.id, Report.status.not_in(DEAD),
            within_metres(Report.location, centre, radius_m),
        ).order_by(func.ST_Distance(Report.location, centre), Report.id).limit(limit)).all()
    return [(r, lat, long) for r, lat, long in rows]
