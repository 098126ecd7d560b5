"""The map's pre-aggregated grid answers what the live query answers, to the report, before and after
a fold, while reports are created, routed, hidden, moved and deleted, and when a category turns sensitive."""
import random

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.disclosure import aggregation, map_grid
from backend.disclosure.filters import parse_filters
from backend.disclosure.map_grid_models import MapGridCell, MapGridChange
from backend.reports.models import ReportStatus as S
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)


@pytest.fixture
def town():
    roads, parks = f.department("roads"), f.department("parks")
    f.area(roads, CITY)
    f.area(parks, (121.45, 31.20, 121.50, 31.25))
    pothole = f.category("pothole", [roads])
    bench = f.category("bench", [parks])
    rng = random.Random(3)
    reports = []
    for _ in range(500):
        cat, dept = rng.choice([(pothole, roads), (bench, parks), (bench, None)])
        # Half of them crowd into one square kilometre, as in a city centre.
        lat, long = ((rng.uniform(31.22, 31.23), rng.uniform(121.47, 121.48)) if rng.random() < 0.5
                     else (rng.uniform(31.151, 31.299), rng.uniform(121.401, 121.549)))
        reports.append(f.report_at(cat, lat, long, department=dept, status=rng.choice(list(S)),
                                   verified=rng.random() < 0.3, hidden=rng.random() < 0.05))
    db.session.commit()
    return {"reports": reports, "pothole": pothole, "bench": bench, "roads": roads, "parks": parks, "rng": rng}


def _layer(filters, zoom, live: bool, monkeypatch):
    with monkeypatch.context() as m:
        if live:
            m.setattr(map_grid, "can_answer", lambda *_: False)
        layer = aggregation.clusters(filters, zoom)
    return {(c[3], c[4]): c for c in layer["clusters"]}, layer["total"]


def _viewports(rng, n):
    views = ["121.3,31.1,121.6,31.4", "121.47,31.22,121.48,31.23", "121.4712,31.2231,121.4788,31.2269"]
    for _ in range(n):
        x, y = rng.uniform(121.40, 121.55), rng.uniform(31.15, 31.30)
        w, h = rng.choice([0.002, 0.01, 0.05, 0.2]), rng.choice([0.002, 0.01, 0.05, 0.15])
        views.append(f"{x - w:.6f},{y - h:.6f},{x + w:.6f},{y + h:.6f}")
    return views


def assert_grid_equals_live(rng, monkeypatch, extra_args=({},), viewports=5):
    for bbox in _viewports(rng, viewports):
        for args in extra_args:
            filters = parse_filters({**args, "bbox": bbox})
            for zoom in (3, 7, 9, 11, 12, 13, 14):
                grid, grid_total = _layer(filters, zoom, False, monkeypatch)
                live, live_total = _layer(filters, zoom, True, monkeypatch)
                assert grid_total == live_total >= aggregation.filtered_total(filters), (bbox, args, zoom)
                assert grid.keys() == live.keys(), (bbox, args, zoom)
                for key, cell in grid.items():
                    assert cell[2] == live[key][2]
                    assert cell[:2] == pytest.approx(live[key][:2], abs=2e-5)


FILTERS = ({}, {"status": "open311_open"}, {"category": "bench"}, {"category": "bench,pothole", "status": "open"})


def test_the_grid_answers_what_the_live_query_answers_before_and_after_a_fold(town, monkeypatch):
    visible = sum(1 for r in town["reports"] if not r.hidden)
    assert db.session.scalar(select(func.count()).select_from(MapGridChange)) == visible < 500
    assert_grid_equals_live(town["rng"], monkeypatch, FILTERS[:2])
    for args in FILTERS:
        assert map_grid.can_answer(parse_filters(args), 11)
    assert map_grid.fold() == visible
    assert db.session.scalar(select(func.count()).select_from(MapGridChange)) == 0
    levels = db.session.scalars(select(MapGridCell.level).distinct()).all()
    assert sorted(levels) == list(map_grid.LEVELS)
    assert_grid_equals_live(town["rng"], monkeypatch, FILTERS)


def test_changes_after_a_fold_are_counted_at_once_and_folding_them_changes_nothing(town, monkeypatch):
    map_grid.fold()
    rng = town["rng"]
    reports = town["reports"]
    for report in rng.sample(reports, 60):
        report.status = rng.choice(list(S))
    for report in rng.sample(reports, 20):
        report.hidden = not report.hidden
    for report in rng.sample(reports, 20):
        report.department = town["roads"]
        report.category = town["pothole"]
    moved = rng.sample(reports, 10)
    for report in moved:
        report.location = f"SRID=4326;POINT({rng.uniform(121.41, 121.54)} {rng.uniform(31.16, 31.29)})"
    gone = [r for r in reports if r not in moved][:5]
    for report in gone:
        db.session.delete(report)
    db.session.commit()
    assert_grid_equals_live(rng, monkeypatch, ({}, {"category": "pothole", "status": "open"}), viewports=3)
    map_grid.fold()
    assert_grid_equals_live(rng, monkeypatch, ({}, {"category": "pothole"}), viewports=3)
    # Cells that emptied are removed, not kept at zero.
    assert db.session.scalar(select(func.count()).select_from(MapGridCell).where(MapGridCell.n <= 0)) == 0


def test_a_category_that_turns_sensitive_moves_its_reports_to_their_coarse_cells_in_the_grid(town, monkeypatch):
    map_grid.fold()
    town["bench"].sensitive = True
    db.session.commit()
    assert_grid_equals_live(town["rng"], monkeypatch, ({}, {"category": "bench"}), viewports=3)
    map_grid.fold()
    assert_grid_equals_live(town["rng"], monkeypatch, ({}, {"category": "bench"}), viewports=3)


def test_rebuild_counts_every_report_again(town, monkeypatch):
    db.session.execute(MapGridChange.__table__.delete())
    db.session.commit()
    whole = parse_filters({"bbox": "121.3,31.1,121.6,31.4"})
    assert aggregation.clusters(whole, 11)["total"] == 0   # what a grid that missed every write would show
    visible = sum(1 for r in town["reports"] if not r.hidden)
    assert map_grid.rebuild() == visible
    assert aggregation.clusters(whole, 11)["total"] == visible


def test_the_city_zoom_query_reads_the_grid_not_every_report(town):
    compiled = aggregation.clusters_statement(parse_filters({"bbox": "121.3,31.1,121.6,31.4"}), 11)[0].compile(
        dialect=db.engine.dialect)
    plan = "\n".join(r[0] for r in db.session.connection().exec_driver_sql("EXPLAIN " + compiled.string,
                                                                            compiled.params).all())
    assert "map_grid_cells" in plan and " reports" not in plan
