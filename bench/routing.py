"""Routing: which department gets a report at a point, through the real service (GiST-backed
ST_Covers, smallest area first) against a naive loop over every polygon in Python."""
from __future__ import annotations

import random

from geoalchemy2.shape import to_shape
from sqlalchemy import select

from backend.city import service as city
from backend.city.models import Area, category_departments
from backend.extensions import db
from bench.common import Result, latency_result, timed
from bench.datagen import EXTENT


def _points(n: int, seed: int = 7) -> list[tuple[int, float, float]]:
    rng = random.Random(seed)
    minx, miny, maxx, maxy = EXTENT
    return [(rng.randint(1, 20), rng.uniform(miny, maxy), rng.uniform(minx, maxx)) for _ in range(n)]


def run(repeat: int = 400) -> list[Result]:
    points = iter(_points(repeat + 10) * 2)

    def ours():
        category_id, lat, long = next(points)
        city.responsible_department_id(category_id, lat, long)

    samples = timed(ours, repeat)

    # The naive way: every polygon in memory, each tested in turn.
    polygons = [(a.department_id, to_shape(a.geom)) for a in db.session.scalars(select(Area))]
    handles = {}
    for category_id, department_id in db.session.execute(select(category_departments)):
        handles.setdefault(category_id, set()).add(department_id)
    from shapely.geometry import Point

    naive_points = iter(_points(60, seed=8) * 2)

    def naive():
        category_id, lat, long = next(naive_points)
        pt = Point(long, lat)
        covering = [(shape.area, dept) for dept, shape in polygons if dept in handles[category_id] and shape.covers(pt)]
        return min(covering)[1] if covering else None

    baseline = timed(naive, 50, warmup=2)
    result = latency_result("routing lookup (1 point)", samples, f"naive loop over {len(polygons)} polygons", baseline)
    result.notes = f"{1000 / result.median:,.0f} lookups/s vs {1000 / result.baseline_median:,.1f} lookups/s naive"
    return [result]
