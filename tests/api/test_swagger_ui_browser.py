"""Swagger UI really renders the API in a browser, with every asset from our own server."""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live_server import CHROMIUM, CHROMIUM_FLAGS

OUT = Path(__file__).resolve().parents[2] / "test-output" / "api"


@pytest.mark.browser
def test_swagger_ui_renders_every_operation(live_server):
    OUT.mkdir(parents=True, exist_ok=True)
    requested = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1400})
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{live_server}/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        page.screenshot(path=str(OUT / "swagger-ui.png"), full_page=False)
        browser.close()
    assert any("/api/v1/reports/nearby" in p for p in paths)
    assert len(paths) >= 15
    assert all(url.startswith(live_server) for url in requested), [u for u in requested if not u.startswith(live_server)]
