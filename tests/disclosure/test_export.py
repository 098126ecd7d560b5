"""Open data exports: the documented fields, public positions, filters, and a flat memory."""
import csv
import gc
import io
import json

import pytest
from sqlalchemy import text

from backend.extensions import db
from backend.disclosure import export
from backend.disclosure.projection import public_location
from backend.reports.models import ReportStatus as S
from tests import factories as f


@pytest.fixture
def small_city():
    roads = f.department("roads")
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    pothole = f.category("pothole", [roads])
    noise = f.category("noise", [roads])
    noise.sensitive = True
    plain = f.report_at(pothole, 31.2001, 121.4501, department=roads, address="88 Nanjing Road", description="deep hole")
    quiet = f.report_at(noise, 31.2302, 121.4703, department=roads, address="Flat 3, 12 Fuxing Road", status=S.ACKNOWLEDGED)
    hidden = f.report_at(pothole, 31.21, 121.46, department=roads, hidden=True, description="spam spam")
    db.session.commit()
    return {"plain": plain, "quiet": quiet, "hidden": hidden}


def test_geojson_has_every_public_report_with_the_documented_fields(small_city, client):
    response = client.get("/open-data/reports.geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection"
    by_id = {feat["id"]: feat for feat in data["features"]}
    assert set(by_id) == {small_city["plain"].id, small_city["quiet"].id}
    plain = by_id[small_city["plain"].id]
    assert list(plain["properties"]) == export.FIELD_NAMES
    assert plain["geometry"] == {"type": "Point", "coordinates": [121.4501, 31.2001]}
    assert plain["properties"]["address"] == "88 Nanjing Road"
    assert plain["properties"]["url"].endswith(f"/r/{small_city['plain'].id}")
    quiet = by_id[small_city["quiet"].id]["properties"]
    assert (quiet["lat"], quiet["long"]) == pytest.approx(public_location(small_city["quiet"]))
    assert quiet["location_coarsened"] is True and quiet["address"] is None
    assert quiet["open311_status"] == "open"


def test_csv_has_the_header_then_one_row_per_report_and_takes_the_map_filters(small_city, client):
    response = client.get("/open-data/reports.csv?status=acknowledged")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == export.FIELD_NAMES
    assert [int(r[0]) for r in rows[1:]] == [small_city["quiet"].id]
    record = dict(zip(rows[0], rows[1]))
    assert record["address"] == "" and record["location_coarsened"] == "true"
    assert "Fuxing" not in response.get_data(as_text=True)
    bad = client.get("/open-data/reports.csv?from=yesterday")
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_filter"


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.parametrize("url", ["/open-data/reports.geojson", "/open-data/reports.csv"])
def test_a_large_export_streams_with_flat_memory(small_city, client, url):
    """120,000 reports (tens of megabytes out) while the process grows by a few megabytes."""
    n = 120_000
    db.session.execute(text("""
        INSERT INTO reports (category_id, department_id, location, address, description, attributes, status, channel,
                             created_at, updated_at, due_at, verified, hidden)
        SELECT c.id, c.dept, ST_SetSRID(ST_MakePoint(121.41 + random() * 0.13, 31.16 + random() * 0.13), 4326),
               'No. ' || g || ' Some Street', repeat('The pavement is broken here. ', 8), '{}', 'open', 'api',
               now(), now(), now() + interval '2 days', false, false
        FROM generate_series(1, :n) g,
             (SELECT id, (SELECT id FROM departments LIMIT 1) AS dept FROM categories WHERE code = 'pothole') c"""), {"n": n})
    db.session.commit()
    # Warm up the code paths (imports, compiled statements) on a small export first.
    for _chunk in client.get(url + "?bbox=121.40,31.15,121.42,31.17", buffered=False).response:
        pass
    gc.collect()
    before = peak = _rss_kb()
    size = rows = 0
    response = client.get(url, buffered=False)
    for i, chunk in enumerate(response.response):
        size += len(chunk)
        rows += chunk.count(b"\n")
        if i % 20 == 0:
            peak = max(peak, _rss_kb())
    response.close()
    peak = max(peak, _rss_kb())
    assert rows >= n
    assert size > 40_000_000
    growth_mb = (peak - before) / 1024
    # Holding the rows or the text would cost far more than the output's size; a stream costs a batch.
    assert growth_mb < 25, f"grew by {growth_mb:.1f} MB for {size / 1e6:.0f} MB of output"
