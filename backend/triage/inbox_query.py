"""The department inbox as a query: filters, five sort orders and keyset pagination.

Keyset (not OFFSET) pagination: a page continues after the last row's sort key, so page
500 costs what page 1 costs; the partial indexes in triage_models serve the sort orders.
"""
from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, literal, or_, select, tuple_

from backend import parameters
from backend.accounts.models import StaffUser
from backend.city.models import Area
from backend.clock import utcnow
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.reports.models import Report, ReportStatus, Supporter
from backend.reports.nearby import possible_duplicates_clause
from backend.triage.sla import OPEN, overdue_clause
from backend.triage.policy import visible_clause

PAGE_SIZE = 50
STATUS_GROUPS = {"active": OPEN, "all": tuple(ReportStatus)}
SORTS = ("newest", "oldest", "due", "supported", "verified")
_REFERENCE = re.compile(r"^\s*#?(?:CG-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


@dataclass
class InboxFilters:
    status: str = "active"
    category_id: int | None = None
    area_id: int | None = None
    department_id: int | None = None
    overdue: bool = False
    verified: bool | None = None
    possible_duplicates: bool = False
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "newest"


def _supporters_count():
    return select(func.count(Supporter.id)).where(Supporter.report_id == Report.id).correlate(Report).scalar_subquery()


def _sort_columns(sort: str, status: str = "all") -> tuple[list, bool]:
    """(key columns, descending). The key always ends with the id, so it is unique."""
    if sort == "oldest":
        return [Report.created_at, Report.id], False
    if sort == "due":
        if status == "active" or status in {s.value for s in OPEN}:
            return [Report.due_at, Report.id], False  # routed reports always have a due time
        # Unrouted reports have no due time: they come last (the far future).
        return [func.coalesce(Report.due_at, literal(datetime(9999, 1, 1, tzinfo=timezone.utc))), Report.id], False
    if sort == "supported":
        return [_supporters_count(), Report.created_at, Report.id], True
    if sort == "verified":
        return [Report.verified, Report.created_at, Report.id], True
    return [Report.created_at, Report.id], True


def _where(staff: StaffUser, f: InboxFilters, city_zone: str, *, with_status: bool = True) -> list:
    clauses = [visible_clause(staff)]
    if with_status:
        if f.status in STATUS_GROUPS:
            clauses.append(Report.status.in_(STATUS_GROUPS[f.status]))
        else:
            clauses.append(Report.status == ReportStatus(f.status))
    if f.department_id:
        clauses.append(Report.department_id == f.department_id)
    if f.category_id:
        clauses.append(Report.category_id == f.category_id)
    if f.area_id:
        area_geom = select(Area.geom).where(Area.id == f.area_id).scalar_subquery()
        clauses.append(func.ST_Covers(area_geom, Report.location))
    if f.overdue:
        clauses.append(overdue_clause(utcnow()))
    if f.verified is not None:
        clauses.append(Report.verified.is_(f.verified))
    if f.possible_duplicates:
        clauses.append(possible_duplicates_clause())
    zone = ZoneInfo(city_zone)
    if f.date_from:
        clauses.append(Report.created_at >= datetime.combine(f.date_from, time.min, zone))
    if f.date_to:
        clauses.append(Report.created_at < datetime.combine(f.date_to + timedelta(days=1), time.min, zone))
    text = f.q.strip()[:200]
    if text:
        match = _REFERENCE.match(text)
        escaped = text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        like = or_(Report.description.ilike(f"%{escaped}%"), Report.address.ilike(f"%{escaped}%"))
        number = int(match.group(1)) if match else 0
        clauses.append(or_(Report.id == number, like) if 0 < number <= parameters.MAX_ID else like)
    return clauses


def _encode(values: list[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> list[Any] | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if sort in ("newest", "oldest", "due"):
            return [parameters.moment(values[0], "after"), parameters.identifier(values[1], "after")]
        if sort == "supported":
            return [parameters.integer(values[0], "after", minimum=0), parameters.moment(values[1], "after"),
                    parameters.identifier(values[2], "after")]
        return [bool(values[0]), parameters.moment(values[1], "after"), parameters.identifier(values[2], "after")]
    except (ValidationFailed, ValueError, TypeError, IndexError, KeyError, json.JSONDecodeError):
        return None  # a damaged cursor starts from the first page


def page_query(staff: StaffUser, f: InboxFilters, *, cursor: str | None = None, size: int = PAGE_SIZE,
               city_zone: str = "UTC"):
    """The SELECT of one page (rows of Report and its sort key), one row more than the page to know if more follow."""
    columns, descending = _sort_columns(f.sort, f.status)
    query = select(Report, *columns).where(*_where(staff, f, city_zone))
    after = _decode(cursor, f.sort) if cursor else None
    if after is not None:
        key = tuple_(*columns)
        query = query.where(key < tuple_(*after) if descending else key > tuple_(*after))
    return query.order_by(*[c.desc() if descending else c.asc() for c in columns]).limit(size + 1)


def page(staff: StaffUser, f: InboxFilters, *, cursor: str | None = None, size: int = PAGE_SIZE,
         city_zone: str = "UTC") -> tuple[list[Report], str | None]:
    """One page of the inbox and the cursor of the next (None on the last page)."""
    if f.sort == "supported":
        rows = _supported_rows(staff, f, _decode(cursor, f.sort) if cursor else None, size, city_zone)
    else:
        rows = db.session.execute(page_query(staff, f, cursor=cursor, size=size, city_zone=city_zone)).all()
    reports = [row[0] for row in rows[:size]]
    next_cursor = _encode(list(rows[size - 1][1:])) if len(rows) > size else None
    return reports, next_cursor


def _supported_rows(staff: StaffUser, f: InboxFilters, after: list | None, size: int, city_zone: str) -> list:
    """Most supported first, in two parts, because counting supporters for every open report
    and sorting them all costs seconds at city scale: first the (few) reports with supporters,
    counted from the supporters table; then the rest, newest first, through the inbox index."""
    where = _where(staff, f, city_zone)
    rows: list = []
    if after is None or after[0] > 0:
        n = func.count(Supporter.id).label("n")
        counted = (select(Supporter.report_id, n, Report.created_at).join(Report, Report.id == Supporter.report_id)
                   .where(*where).group_by(Supporter.report_id, Report.created_at))
        if after is not None:
            counted = counted.having(tuple_(func.count(Supporter.id), Report.created_at, Supporter.report_id) < tuple_(*after))
        counted = counted.order_by(n.desc(), Report.created_at.desc(), Supporter.report_id.desc()).limit(size + 1)
        keys = db.session.execute(counted).all()
        found = {r.id: r for r in db.session.scalars(select(Report).where(Report.id.in_([k[0] for k in keys])))}
        rows = [(found[rid], count, created, rid) for rid, count, created in keys]
    if len(rows) <= size:
        unsupported = select(Supporter.id).where(Supporter.report_id == Report.id).limit(1).correlate(Report) \
            .scalar_subquery().is_(None)
        rest = select(Report, literal(0), Report.created_at, Report.id).where(*where, unsupported)
        if after is not None and after[0] == 0:
            rest = rest.where(tuple_(Report.created_at, Report.id) < tuple_(after[1], after[2]))
        rest = rest.order_by(Report.created_at.desc(), Report.id.desc()).limit(size + 1 - len(rows))
        rows += db.session.execute(rest).all()
    return rows


def status_counts(staff: StaffUser, f: InboxFilters, city_zone: str = "UTC") -> dict[str, int]:
    """How many reports of each status match the filters other than the status itself."""
    cheap = InboxFilters(department_id=f.department_id, category_id=f.category_id, area_id=f.area_id)
    rows = db.session.execute(select(Report.status, func.count()).where(*_where(staff, cheap, city_zone, with_status=False))
                              .group_by(Report.status)).all()
    counts = {s.value: 0 for s in ReportStatus}
    counts.update({status.value: n for status, n in rows})
    return counts


def overdue_count(staff: StaffUser) -> int:
    return db.session.scalar(select(func.count()).select_from(Report).where(visible_clause(staff), overdue_clause(utcnow())))


def supporters_counts(report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    rows = db.session.execute(select(Supporter.report_id, func.count()).where(Supporter.report_id.in_(report_ids))
                              .group_by(Supporter.report_id)).all()
    return dict(rows)
