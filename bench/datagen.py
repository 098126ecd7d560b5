"""Fill the benchmark database fast, in SQL (not row by row through the ORM).

At scale 1.0: 1,000,000 reports over a 85 x 66 km city, 5,000 jurisdiction polygons,
100,000 citizens, 100,000 open reports for department 1 (the inbox benchmark), and
5,000,000 ledger entries when the incentives area has its ledger. The data is made once
and reused while its recorded scale matches.
"""
from __future__ import annotations

import time

from flask_migrate import upgrade
from sqlalchemy import inspect, text

from backend.extensions import db
from backend.disclosure import map_grid

EXTENT = (121.0, 30.9, 121.9, 31.5)   # min long, min lat, max long, max lat
CENTRE = (121.47, 31.23)
CITY_DEPARTMENTS, DISTRICT_DEPARTMENTS, LOCAL_DEPARTMENTS = 10, 10, 40
CATEGORIES = 20
# The one-off aggregations over millions of rows (boards, map grid) hash in memory instead of
# sorting on disk; PostgreSQL's default of 4 MB suits the many small queries of the app.
BULK_WORK_MEM = "1GB"


def _counts(scale: float) -> dict[str, int]:
    return {"reports": int(1_000_000 * scale), "citizens": int(100_000 * scale),
            "open_for_dept1": int(100_000 * scale), "ledger": int(5_000_000 * scale),
            "grid": max(10, int(70 * scale ** 0.5))}


def _exec(sql: str, **params) -> None:
    db.session.execute(text(sql), params)


