"""Possible duplicates, first cut: PostGIS finds the open reports of any category within the radius
and the time window; ranking.py then orders the handful it returns.

Public doors measure from the public point (backend/reports/disclosure.py): a sensitive category's
report is found, filtered and measured at its coarse cell centre, never at its exact place, or
moving the search point about would reveal where it is. Its exact point can lie up to half a cell's
diagonal from that centre, so for sensitive categories the index is asked for a wider box.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, union

from backend.city import service as city
from backend.city.models import Category
from backend.extensions import db
from backend.intake.models import ReportVector
from backend.reports import disclosure
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


def around(lat: float, long: float, *, radius_m: float, created_between: tuple[datetime, datetime],
           statuses: set[ReportStatus], public: bool, exclude_id: int | None = None) -> list[Found]:
    here = city.point_sql(lat, long)
    plain = select(Report.id).where(city.within_metres(Report.location, here, radius_m))
    sensitive_ids = list(db.session.scalars(select(Category.id).where(Category.sensitive.is_(True)))) if public else []
    if sensitive_ids:
        wide = select(Report.id).where(city.within_metres(Report.location, here, radius_m + SENSITIVE_SLACK_M),
                                       Report.category_id.in_(sensitive_ids))
        near = union(plain, wide).cte("near").prefix_with("MATERIALIZED")
    else:
        # The GiST box first, on its own (see reports.support.nearby_statement for why MATERIALIZED).
        near = plain.cte("near").prefix_with("MATERIALIZED")
    point = disclosure.public_point_sql(Report.location, Category.sensitive) if public else Report.location
    distance = func.ST_Distance(func.Geography(point), func.Geography(here)).label("distance")
    conditions = [Report.id.in_(select(near.c.id)), Report.status.in_(statuses),
                  Report.created_at.between(*created_between),
                  func.ST_DWithin(func.Geography(point), func.Geography(here), radius_m)]
    if public:
        conditions.append(Report.hidden.is_(False))
    if exclude_id is not None:
        conditions.append(Report.id != exclude_id)
    rows = db.session.execute(
        select(Report, distance, ReportVector.vector, ReportVector.digest)
        .join(Category, Category.id == Report.category_id)
        .outerjoin(ReportVector, ReportVector.report_id == Report.id)
        .where(*conditions).order_by(distance, Report.id).limit(MAX_CANDIDATES)).all()
    return [Found(report, float(d), vector, digest) for report, d, vector, digest in rows]
