"""The map's reports layer: aggregated in PostGIS, filtered, public-safe, read through the index."""
import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from backend.clock import set_clock
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.disclosure import aggregation
from backend.disclosure.projection import public_location
from backend.disclosure.filters import ReportFilters, parse_filters
from backend.reports.models import OPEN311_OPEN, ReportStatus as S
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
WHOLE_CITY = "121.3,31.1,121.6,31.4"
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=timezone.utc)


@pytest.fixture
def city():
    """Three departments, a sensitive category, and 400 reports spread over the city and two months."""
    set_clock(lambda: NOW)
    roads, parks, police = f.department("roads"), f.department("parks"), f.department("police")
    f.area(roads, CITY)
    f.area(parks, (121.45, 31.20, 121.50, 31.25))
    f.area(police, CITY)
    pothole = f.category("pothole", [roads])
    bench = f.category("bench", [parks])
    noise = f.category("noise", [police])
    noise.sensitive = True
    rng = random.Random(8)
    reports = []
    for _ in range(400):
        cat, dept = rng.choice([(pothole, roads), (bench, parks), (noise, police)])
        created = NOW - timedelta(hours=rng.uniform(0, 60 * 24))
        reports.append(f.report_at(
            cat, rng.uniform(31.16, 31.29), rng.uniform(121.41, 121.54), department=dept,
            status=rng.choice(list(S)), created_at=created, due_at=created + timedelta(hours=rng.choice([24, 24 * 90])),
            verified=rng.random() < 0.3, hidden=rng.random() < 0.05))
    db.session.commit()
    return {"reports": reports, "pothole": pothole, "noise": noise, "roads": roads, "parks": parks}


def _drawn(layer: dict) -> int:
    if layer["mode"] == "points":
        return len(layer["points"])
    return sum(c[2] for c in layer["clusters"])


FILTERS = [
    ({}, lambda r: True),
    ({"status": "open,acknowledged"}, lambda r: r.status in (S.OPEN, S.ACKNOWLEDGED)),
    ({"status": "open311_open"}, lambda r: r.status in OPEN311_OPEN),
    ({"category": "pothole"}, lambda r: r.category.code == "pothole"),
    ({"department": "parks"}, lambda r: r.department.code == "parks"),
    ({"verified": "true"}, lambda r: r.verified),
    ({"overdue": "true"}, lambda r: r.status in OPEN311_OPEN and r.due_at < NOW),
    ({"overdue": "false"}, lambda r: not (r.status in OPEN311_OPEN and r.due_at < NOW)),
    # City-local days: 2025-05-10 00:00 in Shanghai is 2025-05-09 16:00 UTC; `to` is inclusive.
    ({"from": "2025-05-10", "to": "2025-05-20"},
     lambda r: datetime(2025, 5, 9, 16, tzinfo=timezone.utc) <= r.created_at < datetime(2025, 5, 20, 16, tzinfo=timezone.utc)),
    ({"category": "noise,bench", "verified": "false", "status": "open311_open"},
     lambda r: r.category.code in ("noise", "bench") and not r.verified and r.status in OPEN311_OPEN),
]


@pytest.mark.parametrize("args,keep", FILTERS, ids=[str(a) for a, _k in FILTERS])
def test_cluster_counts_equal_the_filtered_total_at_every_zoom(city, args, keep):
    expected = sum(1 for r in city["reports"] if not r.hidden and keep(r))
    assert expected > 0
    filters = parse_filters({**args, "bbox": WHOLE_CITY})
    assert aggregation.filtered_total(filters) == expected
    for zoom in range(0, aggregation.MAX_ZOOM + 1):
        layer = aggregation.map_layer(filters, zoom)
        assert layer["total"] == expected == _drawn(layer), zoom
        if zoom >= aggregation.STREET_ZOOM:  # below it the heat view reads the same cells
            heat = aggregation.map_layer(filters, zoom, heat=True)
            assert heat["mode"] == "clusters" and _drawn(heat) == expected


def _inside(bbox, lat, long):
    return bbox[0] <= long <= bbox[2] and bbox[1] <= lat <= bbox[3]


