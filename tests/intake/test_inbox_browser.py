"""The inbox report page in headless Chromium: possible duplicates with their reasons and the
category the description suggests. Screenshots go to test-output/intake/ (look at them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f
from tests.intake.conftest import XUHUI, metres_north
from tests.staff_city import PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "intake"
pytestmark = pytest.mark.browser


def test_a_coordinator_sees_the_duplicate_filed_under_another_category_and_why(trained, run_jobs, live_server, page):
    original = reports.submit(category="broken_streetlight", lat=XUHUI[0], long=XUHUI[1], attributes={"fault": "off"},
                              description="路灯不亮了，晚上这一段漆黑一片")
    new = reports.submit(category="pothole", lat=metres_north(XUHUI[0], 90), long=XUHUI[1], attributes={"size": "large"},
                         description="The road is pitch dark at night, none of the lamps work")
    coordinator = f.staff("coordinator", email="coord@city.example")
    coordinator.language = "en"
    db.session.commit()
    run_jobs()
    page.set_viewport_size({"width": 1366, "height": 1000})
    page.goto(f"{live_server}/inbox/login")
    page.get_by_label("E-mail").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/inbox/")
    page.goto(f"{live_server}/inbox/reports/{new.id}")
    panel = page.locator("#possible-duplicates")
    assert panel.is_visible()
    assert f"CG-{original.id:06d}" in panel.inner_text() and "similar wording" in panel.inner_text()
    assert "Broken streetlight" in page.locator("#suggested-categories").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report_possible_duplicates.png"), full_page=True)
    panel.get_by_role("link", name=f"CG-{original.id:06d}").click()  # the link leads to the original
    page.wait_for_url(f"{live_server}/inbox/reports/{original.id}")
