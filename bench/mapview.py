"""The map's aggregation endpoint over all reports, at city zoom and at street zoom, through HTTP
(the Flask test client) so serialisation counts; baseline: every point in the viewport, unaggregated."""
from __future__ import annotations

import random

from flask import current_app
from sqlalchemy import func, select

from backend.extensions import db
from backend.reports import aggregation
from backend.reports.filters import parse_filters
from bench.common import Result, latency_result, timed
from bench.datagen import EXTENT


def run(repeat: int = 30) -> list[Result]:
    client = current_app.test_client()
    minx, miny, maxx, maxy = EXTENT
    city_bbox = f"{minx},{miny},{maxx},{maxy}"
    sizes = {}

    def city():
        response = client.get(f"/map/reports.json?bbox={city_bbox}&zoom=11")
        assert response.status_code == 200, response.data[:300]
        sizes["city"] = len(response.data)

    rng = random.Random(5)
    streets = []
    for _ in range(repeat + 10):
        x, y = 121.47 + rng.gauss(0, 0.03), 31.23 + rng.gauss(0, 0.02)
        streets.append(f"{x - 0.004:.5f},{y - 0.003:.5f},{x + 0.004:.5f},{y + 0.003:.5f}")
    street_iter = iter(streets)

    def street():
        response = client.get(f"/map/reports.json?bbox={next(street_iter)}&zoom=17")
        assert response.status_code == 200, response.data[:300]
        sizes["street"] = len(response.data)

    def everything_in_view():
        filters = parse_filters({"bbox": city_bbox})
        db.session.execute(aggregation.points_statement(filters)).all()

    city_samples = timed(city, repeat)
    street_samples = timed(street, repeat)
    baseline = timed(everything_in_view, 3, warmup=1)
    total = db.session.scalar(select(func.count()).select_from(aggregation.Report)) if hasattr(aggregation, "Report") else None
    return [
        latency_result("map endpoint, city zoom (11)", city_samples, "all points in the viewport", baseline,
                       notes=f"{sizes['city']:,} bytes of JSON" + (f" for {total:,} reports" if total else "")),
        latency_result("map endpoint, street zoom (17)", street_samples,
                       notes=f"{sizes['street']:,} bytes of JSON"),
    ]
