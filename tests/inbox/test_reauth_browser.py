"""In headless Chromium: a hand-over after the sign-in grew old asks for the password and then carries
the hand-over out; a session cookie copied into a second browser opens nothing.

Screenshots go to test-output/inbox/ (look at them)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.reports.models import Report
from tests.inbox.test_browser import _shot
from tests.staff_city import PASSWORD, browser_login

pytestmark = pytest.mark.browser


def test_an_old_sign_in_confirms_the_password_and_the_hand_over_goes_through(town, live, page):
    town["coordinator"].language = "en"
    db.session.commit()
    report = town["road_report"]
    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, live, town["coordinator"].email)
    later = utcnow() + timedelta(minutes=45)
    set_clock(lambda: later)  # the server thread reads the same clock; the fixture restores it

    page.goto(f"{live}/inbox/reports/{report.id}")
    hand_over = page.locator("details.action", has_text="Hand over to another department")
    hand_over.locator("summary").click()
    hand_over.get_by_label("Department").select_option(label="Parks Office")
    hand_over.get_by_label("Note").fill("A path in the park,\nnot a road.")
    hand_over.get_by_role("button", name="Hand over").click()

    page.wait_for_selector("input[name=reauth_password]")
    assert page.get_by_role("heading", name="Confirm your password").is_visible()
    assert page.get_by_label("E-mail").input_value() == town["coordinator"].email
    _shot(page, "20-reauth")
    db.session.expire_all()
    assert db.session.get(Report, report.id).department_id == town["roads"].id

    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Confirm and continue").click()
    assert page.get_by_role("alert").inner_text() == "The password is wrong."
    _shot(page, "21-reauth-wrong")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_selector(".flash-success")
    assert page.url == f"{live}/inbox/reports/{report.id}"
    assert "A path in the park,\nnot a road." in page.locator(".timeline .note").first.inner_text()
    _shot(page, "22-handed-over-after-reauth")
    db.session.expire_all()
    assert db.session.get(Report, report.id).department_id == town["parks"].id

    page.get_by_role("link", name="中文").click()
    page.wait_for_selector("html[lang=zh-Hans]")
    set_clock(lambda: later + timedelta(hours=1))
    page.goto(f"{live}/inbox/point-rules")
    page.wait_for_selector("input[name=reauth_password]")
    assert page.get_by_role("heading", name="确认您的密码").is_visible()
    _shot(page, "23-reauth-zh")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="确认并继续").click()
    page.wait_for_url(f"{live}/inbox/point-rules")


def test_a_session_cookie_copied_into_another_browser_opens_nothing(town, live, page, browser):
    browser_login(page, live, town["roads_staff"].email)
    [session] = [c for c in page.context.cookies() if c["name"] == "session"]
    other = browser.new_context()
    try:
        other.add_cookies([session])
        stranger = other.new_page()
        stranger.goto(f"{live}/inbox/")
        assert stranger.url.startswith(f"{live}/inbox/login")
        assert stranger.locator("input[name=password]").is_visible()
    finally:
        other.close()
    page.goto(f"{live}/inbox/")
    assert page.url == f"{live}/inbox/"  # the browser that signed in still works
