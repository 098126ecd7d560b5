"""Clusters for the map from the pre-aggregated grid (map_grid_models).

Grid cells are nested: a cell of level m is [gx·dx, (gx+1)·dx) × [gy·dy, (gy+1)·dy) with
dx = 90°/2^m, the size `aggregation.cell_size(m)` asks for at zoom m (64 screen pixels), so a cell
of level m is exactly 2×2 cells of level m+1, and dividing by a power of two is exact in floating
point: the fold, the readers and the live query put each report in the same cell.

At cluster zooms the map counts the whole cells its viewport touches (as tiled maps do): a cell is
one marker, and cutting it at the screen's edge would need every report near the edge read again.
So a city-wide view reads a few thousand grid rows, however many reports there are.
"""
from __future__ import annotations

import math
from typing import Any

from flask import current_app
from sqlalchemy import Double, Integer, Select, cast, delete, func, literal, select, text, union_all

from backend.extensions import db
from backend.disclosure.filters import ReportFilters
from backend.disclosure.map_grid_models import ALL_CATEGORIES, ALL_STATUSES, MapGridCell, MapGridChange

# Every other zoom level is kept: a query at an odd zoom reads the next finer level, 2×2 cells to one.
LEVELS = (6, 8, 10, 12, 14)
FINEST = LEVELS[-1]
VACUUM_AFTER = 50_000
CELL_PIXELS = 64
BASE_DX = 360.0 / 256 * CELL_PIXELS   # degrees of longitude of a cell at zoom 0 (256-px world)


def dy_factor() -> float:
    """Web Mercator squeezes latitude degrees by cos(lat): cells this much shorter in degrees look
    square on screen. One latitude for the whole city (CITY_LATITUDE) keeps the cells fixed, so
    that they can be pre-aggregated."""
    return max(0.1, math.cos(math.radians(current_app.config["CITY_LATITUDE"])))


def sizes(level: int, factor: float | None = None) -> tuple[float, float]:
    """(dx, dy) in degrees of a cell of this level; `factor` defaults to `dy_factor()`."""
    factor = dy_factor() if factor is None else factor
    return BASE_DX / 2 ** level, BASE_DX * factor / 2 ** level


def can_answer(filters: ReportFilters, zoom: int) -> bool:
    """The grid counts visible reports by status and category; the other filters (department,
    verified, time windows, `overdue`, which moves with the clock, and the staff's hidden reports)
    are answered by the live query, as are zooms finer than the grid (street viewports are small)."""
    return (zoom <= FINEST and not filters.department_ids and filters.verified is None
            and filters.created_from is None and filters.created_until is None and filters.overdue is None
            and not filters.include_hidden)


def _count_into_cells(source: str) -> str:
    """SQL that counts the rows (x, y, category_id, status, n) of `source` (a CTE or subquery name)
    into the cells of every kept level, four ways (grouping sets), adding to what the cells hold."""
    return f"""
        INSERT INTO map_grid_cells AS c (level, category_id, status, gx, gy, n, sum_x, sum_y)
        SELECT level, coalesce(category_id, :all_categories), coalesce(status, :all_statuses), gx, gy,
               sum(n), sum(n * x), sum(n * y)
        FROM (SELECT level, floor(x / (CAST(:dx0 AS float8) / 2 ^ level))::int AS gx,
                     floor(y / (CAST(:dy0 AS float8) / 2 ^ level))::int AS gy, category_id, status, n, x, y
              FROM {source} CROSS JOIN unnest(CAST(:levels AS int[])) AS level) AS placed
        GROUP BY GROUPING SETS ((level, gx, gy), (level, gx, gy, status), (level, gx, gy, category_id),
                                (level, gx, gy, category_id, status))
        ON CONFLICT (level, category_id, status, gx, gy) DO UPDATE
        SET n = c.n + excluded.n, sum_x = c.sum_x + excluded.sum_x, sum_y = c.sum_y + excluded.sum_y"""


def _cell_params() -> dict[str, Any]:
    dx0, dy0 = sizes(0)
    return {"dx0": dx0, "dy0": dy0, "levels": list(LEVELS), "all_categories": ALL_CATEGORIES,
            "all_statuses": ALL_STATUSES}


def _lock_grid() -> None:
    """One fold or rebuild at a time (a transaction-scoped advisory lock)."""
    db.session.execute(select(func.pg_advisory_xact_lock(func.hashtext("map_grid_fold"))))


