"""The filters shared by the map, the open-data exports and the staff map.

One parser turns query-string values into a `ReportFilters`; one function turns that into
SQL conditions. Public callers get only what disclosure allows (hidden reports never);
the staff flag is for the coordinators' map, which sits behind the staff login.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Mapping
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, func, select

from backend import parameters
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


FILTER = "invalid_filter"


def _city_day_start(name: str, value: str | None, tz: ZoneInfo) -> datetime | None:
    found = parameters.optional_day(value, name, code=FILTER)
    return datetime.combine(found, time.min, tz).astimezone(ZoneInfo("UTC")) if found else None


def parse_bbox(value: str | None) -> BBox | None:
    """`min_long,min_lat,max_long,max_lat` (Leaflet's toBBoxString order)."""
    if parameters.is_blank(value):
        return None
    refused = ValidationFailed("invalid_bbox", _("The map area must be min_long,min_lat,max_long,max_lat."),
                               {"bbox": "min_long,min_lat,max_long,max_lat"})
    parts = value.split(",")
    if len(parts) != 4:
        raise refused
    try:
        min_long, max_long = (parameters.longitude(parts[i], "bbox") for i in (0, 2))
        min_lat, max_lat = (parameters.latitude(parts[i], "bbox") for i in (1, 3))
    except ValidationFailed:
        raise refused from None
    if min_long > max_long or min_lat > max_lat:
        raise refused
    return min_long, min_lat, max_long, max_lat


def _codes_to_ids(model: type, value: str | None, name: str) -> tuple[int, ...]:
    """Categories and departments may be named by id or by code (comma-separated)."""
    codes = parameters.words(value, name, code=FILTER)
    if not codes:
        return ()
    numeric = [c for c in codes if c.isascii() and c.isdigit()]
    named = [c for c in codes if c not in numeric]
    ids = set(parameters.identifiers(numeric, name, code=FILTER))
    if named:
        found = dict(db.session.execute(select(model.code, model.id).where(model.code.in_(named))).all())
        unknown = sorted(set(named) - set(found))
        if unknown:
            raise ValidationFailed(FILTER, _("Unknown %(name)s: %(values)s", name=name, values=", ".join(unknown)),
                                   {name: "unknown"})
        ids |= set(found.values())
    return tuple(sorted(ids))


def parse_filters(args: Mapping[str, str], *, staff: bool = False) -> ReportFilters:
    """Filters from query-string values: status, category, department (ids or codes, comma-separated),
    verified, overdue (true/false), from/to (city-local dates, `to` inclusive), bbox."""
    tz = ZoneInfo(current_app.config["CITY_TIMEZONE"])
    statuses = []
    for value in parameters.words(args.get("status"), "status", code=FILTER):
        try:
            statuses.append(ReportStatus(value))
        except ValueError:
            if value == "open311_open":
                statuses.extend(sorted(OPEN311_OPEN))
                continue
            raise ValidationFailed(FILTER, _("Unknown status: %(value)s", value=value), {"status": "unknown"}) from None
    until = _city_day_start("to", args.get("to"), tz)
    return ReportFilters(
        statuses=tuple(dict.fromkeys(statuses)),
        category_ids=_codes_to_ids(Category, args.get("category"), "category"),
        department_ids=_codes_to_ids(Department, args.get("department"), "department"),
        verified=parameters.flag(args.get("verified"), "verified", code=FILTER),
        overdue=parameters.flag(args.get("overdue"), "overdue", code=FILTER),
        created_from=_city_day_start("from", args.get("from"), tz),
        created_until=until + timedelta(days=1) if until else None,
        bbox=parse_bbox(args.get("bbox")),
        include_hidden=staff and parameters.flag(args.get("hidden"), "hidden", code=FILTER) is True,
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