def test_a_viewport_shows_the_reports_whose_public_place_is_in_it_and_clusters_whole_cells(city):
    import math

    from backend.disclosure import map_grid

    bbox = (121.45, 31.20, 121.50, 31.25)
    visible = [r for r in city["reports"] if not r.hidden]
    inside = [r for r in visible if _inside(bbox, *public_location(r))]
    filters = parse_filters({"bbox": ",".join(map(str, bbox))})
    for zoom in (16, 18):
        assert _drawn(aggregation.map_layer(filters, zoom)) == len(inside)
    for zoom in (10, 13):
        # A cluster is a whole cell: the cells the viewport touches are counted whole, never more.
        i0, i1, j0, j1 = map_grid.cell_range(bbox, zoom)
        dx, dy = aggregation.cell_size(zoom)
        touched = [r for r in visible if i0 <= math.floor(public_location(r)[1] / dx) <= i1
                   and j0 <= math.floor(public_location(r)[0] / dy) <= j1]
        assert _drawn(aggregation.map_layer(filters, zoom)) == len(touched) >= len(inside)


def r_lat(report):
    from backend.reports.service import coordinates
    return coordinates(report)[0]


def r_long(report):
    from backend.reports.service import coordinates
    return coordinates(report)[1]


def test_clusters_get_coarser_as_the_map_zooms_out(city):
    filters = parse_filters({"bbox": WHOLE_CITY})
    cells = [len(aggregation.map_layer(filters, z)["clusters"]) for z in (8, 11, 13, 15)]
    assert cells == sorted(cells) and cells[0] < cells[-1]
    assert cells[0] <= 2


def test_street_zoom_returns_single_reports_at_their_public_place(city):
    layer = aggregation.map_layer(parse_filters({"bbox": WHOLE_CITY}), aggregation.STREET_ZOOM)
    assert layer["mode"] == "points" and layer["fields"][:3] == ["id", "lat", "long"]
    by_id = {row[0]: row for row in layer["points"]}
    noise = [r for r in city["reports"] if r.category.sensitive and not r.hidden]
    plain = [r for r in city["reports"] if not r.category.sensitive and not r.hidden]
    for r in noise:
        assert tuple(by_id[r.id][1:3]) == pytest.approx(public_location(r), abs=1e-6)
        assert tuple(by_id[r.id][1:3]) != pytest.approx((r_lat(r), r_long(r)), abs=1e-6)
    for r in plain[:50]:
        assert tuple(by_id[r.id][1:3]) == pytest.approx((r_lat(r), r_long(r)), abs=1e-6)


def test_moving_the_viewport_edge_never_reveals_where_a_sensitive_report_really_is(city):
    """The viewport is tested against the public cell centre: an edge swept across the cell
    flips the count once, at the centre, never at the true point."""
    report = f.report_at(city["noise"], 31.23010, 121.47010, department=city["roads"])
    db.session.commit()
    centre_lat, centre_long = public_location(report)
    counts = {}
    for edge in (121.4701 - 0.0002, 121.4701 + 0.0002, centre_long - 0.0001, centre_long + 0.0001):
        filters = parse_filters({"category": "noise", "bbox": f"{edge},31.2,121.6,31.3"})
        counts[edge] = {row[0] for row in aggregation.map_layer(filters, 18)["points"]} >= {report.id}
    assert list(counts.values()) == [True, True, True, False]


def test_sensitive_reports_are_clustered_from_their_coarse_cell(city):
    """Two noise reports in one ~250 m cell can never be told apart, whatever the zoom."""
    noise = city["noise"]
    a = f.report_at(noise, 31.2301, 121.4701, department=city["roads"])
    b = f.report_at(noise, 31.2318, 121.4718, department=city["roads"])
    db.session.commit()
    filters = parse_filters({"category": "noise", "bbox": "121.469,31.229,121.473,31.233"})
    layer = aggregation.map_layer(filters, 20)
    positions = {row[0]: tuple(row[1:3]) for row in layer["points"]}
    assert positions[a.id] == positions[b.id] == pytest.approx(public_location(a))
    heat = aggregation.map_layer(filters, 20, heat=True)
    assert len(heat["clusters"]) == 1 and heat["clusters"][0][2] == 2


def test_a_crowded_street_viewport_is_still_clustered(city, monkeypatch):
    monkeypatch.setattr(aggregation, "MAX_POINTS", 20)
    layer = aggregation.map_layer(parse_filters({"bbox": WHOLE_CITY}), 17)
    assert layer["mode"] == "clusters" and _drawn(layer) == layer["total"] > 20


