"""The map's data: reports aggregated in PostGIS by zoom level, and the departments' areas.

At city zoom reports are counted on a square grid (cells of CELL_PIXELS screen pixels; every cell
the viewport touches, whole), read from the pre-aggregated grid (`map_grid`) where it can answer;
from STREET_ZOOM on, single reports are returned, exactly those whose public place is in view.
Only the viewport is read (`&&` on the GiST index), and the answer is compact arrays, not
GeoJSON features, so a million reports stay a few kilobytes. Every position is the public one (`disclosure.public_point_sql`): sensitive categories
are clustered and drawn from their coarsened cell, never from the exact point.
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import Select, func, literal, select

from backend.city.models import Area, Category, Department
from backend.extensions import db
from backend.disclosure import map_grid
from backend.disclosure.projection import public_point_sql
from backend.disclosure.filters import ReportFilters, conditions
from backend.reports.models import Report

STREET_ZOOM = 16
MAX_ZOOM = 20
CELL_PIXELS = map_grid.CELL_PIXELS
# A street viewport with more reports than this is still clustered, on a finer grid.
MAX_POINTS = 1500
POINT_FIELDS = ["id", "lat", "long", "status", "category", "verified"]
CLUSTER_FIELDS = ["lat", "long", "count", "gx", "gy"]


def cell_size(zoom: int) -> tuple[float, float]:
    """(degrees of longitude, degrees of latitude) of a grid cell at this zoom: CELL_PIXELS on screen."""
    return map_grid.sizes(max(0, min(MAX_ZOOM, zoom)))


def _public_point():
    return public_point_sql(Report.location, Category.sensitive)


def _base(filters: ReportFilters, *columns: Any):
    return (select(*columns).select_from(Report).join(Category, Category.id == Report.category_id)
            .where(*conditions(filters)))


def _live_rows(filters: ReportFilters, zoom: int) -> Select:
    """(gx, gy, 1, x, y) of every report in the cells of this zoom that the viewport touches."""
    dx, dy = cell_size(zoom)
    if filters.bbox:
        i0, i1, j0, j1 = map_grid.cell_range(filters.bbox, zoom)
        filters = dataclasses.replace(filters, bbox=(i0 * dx, j0 * dy, (i1 + 1) * dx, (j1 + 1) * dy))
    inner = _base(filters, _public_point().label("p")).subquery()
    x, y = func.ST_X(inner.c.p), func.ST_Y(inner.c.p)
    gx, gy = map_grid.cell_of(x, dx), map_grid.cell_of(y, dy)
    stmt = select(gx.label("gx"), gy.label("gy"), literal(1).label("n"), x.label("sum_x"), y.label("sum_y"))
    if filters.bbox:
        # The widened box is closed; its far edges belong to the next cells.
        stmt = stmt.where(gx <= i1, gy <= j1)
    return stmt


def clusters_statement(filters: ReportFilters, zoom: int) -> tuple[Select, float, float]:
    """(gx, gy, count, sum of x, sum of y) per cell that the viewport touches, and the cell size (dx, dy).

    The pre-aggregated grid answers what it can (`map_grid.can_answer`); the rest is counted live."""
    dx, dy = cell_size(zoom)
    if map_grid.can_answer(filters, zoom):
        return map_grid.cluster_statement(filters, zoom), dx, dy
    rows = _live_rows(filters, zoom).subquery()
    stmt = (select(rows.c.gx, rows.c.gy, func.count(), func.sum(rows.c.sum_x), func.sum(rows.c.sum_y))
            .group_by(rows.c.gx, rows.c.gy))
    return stmt, dx, dy


def clusters(filters: ReportFilters, zoom: int) -> dict[str, Any]:
    """Grid cells with their report count and the mean public position of their reports.

    A cell is [gx·dx, (gx+1)·dx) × [gy·dy, (gy+1)·dy) with (dx, dy) = `cell`."""
    stmt, dx, dy = clusters_statement(filters, zoom)
    rows = []
    total = 0
    for gx, gy, count, sum_x, sum_y in db.session.execute(stmt):
        total += count
        rows.append([round(sum_y / count, 5), round(sum_x / count, 5), count, gx, gy])
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
