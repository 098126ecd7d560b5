""""Is this the same issue?": open reports nearby, and saying "me too" once."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert

from geo.coordinates import validate_point
from geo.errors import GeoError
from backend import signals
from backend.accounts.models import Citizen
from backend.city import service as city
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db
from backend.reports.models import OPEN311_OPEN, Report, Supporter


def check_point(lat: Any, long: Any) -> tuple[float, float]:
    """Valid coordinates anywhere on Earth (no service-area check: a search may look anywhere)."""
    try:
        return validate_point(lat, long)
    except GeoError as exc:
        raise ValidationFailed(exc.code, _("The location is not a valid coordinate: %(reason)s", reason=exc.message),
                               {"location": exc.message}) from None


def nearby_statement(category_id: int, lat: float, long: float, radius_m: float) -> Select:
    """Open, public reports of the category within the radius, nearest first, with their distance."""
    here = city.point_sql(lat, long)
    distance = func.ST_Distance(func.Geography(Report.location), func.Geography(here)).label("distance")
    # The GiST box alone finds a handful of reports; left to itself the planner ANDs it with the
    # category index, tens of thousands of entries at a million reports. Materialized, the box goes first.
    near = (select(Report.id).where(city.within_metres(Report.location, here, radius_m))
            .cte("near").prefix_with("MATERIALIZED"))
    return (select(Report, distance)
            .where(Report.id.in_(select(near.c.id)), Report.category_id == category_id,
                   Report.status.in_(OPEN311_OPEN), Report.hidden.is_(False))
            .order_by(distance, Report.id)
            .limit(20))


def nearby(lat: Any, long: Any, category_code: str, radius_m: float | None = None) -> list[tuple[Report, float]]:
    """Open, public reports of the category within the radius, nearest first, with their distance in metres."""
    lat_f, long_f = check_point(lat, long)
    category = city.category_by_code(category_code)
    radius = float(radius_m if radius_m is not None else current_app.config["NEARBY_RADIUS_M"])
    rows = db.session.execute(nearby_statement(category.id, lat_f, long_f, radius)).all()
    return [(report, float(d)) for report, d in rows]


def supporter_count(report: Report) -> int:
    return db.session.scalar(select(func.count()).select_from(Supporter).where(Supporter.report_id == report.id))


def support(report: Report, citizen: Citizen) -> tuple[int, bool]:
    """Add the citizen as a supporter, once. Returns (supporters, already_supporting).

    The reporter already counts as concerned: supporting one's own report adds nothing.
    Only open reports take supporters; `report_supported` is sent once per citizen.
    """
    if report.hidden or report.status not in OPEN311_OPEN:
        raise Conflict("report_not_open", _("This report is no longer open."))
    if report.reporter_id == citizen.id:
        return supporter_count(report), True
    inserted = db.session.execute(
        insert(Supporter).values(report_id=report.id, citizen_id=citizen.id, created_at=func.now())
        .on_conflict_do_nothing(index_elements=["report_id", "citizen_id"]).returning(Supporter.id)
    ).scalar()
    if inserted is not None:
        signals.report_supported.send(report, citizen=citizen)
    return supporter_count(report), inserted is None