def fold() -> int:
    """Move the logged changes into the cells of every level; returns how many changes were folded.

    One fold at a time, so concurrent folds never deadlock on the counter rows; the writers of
    reports never touch those rows at all. Owns its transaction: the fold commits (ending the
    advisory lock) before a big fold's VACUUM, which cannot run inside a transaction."""
    _lock_grid()
    folded = db.session.execute(text(f"""
        WITH moved AS (DELETE FROM map_grid_changes RETURNING x, y, category_id, status, n),
             added AS ({_count_into_cells("moved")} RETURNING 1)
        SELECT (SELECT count(*) FROM moved), (SELECT count(*) FROM added)"""), _cell_params()).one()[0]
    db.session.execute(delete(MapGridCell).where(MapGridCell.n == 0))
    db.session.commit()
    if folded > VACUUM_AFTER:
        # A big fold leaves the change log full of dead rows that every reader would scan past.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM (ANALYZE) map_grid_changes, map_grid_cells"))
    return folded


def rebuild() -> int:
    """Count the grid again from `reports` (after bulk loads that bypassed the trigger, or a change
    of CITY_LATITUDE, which changes every cell's height); returns how many reports it counted.
    Owns its transaction, committed before the ANALYZE that follows it."""
    _lock_grid()
    db.session.execute(text("TRUNCATE map_grid_cells, map_grid_changes"))
    visible = """(SELECT public_coordinate(ST_X(r.location), k.sensitive) AS x,
                         public_coordinate(ST_Y(r.location), k.sensitive) AS y, r.category_id, r.status, 1 AS n
                  FROM reports r JOIN categories k ON k.id = r.category_id WHERE NOT r.hidden) AS visible"""
    db.session.execute(text(_count_into_cells(visible)), _cell_params())
    counted = db.session.scalar(select(func.coalesce(func.sum(MapGridCell.n), 0)).where(
        MapGridCell.level == LEVELS[0], MapGridCell.category_id == ALL_CATEGORIES,
        MapGridCell.status == ALL_STATUSES))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE map_grid_cells"))
    return int(counted)


def cell_of(v: Any, size: float) -> Any:
    """SQL: the index of the cell of this size that holds coordinate v (floor, as the fold does)."""
    return cast(func.floor(v / literal(size, Double)), Integer)


def cell_range(bbox: tuple[float, float, float, float], level: int) -> tuple[int, int, int, int]:
    """(i0, i1, j0, j1): the cells of this level that the viewport touches, bounds inclusive."""
    dx, dy = sizes(level)
    return math.floor(bbox[0] / dx), math.floor(bbox[2] / dx), math.floor(bbox[1] / dy), math.floor(bbox[3] / dy)


def _changes(filters: ReportFilters, level: int) -> Select:
    """The changes not folded yet, placed in their cells of `level`, as the fold will place them."""
    change = MapGridChange
    dx, dy = sizes(level)
    stmt = select(cell_of(change.x, dx).label("gx"), cell_of(change.y, dy).label("gy"), change.n.label("n"),
                  (change.n * change.x).label("sum_x"), (change.n * change.y).label("sum_y"))
    if filters.category_ids:
        stmt = stmt.where(change.category_id.in_(filters.category_ids))
    if filters.statuses:
        stmt = stmt.where(change.status.in_([s.value for s in filters.statuses]))
    return stmt


def _cells(filters: ReportFilters, level: int) -> Select:
    """The level's cells that count what the filters ask for: one row per cell without filters."""
    cell = MapGridCell
    statuses = [s.value for s in filters.statuses]
    return select(cell.gx, cell.gy, cell.n, cell.sum_x, cell.sum_y).where(
        cell.level == level,
        cell.category_id.in_(filters.category_ids) if filters.category_ids else cell.category_id == ALL_CATEGORIES,
        cell.status.in_(statuses) if statuses else cell.status == ALL_STATUSES)


def cluster_statement(filters: ReportFilters, zoom: int) -> Select:
    """(gx, gy, n, sum_x, sum_y) per cell of the zoom that the viewport (filters.bbox) touches.

    Read from the first kept level at or finer than the zoom (2×2 of its cells make one of the zoom's
    at an odd zoom), cells plus the changes not folded yet."""
    level = next(m for m in LEVELS if m >= zoom)
    shift = level - zoom
    rows = union_all(_cells(filters, level), _changes(filters, level)).subquery("grid")
    gx, gy = rows.c.gx.op(">>")(shift), rows.c.gy.op(">>")(shift)
    stmt = select(gx.label("gx"), gy.label("gy"), func.sum(rows.c.n), func.sum(rows.c.sum_x),
                  func.sum(rows.c.sum_y)).group_by(gx, gy).having(func.sum(rows.c.n) > 0)
    if filters.bbox:
        # On the level's own indexes, so that the primary key's range is used.
        i0, i1, j0, j1 = cell_range(filters.bbox, zoom)
        k = 2 ** shift
        stmt = stmt.where(rows.c.gx >= i0 * k, rows.c.gx < (i1 + 1) * k, rows.c.gy >= j0 * k, rows.c.gy < (j1 + 1) * k)
    return stmt
