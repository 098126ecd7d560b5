"""The filters shared by the map, the open-data exports and the staff map.

One parser turns query-string values into a `ReportFilters`; one function turns that into
SQL conditions. Public callers get only what disclosure allows (hidden reports never);
the staff flag is for the coordinators' map, which sits behind the staff login.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Mapping
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, select

from backend.city.models import Category, Department
from backend.clock import utcnow
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.disclosure.projection import COARSE_GRID_DEGREES, public_point_sql
from backend.reports.models import OPEN311_OPEN, Report, ReportStatus

# (min_long, min_lat, max_long, max_lat), WGS84
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class ReportFilters:
    statuses: tuple[ReportStatus, ...] = ()
    category_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    verified: bool | None = None
    overdue: bool | None = None
    created_from: datetime | None = None   # inclusive, aware UTC
    created_until: datetime | None = None  # exclusive, aware UTC
    bbox: BBox | None = None
    # Only the staff map may see hidden (moderated) reports.
    include_hidden: bool = False


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _bool(name: str, value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value.lower() in ("1", "true", "yes"):
        return True
    if value.lower() in ("0", "false", "no"):
        return False
    raise ValidationFailed("invalid_filter", _("The filter %(name)s must be true or false.", name=name), {name: "true or false"})


def _city_day_start(name: str, value: str | None, tz: ZoneInfo) -> datetime | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed("invalid_filter", _("The date %(name)s must look like 2024-05-31.", name=name),
                               {name: "YYYY-MM-DD"}) from None
    return datetime.combine(day, time.min, tz).astimezone(ZoneInfo("UTC"))


def parse_bbox(value: str | None) -> BBox | None:
    """`min_long,min_lat,max_long,max_lat` (Leaflet's toBBoxString order)."""
    if not value:
        return None
    try:
        parts = [float(v) for v in value.split(",")]
    except ValueError:
        parts = []
    if (len(parts) != 4 or not all(-180 <= parts[i] <= 180 for i in (0, 2))
            or not all(-90 <= parts[i] <= 90 for i in (1, 3)) or parts[0] > parts[2] or parts[1] > parts[3]):
        raise ValidationFailed("invalid_bbox", _("The map area must be min_long,min_lat,max_long,max_lat."),
                               {"bbox": "min_long,min_lat,max_long,max_lat"})
    return parts[0], parts[1], parts[2], parts[3]


def _codes_to_ids(model: type, codes: list[str], name: str) -> tuple[int, ...]:
    """Categories and departments may be named by id or by code."""
    if not codes:
        return ()
    numeric = [int(c) for c in codes if c.isdigit()]
    named = [c for c in codes if not c.isdigit()]
    ids = set(numeric)
    if named:
        found = dict(db.session.execute(select(model.code, model.id).where(model.code.in_(named))).all())
        unknown = sorted(set(named) - set(found))
        if unknown:
            raise ValidationFailed("invalid_filter", _("Unknown %(name)s: %(values)s", name=name, values=", ".join(unknown)),
                                   {name: "unknown"})
        ids |= set(found.values())
    return tuple(sorted(ids))


def parse_filters(args: Mapping[str, str], *, staff: bool = False) -> ReportFilters:
    """Filters from query-string values: status, category, department (ids or codes, comma-separated),
    verified, overdue (true/false), from/to (city-local dates, `to` inclusive), bbox."""
    tz = ZoneInfo(current_app.config["CITY_TIMEZONE"])
    statuses = []
    for value in _split(args.get("status")):
        try:
            statuses.append(ReportStatus(value))
        except ValueError:
            if value == "open311_open":
                statuses.extend(sorted(OPEN311_OPEN))
                continue
            raise ValidationFailed("invalid_filter", _("Unknown status: %(value)s", value=value), {"status": "unknown"}) from None
    until = _city_day_start("to", args.get("to"), tz)
    return ReportFilters(
        statuses=tuple(dict.fromkeys(statuses)),
        category_ids=_codes_to_ids(Category, _split(args.get("category")), "category"),
        department_ids=_codes_to_ids(Department, _split(args.get("department")), "department"),
        verified=_bool("verified", args.get("verified")),
        overdue=_bool("overdue", args.get("overdue")),
        created_from=_city_day_start("from", args.get("from"), tz),
        created_until=until + timedelta(days=1) if until else None,
        bbox=parse_bbox(args.get("bbox")),
        include_hidden=staff and _bool("hidden", args.get("hidden")) is True,
    )


def overdue_condition(now: datetime | None = None) -> ColumnElement[bool]:
    """Still open in Open311 terms and past its SLA due time."""
    return and_(Report.due_at.is_not(None), Report.due_at < (now or utcnow()),
                Report.status.in_([s.value for s in OPEN311_OPEN]))


def conditions(filters: ReportFilters) -> list[ColumnElement[bool]]:
    """SQL conditions on `Report` for these filters (the bbox one uses the GiST index).

    The query must join `Category` (its `sensitive` flag decides the public position)."""
    where: list[ColumnElement[bool]] = []
    if not filters.include_hidden:
        where.append(Report.hidden.is_(False))
    if filters.statuses:
        where.append(Report.status.in_([s.value for s in filters.statuses]))
    if filters.category_ids:
        where.append(Report.category_id.in_(filters.category_ids))
    if filters.department_ids:
        where.append(Report.department_id.in_(filters.department_ids))
    if filters.verified is not None:
        where.append(Report.verified.is_(filters.verified))
    if filters.overdue is True:
        where.append(overdue_condition())
    elif filters.overdue is False:
        where.append(~overdue_condition())
    if filters.created_from:
        where.append(Report.created_at >= filters.created_from)
    if filters.created_until:
        where.append(Report.created_at < filters.created_until)
    if filters.bbox:
        envelope = func.ST_MakeEnvelope(*filters.bbox, 4326)
        # `&&` on the stored point lets the planner use the GiST index; the envelope is widened by one
        # coarse cell so that the exact test, on the public position, decides. Testing the stored point
        # alone would let anyone find a sensitive report's exact place by moving the viewport's edge.
        where.append(Report.location.op("&&")(func.ST_Expand(envelope, COARSE_GRID_DEGREES)))
        # `&&` compares single-precision boxes; ST_Intersects is exact.
        where.append(func.ST_Intersects(public_point_sql(Report.location, Category.sensitive), envelope))
    return where
