"""Reverse lookup from our own data: the nearest address the public can already read on a report page.

No external geocoder: the city's reports carry the addresses citizens and staff gave. Sensitive
categories' addresses are never used (they would undo the coarsening of those reports), nor
hidden reports'.
"""
from __future__ import annotations

from sqlalchemy import func, select

from backend.city import service as city
from backend.city.models import Category
from backend.extensions import db
from backend.reports.models import Report

NEAREST_ADDRESS_M = 150


def nearest_public_address(lat: float, long: float, within_m: float = NEAREST_ADDRESS_M) -> tuple[str, float] | None:
    """(address, distance in metres) of the nearest public, non-sensitive report with an address."""
    here = city.point_sql(lat, long)
    distance = func.ST_Distance(func.Geography(Report.location), func.Geography(here))
    row = db.session.execute(
        select(Report.address, distance).join(Category, Category.id == Report.category_id)
        .where(city.within_metres(Report.location, here, within_m), Report.address.is_not(None), Report.address != "",
               Report.hidden.is_(False), Category.sensitive.is_(False))
        .order_by(distance, Report.id).limit(1)).first()
    return (row[0], float(row[1])) if row else None
