"""Citizens' updates in headless Chromium: the public report page and the staff's report page,
where a department member hides one with a reason. Screenshots in test-output/updates/ (look at them)."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.extensions import db
from backend.updates import service as updates
from backend.updates.models import ReportUpdate
from tests import factories as f
from tests.staff_city import browser_login

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "updates"
pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_updates_on_the_public_page_and_hidden_from_the_inbox(town, live, page, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live)  # photo links point at this server
    report = town["road_report"]
    updates.add_update(report, f.citizen("Lin"), text="The hole is wider after the rain.", photo=f.jpeg((320, 240)),
                       source="web")
    rude = updates.add_update(report, f.citizen("Troll"), text="Useless bureaucrats!", source="open311",
                              data={"status": "FIXED"})
    town["roads_staff"].language = "en"
    db.session.commit()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live}/r/{report.id}?lang=en")
    timeline = page.locator(".timeline")
    assert timeline.get_by_text("The hole is wider after the rain.").is_visible()
    assert page.locator(".citizen-update img").count() == 1
    page.wait_for_function("() => document.querySelector('.citizen-update img').naturalWidth > 0")
    _shot(page, "public-report-with-updates")

    browser_login(page, live, town["roads_staff"].email)
    page.goto(f"{live}/inbox/reports/{report.id}")
    card = page.locator("#citizen-updates")
    assert card.get_by_text("Useless bureaucrats!").is_visible() and card.get_by_text("says: FIXED").is_visible()
    row = page.locator(f"#update-{rude.id}")
    row.get_by_placeholder("Reason").fill("insults staff")
    row.get_by_role("button", name="Hide from public").click()
    page.wait_for_load_state()
    assert page.get_by_text("The update is hidden from the public.").is_visible()
    _shot(page, "inbox-report-with-updates")
    db.session.expire_all()
    assert db.session.get(ReportUpdate, rude.id).hidden_reason == "insults staff"
    page.goto(f"{live}/r/{report.id}?lang=en")
    assert page.get_by_text("Useless bureaucrats!").count() == 0