def ensure_data(scale: float, echo=print) -> dict[str, int]:
    upgrade()
    _exec("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
    db.session.commit()
    recorded = db.session.execute(text("SELECT value FROM bench_meta WHERE key = 'scale'")).scalar()
    counts = _counts(scale)
    if recorded == f"{scale}:v2":
        echo(f"benchmark data at scale {scale} already present")
        started = time.perf_counter()
        folded = map_grid.fold()   # data made before the map grid existed arrives as changes
        if folded:
            echo(f"  map grid: {folded:,} changes folded in {time.perf_counter() - started:.1f}s")
        return counts
    started = time.perf_counter()
    tables = [t.name for t in db.metadata.sorted_tables]
    _exec(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    _city(counts)
    echo(f"  city: {time.perf_counter() - started:.1f}s")
    # Bulk rows skip the map grid's per-row trigger; the grid is then counted in one pass.
    _exec("ALTER TABLE reports DISABLE TRIGGER map_grid_record")
    _people_and_reports(counts)
    _exec("ALTER TABLE reports ENABLE TRIGGER map_grid_record")
    echo(f"  citizens and reports: {time.perf_counter() - started:.1f}s")
    _exec(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
    map_grid.rebuild()
    echo(f"  map grid: {time.perf_counter() - started:.1f}s")
    if "point_entries" in inspect(db.engine).get_table_names():
        _ledger(counts)
        echo(f"  ledger: {time.perf_counter() - started:.1f}s")
    _exec("INSERT INTO bench_meta VALUES ('scale', :s) ON CONFLICT (key) DO UPDATE SET value = :s", s=f"{scale}:v2")
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    echo(f"benchmark data generated in {time.perf_counter() - started:.0f}s")
    return counts


def _city(counts: dict[str, int]) -> None:
    minx, miny, maxx, maxy = EXTENT
    total = CITY_DEPARTMENTS + DISTRICT_DEPARTMENTS + LOCAL_DEPARTMENTS
    _exec("""INSERT INTO departments (code, name_en, name_zh, created_at)
             SELECT 'd' || g, 'Department ' || g, '部门' || g, now() FROM generate_series(1, :n) g""", n=total)
    _exec("""INSERT INTO categories (code, name_en, name_zh, description_en, description_zh, "group", keywords,
                                     default_sla_hours, attributes, verify_redundancy, sensitive, active)
             SELECT 'c' || g, 'Category ' || g, '类别' || g, '', '', '', '', 72, '[]', 3, false, true
             FROM generate_series(1, :n) g""", n=CATEGORIES)
    # Every category: one city-wide, one district and one local department (overlapping; the smallest wins).
    _exec("""INSERT INTO category_departments (category_id, department_id)
             SELECT c, 1 + (c % :city) FROM generate_series(1, :cats) c
             UNION SELECT c, 1 + :city + (c % :district) FROM generate_series(1, :cats) c
             UNION SELECT c, 1 + :city + :district + l FROM generate_series(1, :cats) c, generate_series(0, :local - 1) l""",
          city=CITY_DEPARTMENTS, district=DISTRICT_DEPARTMENTS, local=LOCAL_DEPARTMENTS, cats=CATEGORIES)
    _exec("""INSERT INTO areas (department_id, name, geom, created_at)
             SELECT g, 'City-wide ' || g, ST_Multi(ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)), now()
             FROM generate_series(1, :n) g""", n=CITY_DEPARTMENTS, minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    # 10 x 9 district cells, then a fine grid of jittered quadrilaterals (neighbourhoods).
    _exec("""INSERT INTO areas (department_id, name, geom, created_at)
             SELECT 1 + :city + ((i * 9 + j) % :district), 'District ' || i || '-' || j,
                    ST_Multi(ST_MakeEnvelope(:minx + i * :dx, :miny + j * :dy, :minx + (i + 1) * :dx, :miny + (j + 1) * :dy, 4326)), now()
             FROM generate_series(0, 9) i, generate_series(0, 8) j""",
          city=CITY_DEPARTMENTS, district=DISTRICT_DEPARTMENTS, minx=minx, miny=miny,
          dx=(maxx - minx) / 10, dy=(maxy - miny) / 9)
    n = counts["grid"]
    _exec("""INSERT INTO areas (department_id, name, geom, created_at)
             SELECT 1 + :city + :district + ((i * :n + j) % :local), 'Neighbourhood ' || i || '-' || j,
                    ST_Multi(ST_MakePolygon(ST_MakeLine(ARRAY[
                      ST_MakePoint(x0 + r1 * jx, y0 + r2 * jy), ST_MakePoint(x1 - r3 * jx, y0 + r4 * jy),
                      ST_MakePoint(x1 - r5 * jx, y1 - r6 * jy), ST_MakePoint(x0 + r7 * jx, y1 - r8 * jy),
                      ST_MakePoint(x0 + r1 * jx, y0 + r2 * jy)])))::geometry(MultiPolygon, 4326), now()
             FROM (SELECT i, j, :minx + i * :dx AS x0, :minx + (i + 1) * :dx AS x1,
                          :miny + j * :dy AS y0, :miny + (j + 1) * :dy AS y1, :dx * 0.1 AS jx, :dy * 0.1 AS jy,
                          random() r1, random() r2, random() r3, random() r4,
                          random() r5, random() r6, random() r7, random() r8
                   FROM generate_series(0, :n - 1) i, generate_series(0, :n - 1) j) cells""",
          city=CITY_DEPARTMENTS, district=DISTRICT_DEPARTMENTS, local=LOCAL_DEPARTMENTS, n=n,
          minx=minx, miny=miny, dx=(maxx - minx) / n, dy=(maxy - miny) / n)
    # Nine districts (a 3 x 3 split of the extent) for the per-district boards.
    _exec("""INSERT INTO districts (code, name_en, name_zh, geom)
             SELECT 'district' || (i * 3 + j), 'District ' || (i * 3 + j), '区' || (i * 3 + j),
                    ST_Multi(ST_MakeEnvelope(:minx + i * :dx, :miny + j * :dy, :minx + (i + 1) * :dx, :miny + (j + 1) * :dy, 4326))
             FROM generate_series(0, 2) i, generate_series(0, 2) j""",
          minx=minx, miny=miny, dx=(maxx - minx) / 3, dy=(maxy - miny) / 3)
    db.session.commit()


def _people_and_reports(counts: dict[str, int]) -> None:
    minx, miny, maxx, maxy = EXTENT
    _exec("""INSERT INTO citizens (display_name, language, created_at, blocked, hidden_from_boards)
             SELECT 'Citizen ' || g, CASE WHEN g % 4 = 0 THEN 'en' ELSE 'zh_Hans' END,
                    now() - random() * interval '400 days', false, g % 50 = 0
             FROM generate_series(1, :n) g""", n=counts["citizens"])
    db.session.commit()
    # Density falls off from the centre (Box-Muller normal around it), clipped to the extent.
    statuses = "ARRAY['closed','closed','closed','closed','resolved','rejected','duplicate','in_progress','acknowledged','open']"
    batch = 200_000
    total = counts["reports"] - counts["open_for_dept1"]
    for start in range(0, total, batch):
        size = min(batch, total - start)
        _exec(f"""INSERT INTO reports (category_id, department_id, reporter_id, location, description, attributes,
                                       status, channel, created_at, updated_at, due_at, verified, hidden)
            SELECT 1 + (random() * {CATEGORIES - 1})::int, 2 + (random() * 58)::int, 1 + (random() * (:citizens - 1))::int,
                   ST_SetSRID(ST_MakePoint(LEAST(:maxx, GREATEST(:minx, :cx + 0.12 * z1)),
                                           LEAST(:maxy, GREATEST(:miny, :cy + 0.09 * z2))), 4326),
                   'benchmark report', '{{}}', ({statuses})[1 + (random() * 9)::int], 'api', t, t, t + interval '72 hours',
                   random() < 0.3, false
            FROM (SELECT sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS z1,
                         sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random()) AS z2,
                         now() - random() * interval '365 days' AS t
                  FROM generate_series(1, :size)) r""",
              citizens=counts["citizens"], size=size, minx=minx, miny=miny, maxx=maxx, maxy=maxy,
              cx=CENTRE[0], cy=CENTRE[1])
        db.session.commit()
    _exec(f"""INSERT INTO reports (category_id, department_id, reporter_id, location, description, attributes,
                                   status, channel, created_at, updated_at, due_at, verified, hidden)
        SELECT 1 + (random() * {CATEGORIES - 1})::int, 1, 1 + (random() * (:citizens - 1))::int,
               ST_SetSRID(ST_MakePoint(:minx + random() * (:maxx - :minx), :miny + random() * (:maxy - :miny)), 4326),
               'open benchmark report', '{{}}', (ARRAY['open','acknowledged','in_progress'])[1 + (random() * 2)::int],
               'api', t, t, t + interval '72 hours', random() < 0.3, false
        FROM (SELECT now() - random() * interval '90 days' AS t FROM generate_series(1, :n)) r""",
          n=counts["open_for_dept1"], citizens=counts["citizens"], minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    db.session.commit()


def _ledger(counts: dict[str, int]) -> None:
    """Ledger entries over the last year, then the boards rebuilt from them by the incentives area's own code."""
    from backend.incentives import boards

    reasons = "ARRAY['report_validated','support','verification_agreed','fix_confirmation','campaign_answer']"
    amounts = "ARRAY[10, 1, 3, 3, 5]"
    batch = 1_000_000
    for start in range(0, counts["ledger"], batch):
        size = min(batch, counts["ledger"] - start)
        _exec(f"""INSERT INTO point_entries (citizen_id, amount, reason, subject, district_id, data, created_at)
                  SELECT 1 + (g % :citizens), ({amounts})[k], ({reasons})[k], 'bench:' || g,
                         1 + (g % 9), '{{}}', now() - random() * interval '365 days'
                  FROM (SELECT g, 1 + (random() * 4)::int AS k FROM generate_series(:start, :end) g) e""",
              citizens=counts["citizens"], start=start, end=start + size - 1)
        db.session.commit()
    _exec(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'")
    boards.rebuild()
    db.session.commit()
