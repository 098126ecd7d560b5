"""The leaderboard on a phone, in headless Chromium (screenshot in test-output/staffweb/)."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.extensions import db
from backend.incentives import ledger
from backend.incentives.rules import Reason
from tests import factories as f

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "staffweb"


def test_the_leaderboard_fits_a_phone_in_both_languages(app, live_server, page):
    names = ["Ann the Mapper", "张小明", "Bo Checks", "一位很长很长很长名字的热心市民朋友", "Chen"]
    for points, name in zip((120, 95, 95, 40, 12), names):
        ledger.record(f.citizen(name).id, Reason.REPORT_VALIDATED, f"r-{name}", points)
    db.session.commit()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    for lang in ("zh_Hans", "en"):
        page.goto(f"{live_server}/leaderboard?lang={lang}")
        assert page.locator(".board li").count() == 5
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.screenshot(path=str(SHOTS / f"leaderboard-phone-{lang}.png"), full_page=True)
    assert page.locator(".board-rank").all_inner_texts() == ["1", "2", "2", "4", "5"]
    page.get_by_role("link", name="This week").click()
    assert page.locator(".board li").count() == 5
