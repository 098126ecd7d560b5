"""The staff web in headless Chromium: a department's day and an admin's area upload.

Screenshots go to test-output/inbox/ (look at them)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.city.models import Area
from backend.extensions import db
from backend.reports.models import Report, ReportStatus
from tests import factories as f
from tests.staff_city import browser_login as _login

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "inbox"
pytestmark = pytest.mark.browser




def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)




def test_staff_filters_opens_resolves_with_a_template_and_the_report_leaves_the_open_list(town, live, page):
    template = f.response_template(body_en="The pothole was filled today. Thank you!", body_zh="坑洼今天已填平，谢谢！")
    town["reporter"].language = "en"
    town["roads_staff"].language = "en"  # signing in picks the account's language
    for i in range(6):
        f.routed_report(town["pothole"], 31.17 + i * 0.01, 121.41 + i * 0.005, f"cracked road surface, lane {i + 1}")
    db.session.commit()
    target = town["road_report"]
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live}/inbox/login")
    _shot(page, "01-login")
    _login(page, live, town["roads_staff"].email)
    _shot(page, "02-inbox")

    page.get_by_label("Search").fill("school")
    page.get_by_label("Category").select_option(label="Pothole")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url("**q=school**")
    rows = page.locator("table.reports tbody tr")
    assert rows.count() == 1
    _shot(page, "03-filtered")

    page.get_by_role("link", name=f"CG-{target.id:06d}").click()
    page.wait_for_selector("#report-map .leaflet-interactive")  # the report and its neighbours drawn
    _shot(page, "04-report")

    resolve = page.locator("details.action", has_text="Resolve").first
    resolve.get_by_label("Response template").select_option(label=template.title_en)
    assert resolve.locator("textarea").input_value() == "The pothole was filled today. Thank you!"
    resolve.get_by_role("button", name="Resolve").click()
    page.wait_for_selector(".flash-success")
    assert "The pothole was filled today. Thank you!" in page.locator(".timeline").inner_text()
    _shot(page, "05-resolved")

    page.get_by_role("link", name="Inbox", exact=True).click()
    assert page.get_by_role("link", name=f"CG-{target.id:06d}").count() == 0
    assert page.locator("table.reports tbody tr").count() == 6
    db.session.expire_all()
    assert db.session.get(Report, target.id).status == ReportStatus.RESOLVED

    # Keyboard: the first Tab reaches the skip link, which jumps to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    # Tablet, and the other language.
    page.set_viewport_size({"width": 800, "height": 1100})
    page.get_by_role("link", name="中文").click()
    page.wait_for_selector("html[lang=zh-Hans]")
    _shot(page, "06-inbox-tablet-zh")
    page.goto(f"{live}/inbox/reports/{target.id}")
    _shot(page, "07-report-tablet-zh")


def test_admin_uploads_an_area_sees_it_on_a_map_then_saves_it(town, live, page, tmp_path):
    bad = tmp_path / "bowtie.geojson"
    bad.write_text(json.dumps({"type": "Polygon", "coordinates": [[[121.41, 31.16], [121.45, 31.19], [121.45, 31.16],
                                                                   [121.41, 31.19], [121.41, 31.16]]]}))
    good = tmp_path / "riverside.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[121.42, 31.16], [121.46, 31.16], [121.47, 31.20], [121.43, 31.21], [121.42, 31.16]]]}}]}))
    town["admin"].language = "en"
    db.session.commit()
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live, town["admin"].email)
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Areas").click()
    page.get_by_role("link", name="Upload a new area").click()
    page.get_by_label("Name").fill("Riverside")
    page.get_by_label("Department").select_option(label="Parks Office")

    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Check and preview").click()
    assert "Self-intersection" in page.get_by_role("alert").inner_text()
    _shot(page, "08-area-invalid")

    page.locator("textarea[name=geojson]").fill("")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Check and preview").click()
    page.wait_for_selector("#area-map path.leaflet-interactive")
    _shot(page, "09-area-preview")
    assert db.session.scalar(select(Area).where(Area.name == "Riverside")) is None
    page.get_by_role("button", name="Save this area").click()
    page.wait_for_selector(".flash-success")
    _shot(page, "10-area-saved")
    db.session.expire_all()
    assert db.session.scalar(select(Area).where(Area.name == "Riverside")).department_id == town["parks"].id
    page.get_by_role("link", name="Audit log").click()
    assert "area.save" in page.locator("table.audit").inner_text()
    _shot(page, "11-audit")


def test_coordinator_sees_escalations_duplicates_photos_and_contact(town, live, page, app):
    from datetime import timedelta

    from PIL import Image

    from backend.accounts.models import CitizenContact
    from backend.clock import set_clock, utcnow
    from backend.triage import sla
    from backend.reports.models import Attachment

    media = Path(app.config["MEDIA_DIR"])
    Image.new("RGB", (320, 240), (90, 110, 130)).save(media / "hole.jpg")
    Image.new("RGB", (160, 120), (90, 110, 130)).save(media / "hole-thumb.jpg")
    target = town["road_report"]
    db.session.add(Attachment(report_id=target.id, path="hole.jpg", thumbnail_path="hole-thumb.jpg",
                              content_type="image/jpeg", width=320, height=240))
    db.session.add(CitizenContact(citizen_id=town["reporter"].id, email="wang.fang@example.cn", phone="13800000000"))
    twin = f.routed_report(town["pothole"], 31.2002, 121.4201, "the same pothole, opposite the school gate")
    f.routed_report(town["pothole"], 31.2015, 121.4215, "small crack")  # nearby, another kind of problem
    town["coordinator"].language = "en"
    db.session.commit()
    later = utcnow() + timedelta(hours=50)
    set_clock(lambda: later)  # the server thread reads the same clock; the fixture restores it
    sla.escalate_overdue()

    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, live, town["coordinator"].email)
    page.get_by_role("link", name="Notices").click()
    assert page.locator("table tbody tr").count() == 4  # every open report of both departments breached
    _shot(page, "12-notices")
    page.get_by_role("link", name=f"CG-{target.id:06d}").first.click()
    page.wait_for_selector("#report-map .leaflet-interactive")
    assert page.get_by_text("wang.fang@example.cn").is_visible()
    assert page.get_by_role("link", name=f"CG-{twin.id:06d}").count() >= 1  # a possible duplicate
    assert page.locator(".photos img").evaluate("img => img.naturalWidth") == 160
    assert "overdue" in page.locator(".page-head").inner_text()
    _shot(page, "13-report-coordinator")
