"""Maps a person can read without tiles: district names, a status legend, clusters in a colour no status
uses, the report page's marker in its status colour, and filters kept in the URL so a view can be shared."""
from pathlib import Path

import pytest
from shapely.geometry import MultiPolygon, box

from backend.city.models import District
from backend.city.service import set_area_geometry
from backend.extensions import db
from backend.public.labels import STATUS_COLOURS
from tests.public import city as demo

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "public"


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


@pytest.fixture
def town(app):
    built = demo.build(reports_count=80)
    for code, en, zh, bounds in (("xuhui", "Xuhui", "徐汇区", (121.40, 31.15, 121.47, 31.22)),
                                 ("huangpu", "Huangpu", "黄浦区", (121.47, 31.15, 121.55, 31.22))):
        district = District(code=code, name_en=en, name_zh=zh)
        set_area_geometry(district, MultiPolygon([box(*bounds)]))
        db.session.add(district)
    db.session.commit()
    return built


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_the_map_names_districts_explains_colours_and_keeps_filters_in_the_url(town, live_server, page, lang):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/explore?lang={lang}&category=pothole&status=open311_open")
    page.wait_for_function("() => Number(document.getElementById('map').dataset.loads || 0) > 0")
    page.wait_for_function("() => document.querySelectorAll('.cg-district-label span').length === 2")
    names = sorted(page.eval_on_selector_all(".cg-district-label span", "els => els.map(e => e.textContent)"))
    assert names == (["Huangpu", "Xuhui"] if lang == "en" else ["徐汇区", "黄浦区"])
    # The form starts from the URL's filters, and what is drawn follows them.
    assert page.input_value("select[name=category]") == "pothole"
    assert page.input_value("select[name=status]") == "open311_open"
    potholes = [r for r in town["reports"] if r.category.code == "pothole" and r.status.open311 == "open"]
    assert int(page.get_attribute("#map", "data-total")) == len(potholes)

    legend = page.inner_text(".cg-legend")
    assert ("Open" in legend and "Resolved" in legend) if lang == "en" else ("已受理" in legend or "待处理" in legend)
    legend_colours = page.eval_on_selector_all(".cg-legend-dot:not(.cg-legend-cluster)", "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert set(legend_colours) == {_rgb(c) for c in STATUS_COLOURS.values()}
    cluster = page.eval_on_selector(".cg-cluster div", "e => getComputedStyle(e).backgroundColor")
    assert cluster not in {_rgb(c) for c in STATUS_COLOURS.values()}
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"explore-readable-{lang}.png"))

    loads = int(page.get_attribute("#map", "data-loads"))
    page.select_option("select[name=category]", "broken_bench")
    page.wait_for_function(f"() => Number(document.getElementById('map').dataset.loads) > {loads}")
    assert "category=broken_bench" in page.url and "status=open311_open" in page.url
    shared = page.url
    other = page.context.new_page()
    other.goto(shared)
    other.wait_for_function("() => Number(document.getElementById('map').dataset.loads || 0) > 0")
    assert other.input_value("select[name=category]") == "broken_bench"
    assert other.get_attribute("#map", "data-total") == page.get_attribute("#map", "data-total")


def test_the_report_pages_marker_wears_its_status_colour(town, live_server, page):
    # Not red (the old fixed marker colour): the test would pass by accident for an open report.
    report = next(r for r in town["reports"] if not r.category.sensitive and r.status.value != "open")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/r/{report.id}?lang=en")
    page.wait_for_selector(".cg-here span")
    colour = page.eval_on_selector(".cg-here span", "e => getComputedStyle(e).backgroundColor")
    assert colour == _rgb(STATUS_COLOURS[report.status])
    page.screenshot(path=str(SHOTS / "report-marker-and-how-to-report-en.png"), full_page=True)
