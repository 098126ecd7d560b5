"""The map's pre-aggregated grid: counts of visible reports per grid cell, per zoom level.

Rows are derived data, never edited by hand. A trigger on `reports` (and one on `categories`, for
the `sensitive` flag) appends every change of a visible report's public position, category or status
to `map_grid_changes`, as -1 for the old key and +1 for the new one, so that writers never contend
on shared counter rows; `map_grid.fold()` moves the changes into `map_grid_cells`. Readers add the
not-yet-folded changes themselves, so the map is exact whether or not the fold has run.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Double, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.extensions import db


class MapGridCell(db.Model):
    """Visible (not hidden) reports per cell, counted four ways (SQL grouping sets): in all, per
    status, per category, per category and status. A rolled-up field holds ALL_CATEGORIES or
    ALL_STATUSES, so that the map without filters reads one row per cell."""
    __tablename__ = "map_grid_cells"
    __table_args__ = (
        # The fold leaves emptied cells at n = 0 and removes them through this small index.
        Index("ix_map_grid_cells_empty", "level", postgresql_where="n = 0"),
    )

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    # The filters come first in the key: a filter picks one range of the index.
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    gx: Mapped[int] = mapped_column(Integer, primary_key=True)
    gy: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    # Sums of the public positions, for the mean position a cluster is drawn at.
    sum_x: Mapped[float] = mapped_column(Double)
    sum_y: Mapped[float] = mapped_column(Double)


class MapGridChange(db.Model):
    """A visible report entering (+1) or leaving (-1) a key of the grid."""
    __tablename__ = "map_grid_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # The public position (sensitive categories already coarsened), longitude first.
    x: Mapped[float] = mapped_column(Double)
    y: Mapped[float] = mapped_column(Double)
    category_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    n: Mapped[int] = mapped_column(SmallInteger)


ALL_CATEGORIES = 0
ALL_STATUSES = "*"