def test_hidden_reports_stay_off_the_public_map_and_only_staff_may_ask_for_them(city):
    hidden = sum(1 for r in city["reports"] if r.hidden)
    assert hidden > 0
    public = aggregation.filtered_total(parse_filters({"hidden": "true"}))
    staff = aggregation.filtered_total(parse_filters({"hidden": "true"}, staff=True))
    assert public == len(city["reports"]) - hidden
    assert staff == len(city["reports"])


@pytest.mark.parametrize("args,code", [
    ({"bbox": "121.5,31.3,121.4,31.2"}, "invalid_bbox"),
    ({"bbox": "1,2,3"}, "invalid_bbox"),
    ({"bbox": "nan,1,2,3"}, "invalid_bbox"),
    ({"status": "fixed"}, "invalid_filter"),
    ({"verified": "maybe"}, "invalid_filter"),
    ({"from": "31/12/2024"}, "invalid_filter"),
    ({"category": "unicorns"}, "invalid_filter"),
])
def test_bad_filters_are_refused_with_a_stable_code(app, args, code):
    with pytest.raises(ValidationFailed) as err:
        parse_filters(args)
    assert err.value.code == code


def _plan(stmt) -> str:
    compiled = stmt.compile(dialect=db.engine.dialect)
    rows = db.session.connection().exec_driver_sql("EXPLAIN " + compiled.string, compiled.params).all()
    return "\n".join(r[0] for r in rows)


def test_the_viewport_query_reads_the_gist_index(city):
    # Enough rows spread over the city that reading them all would be the planner's worse choice.
    db.session.execute(text("""
        INSERT INTO reports (category_id, department_id, location, description, attributes, status, channel,
                             created_at, updated_at, verified, hidden)
        SELECT :cat, :dept, ST_SetSRID(ST_MakePoint(121.41 + random() * 0.13, 31.16 + random() * 0.13), 4326), '', '{}',
               'open', 'api', now(), now(), false, false
        FROM generate_series(1, 30000)"""), {"cat": city["pothole"].id, "dept": city["roads"].id})
    db.session.commit()
    db.session.execute(text("ANALYZE reports"))
    street = ReportFilters(bbox=(121.470, 31.230, 121.475, 31.234))
    for stmt in (aggregation.clusters_statement(street, 15)[0], aggregation.points_statement(street)):
        assert "idx_reports_location" in _plan(stmt)
    layer = aggregation.map_layer(street, 17)
    assert layer["mode"] == "points" and 0 < layer["total"] < 100


def test_the_endpoint_answers_compact_json_and_stays_public(city, client):
    response = client.get(f"/map/reports.json?zoom=12&bbox={WHOLE_CITY}&hidden=true")
    assert response.status_code == 200
    body = response.get_json()
    assert body["mode"] == "clusters" and body["fields"] == aggregation.CLUSTER_FIELDS
    assert body["total"] == sum(1 for r in city["reports"] if not r.hidden)
    assert len(response.data) < 2000
    street = client.get(f"/map/reports.json?zoom=17&bbox={WHOLE_CITY}").get_json()
    assert street["mode"] == "points" and len(street["points"]) == body["total"]
    bad = client.get("/map/reports.json?zoom=12&bbox=oops")
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_bbox"


def test_areas_layer_is_geojson_of_every_area_or_one_department(city, client):
    everything = client.get("/map/areas.geojson").get_json()
    assert everything["type"] == "FeatureCollection" and len(everything["features"]) == 3
    parks = client.get("/map/areas.geojson?department=parks").get_json()
    assert [feat["properties"]["department"] for feat in parks["features"]] == ["parks"]
    assert parks["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_the_staff_map_function_shows_hidden_reports_the_public_endpoint_never(city, client):
    from backend.public.map_api import reports_layer

    hidden = {r.id for r in city["reports"] if r.hidden}
    args = {"zoom": "18", "bbox": WHOLE_CITY, "hidden": "true"}
    assert hidden <= {row[0] for row in reports_layer(args, staff=True)["points"]}
    assert not hidden & {row[0] for row in reports_layer(args)["points"]}
    public = client.get("/map/reports.json", query_string=args).get_json()
    assert not hidden & {row[0] for row in public["points"]}
