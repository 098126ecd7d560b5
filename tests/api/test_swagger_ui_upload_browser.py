"""Swagger UI can send a report with a photo: the OpenAPI document describes the multipart
body's photos as binary files, so the page shows a file picker and uploads what is chosen."""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select

from backend.extensions import db
from backend.reports.models import Attachment, Report
from tests import factories as f
from tests.live_server import CHROMIUM, CHROMIUM_FLAGS

OUT = Path(__file__).resolve().parents[2] / "test-output" / "api"


@pytest.mark.browser
def test_swagger_ui_uploads_a_photo_with_a_report(live_server, city, tmp_path):
    OUT.mkdir(parents=True, exist_ok=True)
    token = f.api_token(f.citizen("Swagger user"))
    photo = tmp_path / "pothole.jpg"
    photo.write_bytes(f.jpeg((320, 240)))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 2200})
        page.goto(f"{live_server}/api/v1/docs")
        page.get_by_role("button", name="Authorize").first.click()
        page.locator(".modal-ux input[type=text]").fill(token)
        page.locator(".modal-ux").get_by_role("button", name="Authorize").click()
        page.locator(".modal-ux").get_by_role("button", name="Close").click()
        operation = page.locator("#operations-Reports-post_api_v1_reports")
        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
        operation.locator(".opblock-section-request-body select").select_option("multipart/form-data")
        field = lambda name: operation.locator(f'tr.parameters[data-property-name="{name}"]')  # noqa: E731
        field("category").locator("input[type=text]").fill("pothole")
        field("lat").locator("input[type=text]").fill("31.22")
        field("long").locator("input[type=text]").fill("121.47")
        field("attributes").locator("input[type=text]").fill('{"size": "small"}')
        # An optional field left alone is sent as nothing (never as the text "null").
        assert field("address").locator("input[type=text]").input_value() == ""
        photos = field("photos")
        photos.get_by_role("button", name="Add string item").click()
        photos.locator("input[type=file]").first.set_input_files(str(photo))
        operation.get_by_role("button", name="Execute").click()
        answered = operation.locator(".live-responses-table tbody .response-col_status").first
        answered.wait_for(timeout=20_000)
        status = answered.inner_text()
        page.screenshot(path=str(OUT / "swagger-ui-upload.png"), full_page=True)
        browser.close()
    assert status.strip().startswith("201"), status
    db.session.expire_all()
    report = db.session.scalars(select(Report)).one()
    assert db.session.scalars(select(Attachment).where(Attachment.report_id == report.id)).all()
