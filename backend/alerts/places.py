"""Which public events lie in an area: one rule for the Atom feeds, the instant e-mails and the digests.

An area is a district or a circle. Everything is decided on the report's *public* point
(`disclosure.public_point_sql`): a sensitive category's report belongs to the area its ~250 m
cell centre lies in, so no choice of circle or district can tell more of its place than the map does.
Announced are the events that make a report appear ("routed": it is open and has a department)
and its status changes; a report hidden by moderation, or held for review (never routed), is
announced nowhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from backend.city import service as city
from backend.city.models import Category, District
from backend.extensions import db
from backend.disclosure.projection import COARSE_GRID_DEGREES, public_location, public_point_sql
from backend.reports.models import EventKind, Report, ReportEvent

ANNOUNCED = (EventKind.ROUTED, EventKind.STATUS)
# How far a public (cell-centre) point may lie from the stored one: half a cell's diagonal, rounded up.
_COARSE_SLACK_M = 200
MIN_RADIUS_M = 100
MAX_RADIUS_M = 5000


@dataclass(frozen=True)
class Place:
    """A district (by id) or a circle (centre and radius in metres)."""

    district_id: int | None = None
    lat: float | None = None
    long: float | None = None
    radius_m: float | None = None

    @property
    def is_district(self) -> bool:
        return self.district_id is not None


def _public_point() -> Any:
    return public_point_sql(Report.location, Category.sensitive)


def place_condition(place: Place) -> Any:
    """SQL on `Report` joined with `Category`: the report's public point lies in the place."""
    if place.is_district:
        geom = select(District.geom).where(District.id == place.district_id).scalar_subquery()
        return or_(
            and_(Category.sensitive.is_(False), Report.district_id == place.district_id),
            # The stored point's `&&` narrows through the GiST index; the public point decides.
            and_(Category.sensitive.is_(True),
                 Report.location.op("&&")(func.ST_Expand(geom, COARSE_GRID_DEGREES)),
                 func.ST_Covers(geom, _public_point())))
    centre = city.point_sql(place.lat, place.long)
    return and_(city.within_metres(Report.location, centre, place.radius_m + _COARSE_SLACK_M),
                func.ST_DWithin(func.Geography(_public_point()), func.Geography(centre), place.radius_m))


def area_events(place: Place, *, since: datetime | None = None, until: datetime | None = None,
                limit: int = 50) -> list[tuple[ReportEvent, Report]]:
    """Announced public events of public reports in the place, newest first."""
    query = (select(ReportEvent, Report).join(Report, Report.id == ReportEvent.report_id)
             .join(Category, Category.id == Report.category_id)
             .where(ReportEvent.public.is_(True), ReportEvent.kind.in_([k.value for k in ANNOUNCED]),
                    Report.hidden.is_(False), place_condition(place)))
    if since is not None:
        query = query.where(ReportEvent.created_at >= since)
    if until is not None:
        query = query.where(ReportEvent.created_at < until)
    rows = db.session.execute(query.order_by(ReportEvent.created_at.desc(), ReportEvent.id.desc()).limit(limit)).all()
    return [(event, report) for event, report in rows]


def is_announced(event: ReportEvent, report: Report) -> bool:
    return event.public and event.kind in ANNOUNCED and not report.hidden


def districts_of(report: Report) -> list[int]:
    """The district(s) the report's public point lies in."""
    if not report.category.sensitive:
        return [report.district_id] if report.district_id else []
    found = city.district_id_at(*public_location(report))
    return [found] if found else []
