"""A follower's update from the app (text and a photo shrunk on the phone): shown in the report's
history and on its public page, then gone from both once staff hide it."""

import pytest
from PIL import Image

from backend.extensions import db
from backend.reports import photos, service as reports
from backend.updates import service as updates
from backend.updates.models import ReportUpdate
from tests import factories as f
from tests.city_fixture import INSIDE
from tests.webapp.conftest import ready, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang, title", [("en", "Add an update"), ("zh_Hans", "补充情况")])
def test_a_follower_adds_an_update_with_a_photo_seen_on_the_public_page_until_hidden(phone, live_server, city, run_jobs,
                                                                                     photo, lang, title):
    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"},
                            description="Someone else's hole", reporter=f.citizen("Reporter"))
    run_jobs()
    page = phone(lang)
    ready(page, f"{live_server}/app/#/r/{report.id}")
    page.wait_for_selector("#follow")
    assert not page.query_selector("#update-form")  # only a follower is offered it
    page.click("#follow")
    page.wait_for_selector("#update-form")
    assert title in page.inner_text("#update-form")
    page.fill("#update-text", "It is twice as deep since the rain")
    page.set_input_files("#update-photo", str(photo))
    page.wait_for_selector("#update-form .thumb img")
    shot(page, f"update-1-form-{lang}", full_page=True)
    page.click("#send-update")
    page.wait_for_selector("#update-form .notice.ok")
    page.wait_for_selector("#history li.citizen-update img")
    assert "It is twice as deep since the rain" in page.inner_text("#history")
    assert page.input_value("#update-text") == ""
    shot(page, f"update-2-sent-{lang}", full_page=True)
    assert page.errors == []

    [stored] = ReportUpdate.query.filter_by(report_id=report.id).all()
    # The phone shrank the 4000 px photo before sending it; the stored one is within the city's edge.
    with Image.open(photos.media_dir() / stored.photo.path) as kept:
        assert max(kept.size) <= 1600  # photos.js MAX_EDGE; the server alone would keep 2048
    public = page.context.new_page()
    public.goto(f"{live_server}/r/{report.id}")
    assert "It is twice as deep since the rain" in public.inner_text("body")
    shot(public, f"update-3-public-page-{lang}", full_page=True)

    updates.set_hidden(f.coordinator(), stored.id, True, reason="test of moderation")
    db.session.commit()
    public.reload()
    assert "It is twice as deep since the rain" not in public.inner_text("body")
    page.reload()
    page.wait_for_selector("#history")
    assert "It is twice as deep since the rain" not in page.inner_text("#history")
