"""What of a report the public may see: one home for every public page, API view and export."""
from __future__ import annotations

import math
from typing import Any

from sqlalchemy import case, func, or_, select

from backend.extensions import db
from backend.reports.models import Attachment, Report, ReportEvent
from backend.reports.service import coordinates, is_held
from backend.updates.models import ReportUpdate

# Sensitive categories (e.g. noise at someone's home) are shown on a ~250 m grid.
COARSE_GRID_DEGREES = 0.0025


def public_location(report: Report) -> tuple[float, float]:
    """(lat, long) as the public may see it."""
    lat, long = coordinates(report)
    if report.category.sensitive:
        snap = lambda v: round(math.floor(v / COARSE_GRID_DEGREES) * COARSE_GRID_DEGREES + COARSE_GRID_DEGREES / 2, 6)
        return snap(lat), snap(long)
    return lat, long


def public_events(report: Report) -> list[ReportEvent]:
    return [e for e in report.events if e.public]


def is_public(report: Report) -> bool:
    """Hidden (moderated) reports appear nowhere in public."""
    return not report.hidden


def update_is_public(update: ReportUpdate) -> bool:
    """A citizen's update is public while it is neither hidden nor held, and its report is public."""
    if not update.public:
        return False
    report = db.session.get(Report, update.report_id)
    return report is not None and is_public(report) and not is_held(report)


def visible_attachment(relative_path: str) -> Attachment | None:
    """The photo (or thumbnail) a media path belongs to, if the public may see it: a report's photo
    while the report is public and the photo not redacted, an update's photo while the update is."""
    row = db.session.scalar(select(Attachment).where(or_(Attachment.path == relative_path,
                                                         Attachment.thumbnail_path == relative_path)))
    if row is None or row.redacted:
        return None
    if row.report_id is None:
        owner = db.session.scalar(select(ReportUpdate).where(ReportUpdate.photo_id == row.id))
        return row if owner is not None and update_is_public(owner) else None
    report = db.session.get(Report, row.report_id)
    return row if report is not None and is_public(report) else None


def public_point_sql(location: Any, sensitive: Any) -> Any:
    """The SQL twin of `public_location`, for queries that aggregate or stream many reports:
    a geometry that is the report's point, or for sensitive categories the centre of its grid cell.

    `public_coordinate` is a database function (migration 891a7b90e014) because the map grid's
    trigger needs the same rule; PostgreSQL inlines it."""
    return func.ST_SetSRID(func.ST_MakePoint(func.public_coordinate(func.ST_X(location), sensitive),
                                             func.public_coordinate(func.ST_Y(location), sensitive)), 4326)


def public_address(report: Report) -> str | None:
    """A street address would undo the coarsening of a sensitive category: not shown for those."""
    return None if report.category.sensitive else report.address


def public_address_sql(address: Any, sensitive: Any) -> Any:
    return case((sensitive, None), else_=address)
