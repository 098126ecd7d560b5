"""The map's data: reports aggregated in PostGIS by zoom level, and the departments' areas.

At city zoom the viewport's reports are counted on a square grid (cells of about
CELL_PIXELS screen pixels, computed by ST_SnapToGrid); from STREET_ZOOM on, single reports
are returned. Only the viewport is read (`&&` on the GiST index), and the answer is
compact arrays, not GeoJSON features, so a million reports stay a few kilobytes.
Every position is the public one (`disclosure.public_point_sql`): sensitive categories
are clustered and drawn from their coarsened cell, never from the exact point.
"""
from __future__ import annotations

import json
import math
from typing import Any

from sqlalchemy import Select, func, select

from backend.city.models import Area, Category, Department
from backend.extensions import db
from backend.reports.disclosure import public_point_sql
from backend.reports.filters import ReportFilters, conditions
from backend.reports.models import Report

STREET_ZOOM = 16
MAX_ZOOM = 20
CELL_PIXELS = 64
# A street viewport with more reports than this is still clustered, on a finer grid.
MAX_POINTS = 1500
POINT_FIELDS = ["id", "lat", "long", "status", "category", "verified"]
CLUSTER_FIELDS = ["lat", "long", "count", "gx", "gy"]


def cell_size(zoom: int, latitude: float = 0.0) -> tuple[float, float]:
    """(degrees of longitude, degrees of latitude) of a grid cell at this zoom.

    Web Mercator squeezes latitude degrees by cos(lat); correcting for the viewport's
    latitude keeps the cells square on screen."""
    zoom = max(0, min(MAX_ZOOM, zoom))
    dx = 360.0 / (256 * 2 ** zoom) * CELL_PIXELS
    return dx, dx * max(0.1, math.cos(math.radians(latitude)))


def _public_point():
    return public_point_sql(Report.location, Category.sensitive)


def _base(filters: ReportFilters, *columns: Any):
    return (select(*columns).select_from(Report).join(Category, Category.id == Report.category_id)
            .where(*conditions(filters)))


def clusters_statement(filters: ReportFilters, zoom: int) -> tuple[Select, float, float]:
    """The grid query and its cell size (dx, dy) in degrees."""
    centre_lat = (filters.bbox[1] + filters.bbox[3]) / 2 if filters.bbox else 0.0
    dx, dy = cell_size(zoom, centre_lat)
    inner = _base(filters, _public_point().label("p")).subquery()
    cell = func.ST_SnapToGrid(inner.c.p, 0, 0, dx, dy)
    stmt = select(func.count(), func.avg(func.ST_Y(inner.c.p)), func.avg(func.ST_X(inner.c.p)),
                  func.ST_X(cell), func.ST_Y(cell)).group_by(cell)
    return stmt, dx, dy


def clusters(filters: ReportFilters, zoom: int) -> dict[str, Any]:
    """Grid cells with their report count and the mean public position of their reports."""
    stmt, dx, dy = clusters_statement(filters, zoom)
    rows = []
    total = 0
    for count, lat, long, cell_x, cell_y in db.session.execute(stmt):
        total += count
        rows.append([round(lat, 5), round(long, 5), count, round(cell_x / dx), round(cell_y / dy)])
    rows.sort(key=lambda r: -r[2])
    return {"mode": "clusters", "zoom": zoom, "cell": [dx, dy], "total": total,
            "fields": CLUSTER_FIELDS, "clusters": rows}


def points_statement(filters: ReportFilters, limit: int | None = None) -> Select:
    limit = MAX_POINTS if limit is None else limit
    p = _public_point()
    return (_base(filters, Report.id, func.ST_Y(p), func.ST_X(p), Report.status, Report.category_id, Report.verified)
            .order_by(Report.id).limit(limit + 1))


def points(filters: ReportFilters, limit: int | None = None) -> list[list[Any]] | None:
    """Single reports with their public position, or None when there are more than `limit` (MAX_POINTS)."""
    limit = MAX_POINTS if limit is None else limit
    stmt = points_statement(filters, limit)
    rows = [[rid, round(lat, 6), round(long, 6), status.value, cat, verified]
            for rid, lat, long, status, cat, verified in db.session.execute(stmt)]
    return None if len(rows) > limit else rows


def map_layer(filters: ReportFilters, zoom: int, *, heat: bool = False) -> dict[str, Any]:
    """What the map's reports layer draws for this viewport (filters.bbox) and zoom.

    `heat` asks for grid cells at every zoom (the heat view paints cells, not pins)."""
    zoom = max(0, min(MAX_ZOOM, int(zoom)))
    if zoom >= STREET_ZOOM and not heat:
        rows = points(filters)
        if rows is not None:
            return {"mode": "points", "zoom": zoom, "total": len(rows), "fields": POINT_FIELDS, "points": rows}
        return clusters(filters, zoom + 2)
    return clusters(filters, zoom)


def filtered_total(filters: ReportFilters) -> int:
    return db.session.scalar(_base(filters, func.count()))


def areas_layer(department_ids: tuple[int, ...] = (), language: str = "en") -> dict[str, Any]:
    """The departments' areas as a GeoJSON FeatureCollection (simplified to ~10 m)."""
    geometry = func.ST_AsGeoJSON(func.ST_Multi(func.ST_SimplifyPreserveTopology(Area.geom, 0.0001)), 5)
    stmt = (select(Area.id, Area.name, Department.id, Department.code, Department.name_en, Department.name_zh, geometry)
            .join(Department, Department.id == Area.department_id).order_by(func.ST_Area(Area.geom).desc()))
    if department_ids:
        stmt = stmt.where(Department.id.in_(department_ids))
    features = []
    for area_id, name, dept_id, code, name_en, name_zh, geojson in db.session.execute(stmt):
        features.append({"type": "Feature", "id": area_id, "geometry": json.loads(geojson), "properties": {
            "name": name, "department_id": dept_id, "department": code,
            "department_name": name_zh if language.startswith("zh") else name_en}})
    return {"type": "FeatureCollection", "features": features}
