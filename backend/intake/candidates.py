"""Possible duplicates, first cut: PostGIS finds the open reports of any category within the radius
and the time window; ranking.py then orders the handful it returns.

Public doors measure from the public point (backend/disclosure/projection.py): a sensitive category's
report is found, filtered and measured at its coarse cell centre, never at its exact place, or
moving the search point about would reveal where it is. Its exact point can lie up to half a cell's
diagonal from that centre, so for sensitive categories the index is asked for a wider box.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union
from sqlalchemy.orm import contains_eager

from backend.city import service as city
from backend.city.models import Category
from backend.extensions import db
from backend.intake.models import ReportVector
from backend.disclosure import projection as disclosure
from backend.reports.models import Report, ReportStatus

# Half the diagonal of a coarse cell (0.0025°), in metres, rounded up.
SENSITIVE_SLACK_M = 200
MAX_CANDIDATES = 50


@dataclass
class Found:
    report: Report
    distance_m: float
    vector: bytes | None
    digest: str | None


def _box(lat: float, long: float, metres: float):
    """A degree box just holding the circle at this latitude (city.within_metres' box is sized for
    60° and lets four times as many rows through the index here)."""
    dlat = metres / 111_000
    dlong = metres / (111_000 * max(0.05, math.cos(math.radians(min(abs(lat) + dlat, 89.9)))))
    return func.ST_MakeEnvelope(long - dlong, lat - dlat, long + dlong, lat + dlat, 4326)


def around(lat: float, long: float, *, radius_m: float, created_between: tuple[datetime, datetime],
           statuses: set[ReportStatus], public: bool, exclude_id: int | None = None) -> list[Found]:
    here = city.point_sql(lat, long)
    # Status, time and visibility are tested on the rows the index scan reads anyway, so only the
    # few live reports leave the CTE; the exact test on the (public) point comes after.
    alive = [Report.status.in_(statuses), Report.created_at.between(*created_between)]
    if public:
        alive.append(Report.hidden.is_(False))
    if exclude_id is not None:
        alive.append(Report.id != exclude_id)
    near = select(Report.id).where(Report.location.op("&&")(_box(lat, long, radius_m)), *alive)
    if public:
        sensitive = select(Category.id).where(Category.sensitive.is_(True))
        near = union(near, select(Report.id).where(
            Report.location.op("&&")(_box(lat, long, radius_m + SENSITIVE_SLACK_M)), Report.category_id.in_(sensitive),
            *alive))
    near = near.cte("near").prefix_with("MATERIALIZED")
    point = disclosure.public_point_sql(Report.location, Category.sensitive) if public else Report.location
    distance = func.ST_Distance(func.Geography(point), func.Geography(here)).label("distance")
    rows = db.session.execute(
        select(Report, distance, ReportVector.vector, ReportVector.digest)
        .join(Category, Category.id == Report.category_id).options(contains_eager(Report.category))
        .outerjoin(ReportVector, ReportVector.report_id == Report.id)
        .where(Report.id.in_(select(near.c.id)),
               func.ST_DWithin(func.Geography(point), func.Geography(here), radius_m))
        .order_by(distance, Report.id).limit(MAX_CANDIDATES)).all()
    return [Found(report, float(d), vector, digest) for report, d, vector, digest in rows]
