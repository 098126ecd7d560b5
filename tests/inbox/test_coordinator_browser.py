"""Coordinators' pages in headless Chromium: the city map (clusters, areas, a card linking the
inbox page) and a campaign drawn on its map. Screenshots go to test-output/staffweb/ (look at them)."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.reports.service import coordinates
from backend.tasks.models import Campaign, Task
from tests import factories as f
from tests.staff_city import browser_login as _login

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "staffweb"
pytestmark = pytest.mark.browser




@pytest.fixture
def errors(page):
    """Script errors and failed requests (the staff pages have no favicon: the browser's guess is not ours)."""
    seen = []
    page.on("pageerror", lambda exc: seen.append(str(exc)))
    page.on("response", lambda r: seen.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    return seen


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)




def test_the_city_map_draws_clusters_and_areas_and_a_card_opens_the_inbox_page(town, live, page, errors):
    for i in range(36):
        cat = town["pothole"] if i % 2 else town["bench"]
        lat, long = 31.16 + (i % 6) * 0.022, (121.41 if cat is town["pothole"] else 121.48) + (i // 6) * 0.01
        f.routed_report(cat, lat, long, f"problem number {i}")
    town["coordinator"].language = "en"
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live, town["coordinator"].email)
    page.get_by_role("link", name="City map").click()
    page.wait_for_url("**/inbox/map")
    page.wait_for_function("() => Number(document.getElementById('map').dataset.loads || 0) > 0")
    page.wait_for_function("() => document.querySelectorAll('path.cg-area').length === 2")
    assert page.locator(".cg-cluster").count() > 1
    assert page.get_attribute("#map", "data-total") == "38"
    _shot(page, "01-city-map-clusters-and-areas")

    target = town["road_report"]
    lat, long = coordinates(target)
    page.evaluate("([lat, long]) => document.getElementById('map')._crowdmap.map.setView([lat, long], 18)", [lat, long])
    page.wait_for_function("() => document.getElementById('map').dataset.mode === 'points'")
    page.locator(f".cg-point[title='#{target.id}']").click()
    card = page.locator(".cg-card")
    card.wait_for()
    _shot(page, "02-city-map-card")
    card.locator("a.cg-card-link").click()
    page.wait_for_url(f"**/inbox/reports/{target.id}")
    assert "Checks by citizens" in page.inner_text("#verification")
    assert errors == []


def test_a_coordinator_draws_a_campaign_area_and_creates_it(town, live, page, errors):
    town["coordinator"].language = "en"
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 1000})
    _login(page, live, town["coordinator"].email)
    page.get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.wait_for_selector("#campaign-map[data-ready=true]")
    page.get_by_label("Title (English)").fill("Streetlights at night")
    page.get_by_label("Question (English)").fill("Is the streetlight here working?")
    page.fill("input[name=starts_at]", "2026-01-01T08:00")
    page.fill("input[name=ends_at]", "2099-01-01T08:00")
    page.fill("input[name=target_count]", "15")
    box = page.locator("#campaign-map").bounding_box()
    for fx, fy in ((0.3, 0.35), (0.45, 0.35), (0.45, 0.65), (0.3, 0.65)):
        page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    page.get_by_role("button", name="Finish the shape").click()
    assert '"Polygon"' in page.input_value("#area-geojson")
    page.wait_for_selector("#campaign-map path.leaflet-interactive")
    _shot(page, "03-campaign-form-drawn")
    page.get_by_role("button", name="Create the campaign").click()
    page.wait_for_selector(".flash-success")
    page.wait_for_selector("#campaign-map[data-points='15']")
    campaign = db.session.scalar(select(Campaign))
    assert campaign.title_en == "Streetlights at night"
    assert db.session.scalar(select(func.count()).select_from(Task).where(Task.campaign_id == campaign.id)) == 15
    _shot(page, "04-campaign-saved-with-task-points")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector(".campaign-paused")
    page.get_by_role("link", name="Point rules").click()
    _shot(page, "05-point-rules")
    assert errors == []
