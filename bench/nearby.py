"""Nearby duplicates among the reports: the real service (ST_DWithin on the GiST index) against the
lat/long bounding box plus great-circle query that platforms without PostGIS use (B-tree on lat, long).

Two rows: the service as the API calls it (category lookup, ORM objects), and its SQL alone, executed
like the baseline's (the same layer, so the ratio compares the queries)."""
from __future__ import annotations

import random
import time

from sqlalchemy import text

from backend.extensions import db
from backend.reports import support
from bench.common import Result, latency_result, timed

RADIUS_M = 50


def _prepare_baseline() -> None:
    """The table such a platform would have: plain lat/long columns with a B-tree index."""
    exists = db.session.execute(text("SELECT to_regclass('bench_latlong')")).scalar()
    if exists:
        return
    db.session.execute(text("""CREATE TABLE bench_latlong AS
        SELECT r.id, ST_Y(r.location) AS lat, ST_X(r.location) AS long, r.category_id, r.status
        FROM reports r"""))
    db.session.execute(text("CREATE INDEX ON bench_latlong (lat, long)"))
    db.session.execute(text("ANALYZE bench_latlong"))
    db.session.commit()


BASELINE = text("""
    SELECT id, d FROM (
      SELECT id, 2 * 6371008.8 * asin(sqrt(power(sin(radians(lat - :lat) / 2), 2) +
             cos(radians(:lat)) * cos(radians(lat)) * power(sin(radians(long - :long) / 2), 2))) AS d
      FROM bench_latlong
      WHERE lat BETWEEN :lat - :dlat AND :lat + :dlat AND long BETWEEN :long - :dlong AND :long + :dlong
        AND category_id = :category AND status IN ('submitted','open','acknowledged','in_progress')) near
    WHERE d <= :radius ORDER BY d""")


def run(repeat: int = 300) -> list[Result]:
    _prepare_baseline()
    rng = random.Random(11)
    # Where reports are: near the centre, where the density is highest (the hard case).
    sample = [(31.23 + rng.gauss(0, 0.03), 121.47 + rng.gauss(0, 0.04), rng.randint(1, 20)) for _ in range(repeat + 20)]
    sample += sample
    ours_points, base_points = iter(sample), iter(sample)

    def ours():
        lat, long, category = next(ours_points)
        support.nearby(lat, long, f"c{category}", RADIUS_M)
        db.session.rollback()

    def baseline():
        lat, long, category = next(base_points)
        import math
        dlat = RADIUS_M / 111_320
        dlong = RADIUS_M / (111_320 * math.cos(math.radians(lat)))
        db.session.execute(BASELINE, {"lat": lat, "long": long, "dlat": dlat, "dlong": dlong,
                                      "category": category, "radius": RADIUS_M}).all()

    sql_points = iter(sample)
    def ours_sql():
        lat, long, category = next(sql_points)
        compiled = support.nearby_statement(category, lat, long, RADIUS_M).compile(
            dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
        start = time.perf_counter()
        db.session.connection().exec_driver_sql(compiled.string, compiled.params).all()
        return time.perf_counter() - start

    samples = timed(ours, repeat)
    base = timed(baseline, repeat)
    for _ in range(3):
        ours_sql()
    sql_samples = [ours_sql() for _ in range(repeat)]
    db.session.rollback()
    total = db.session.execute(text("SELECT count(*) FROM reports")).scalar()
    return [latency_result(f"nearby open reports within {RADIUS_M} m (service)", samples,
                           "lat/long box + great circle (B-tree)", base, notes=f"over {total:,} reports"),
            latency_result(f"nearby within {RADIUS_M} m, the SQL alone", sql_samples,
                           "lat/long box + great circle (B-tree)", base)]
