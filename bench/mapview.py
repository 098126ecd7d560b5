"""The map's aggregation endpoint over all reports, at city, district and street zoom, through HTTP
(the Flask test client) so serialisation counts.

Baseline: the same endpoint counting every report in view live (the grid switched off), which is
what the map did before the pre-aggregated grid (backend/disclosure/map_grid.py)."""
from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import func, select

from backend.extensions import db
from backend.disclosure import map_grid
from backend.reports.models import Report
from bench.common import Result, latency_result, timed
from bench.datagen import EXTENT


def _live(fn):
    """fn with the grid switched off: every cluster counted from `reports`."""
    def run():
        original = map_grid.can_answer
        map_grid.can_answer = lambda *_: False
        try:
            fn()
        finally:
            map_grid.can_answer = original
    return run


def run(repeat: int = 30) -> list[Result]:
    client = current_app.test_client()
    minx, miny, maxx, maxy = EXTENT
    city_bbox = f"{minx},{miny},{maxx},{maxy}"
    sizes = {}

    def get(name: str, query: str) -> None:
        response = client.get(f"/map/reports.json?{query}")
        assert response.status_code == 200, response.data[:300]
        sizes[name] = (len(response.data), response.get_json()["total"])

    rng = random.Random(5)

    def viewports(w: float, h: float):
        while True:
            x, y = 121.47 + rng.gauss(0, 0.03), 31.23 + rng.gauss(0, 0.02)
            yield f"{x - w:.5f},{y - h:.5f},{x + w:.5f},{y + h:.5f}"

    districts, streets = viewports(0.11, 0.07), viewports(0.004, 0.003)
    city = lambda: get("city", f"bbox={city_bbox}&zoom=11")
    district = lambda: get("district", f"bbox={next(districts)}&zoom=13")
    street = lambda: get("street", f"bbox={next(streets)}&zoom=17")

    city_samples = timed(city, repeat)
    city_live = timed(_live(city), 3, warmup=1)
    district_samples = timed(district, repeat)
    district_live = timed(_live(district), 5, warmup=1)
    street_samples = timed(street, repeat)
    total = db.session.scalar(select(func.count()).select_from(Report))
    return [
        latency_result("map endpoint, city zoom (11)", city_samples, "counted live from reports", city_live,
                       notes=f"{sizes['city'][0]:,} bytes of JSON, {sizes['city'][1]:,} of {total:,} reports in view"),
        latency_result("map endpoint, district zoom (13)", district_samples, "counted live from reports",
                       district_live, notes=f"{sizes['district'][0]:,} bytes, {sizes['district'][1]:,} reports in view"),
        latency_result("map endpoint, street zoom (17)", street_samples,
                       notes=f"{sizes['street'][0]:,} bytes of JSON"),
    ]
