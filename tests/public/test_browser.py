"""The public side in headless Chromium: the map, its filters and cards, the dashboard, phones.

Screenshots go to test-output/public/ to be looked at."""
from pathlib import Path

import pytest

from backend.demo import seed_demo
from backend.extensions import db
from backend.reports.models import Report
from backend.reports.service import coordinates
from tests.public import city as demo

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "public"


@pytest.fixture
def town(app):
    return demo.build(reports_count=160)


@pytest.fixture
def errors(page):
    seen = []
    page.on("console", lambda msg: seen.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    return seen


def _shot(page, name, full_page=False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _loaded_after(page, loads: int) -> None:
    page.wait_for_function(f"() => Number(document.getElementById('map').dataset.loads || 0) > {loads}")


def _loads(page) -> int:
    return int(page.get_attribute("#map", "data-loads") or 0)


def _drawn(page) -> int:
    counts = page.eval_on_selector_all(".cg-cluster span", "els => els.map(e => Number(e.textContent))")
    return sum(counts) + page.locator(".cg-point").count()


def test_the_map_draws_clusters_and_areas_filters_change_them_and_a_click_opens_a_card(town, live_server, page, errors):
    public = [r for r in town["reports"] if not r.hidden]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/explore?lang=en")
    _loaded_after(page, 0)
    page.wait_for_function("() => document.querySelectorAll('path.cg-area').length === 3")
    assert page.locator(".cg-cluster").count() > 1
    assert _drawn(page) == int(page.get_attribute("#map", "data-total")) == len(public)
    assert "160 reports" in page.inner_text("#map-total")
    _shot(page, "explore-clusters")

    loads = _loads(page)
    page.select_option("select[name=category]", "broken_bench")
    _loaded_after(page, loads)
    benches = [r for r in public if r.category.code == "broken_bench"]
    assert int(page.get_attribute("#map", "data-total")) == _drawn(page) == len(benches)
    _shot(page, "explore-filtered")

    loads = _loads(page)
    page.check("input[name=view]")
    _loaded_after(page, loads)
    assert page.get_attribute("#map", "data-mode") == "heat"
    assert page.locator("path.cg-heat").count() > 0 and page.locator(".cg-cluster").count() == 0
    _shot(page, "explore-heat")

    loads = _loads(page)
    page.uncheck("input[name=view]")
    _loaded_after(page, loads)
    target = next(r for r in benches if not r.category.sensitive)
    lat, long = coordinates(target)
    loads = _loads(page)
    page.evaluate(f"document.getElementById('map')._crowdmap.map.setView([{lat}, {long}], 18)")
    _loaded_after(page, loads)
    page.wait_for_function("() => document.getElementById('map').dataset.mode === 'points'")
    marker = page.locator(f".cg-point[title='#{target.id}']")
    marker.click()
    card = page.locator(".cg-card")
    card.wait_for()
    assert f"#{target.id}" in card.inner_text() and "Broken bench" in card.inner_text()
    _shot(page, "explore-card")
    card.locator("a.cg-card-link").click()
    page.wait_for_url(f"**/r/{target.id}")
    page.wait_for_selector("#report-map .cg-here")
    assert "Broken bench" in page.inner_text("h1")
    _shot(page, "report-page", full_page=True)
    assert errors == []


def test_the_dashboard_draws_its_charts(town, live_server, page, errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/stats?lang=en")
    assert page.locator("svg.bar-chart").count() == 4
    assert page.locator("svg.bar-chart rect.bar").count() >= 6
    assert page.locator("svg.line-chart polyline").count() == 2
    box = page.locator("svg.line-chart").bounding_box()
    assert box["width"] > 500 and box["height"] > 150
    assert page.locator("a[href='/stats/departments.csv']").count() == 1
    _shot(page, "stats", full_page=True)
    assert errors == []


@pytest.mark.parametrize("path", ["/", "/explore", "/stats", "/open-data", "report"])
def test_pages_fit_a_phone_in_chinese(town, live_server, page, errors, path):
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"/r/{town['sensitive'].id}" if path == "report" else path
    page.goto(f"{live_server}{url}?lang=zh_Hans")
    if path == "/explore":
        _loaded_after(page, 0)
    if path == "report":
        page.wait_for_selector("#report-map path.cg-coarse")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{url} is {overflow}px wider than the phone"
    assert page.locator("html[lang='zh-Hans']").count() == 1
    name = "phone-" + ("home" if path == "/" else path.strip("/"))
    _shot(page, name, full_page=path != "/explore")
    assert errors == []


def test_the_demo_city_in_the_browser(live_server, page, errors):
    seed_demo()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/?lang=en")
    _shot(page, "demo-home", full_page=True)
    page.goto(f"{live_server}/explore?lang=zh_Hans")
    _loaded_after(page, 0)
    page.wait_for_function("() => document.querySelectorAll('path.cg-area').length > 0")
    assert int(page.get_attribute("#map", "data-total")) == db.session.query(Report).filter(Report.hidden.is_(False)).count()
    _shot(page, "demo-explore")
    page.goto(f"{live_server}/stats?lang=zh_Hans")
    _shot(page, "demo-stats", full_page=True)
    closed = db.session.query(Report).filter(Report.status == "closed").order_by(Report.id).first()
    page.goto(f"{live_server}/r/{closed.id}?lang=en")
    page.wait_for_selector("#report-map .cg-here")
    _shot(page, "demo-report", full_page=True)
    assert errors == []
