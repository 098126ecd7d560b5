"""The citizen web app in headless Chromium at a phone's size, the location granted and emulated.

Screenshots go to test-output/webapp/ to be looked at, in both languages."""
import re
from pathlib import Path

import pytest

from backend.alerts.models import AlertSubscription
from backend.extensions import db
from backend.outbox import service as outbox
from backend.reports import service as reports
from backend.api.models import IdempotencyKey
from backend.reports.models import ActorType, Report, ReportStatus
from backend.tasks.models import Answer
from tests import factories as f
from tests.alerts.conftest import body_of
from tests.city_fixture import INSIDE
from tests.webapp.conftest import ready, shot

pytestmark = pytest.mark.browser
TEXT = {
    "en": {"received": "Report received", "saved": "Saved on this phone", "waiting": "1 waiting",
           "sent_toast": "was sent", "follow": "Get updates", "following": "Following: stop updates"},
    "zh_Hans": {"received": "报告已收到", "saved": "已保存在本机", "waiting": "1 条待发送",
                "sent_toast": "已发送", "follow": "获取动态", "following": "已关注：停止接收动态"},
}


def _compose(page, lang: str, name: str, description: str, photo: Path | None = None, offline: bool = False) -> None:
    page.click("#use-location")
    page.wait_for_selector("#place-label strong")
    if offline:  # no address without a connection: the place is kept as coordinates and looked up later
        assert page.inner_text("#place-label strong") == f"{INSIDE[0]:.5f}, {INSIDE[1]:.5f}"
    else:
        assert page.inner_text("#place-label strong").startswith("Huangpu" if lang == "en" else "黄浦区")
    shot(page, f"{name}-1-place-{lang}")
    page.click("#next")
    page.click(".option:has(input[value=pothole])")
    page.click("fieldset.choices .chip:has(input[value=large])")
    shot(page, f"{name}-2-category-{lang}")
    page.click("#next")
    if photo:
        page.set_input_files("#photo-input", str(photo))
        page.wait_for_selector("#photo-thumbs img")
    page.fill("#description", description)
    shot(page, f"{name}-3-details-{lang}")


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_a_report_with_a_photo_is_filed_end_to_end_and_shown_on_its_public_page(phone, live_server, city, photo,
                                                                                 run_jobs, lang):
    page = phone(lang)
    ready(page, f"{live_server}/app/")
    _compose(page, lang, "report", "Deep hole in front of number 12", photo)
    page.click("#send")
    page.wait_for_selector("#confirmation")
    shot(page, f"report-4-confirmation-{lang}")
    reference = page.inner_text("#confirmation .reference")
    [report] = Report.query.all()
    assert reference == f"CG-{report.id:06d}"
    assert TEXT[lang]["received"] in page.inner_text("#confirmation")
    assert report.description == "Deep hole in front of number 12" and report.attributes == {"size": "large"}
    assert report.district.code == "huangpu"
    [attachment] = [a for a in report_attachments(report)]
    assert max(attachment.width, attachment.height) <= 1600, "the browser shrank the photo before upload"
    run_jobs()

    public = phone(lang).context.new_page()
    public.goto(f"{live_server}/r/{report.id}")
    assert "Deep hole in front of number 12" in public.inner_text("main")
    public.wait_for_function("() => { const img = document.querySelector('.photos img');"
                             " return img && img.complete && img.naturalWidth > 0; }")
    shot(public, f"report-5-public-page-{lang}", full_page=True)
    assert page.errors == []


def report_attachments(report):
    from backend.reports.models import Attachment

    return Attachment.query.filter_by(report_id=report.id).all()


def test_the_place_is_shown_back_and_a_public_report_page_starts_a_report_there(phone, live_server, city):
    report = reports.submit(category="pothole", lat=31.2210, long=121.4730, attributes={"size": "small"},
                            reporter=f.citizen("Someone"), address="12 Zhongshan Road")
    db.session.commit()
    page = phone("en")
    page.goto(f"{live_server}/r/{report.id}")
    href = page.get_attribute("#report-here", "href")
    assert href == "/app/#/report?lat=31.221000&long=121.473000"
    page.click("#report-here")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => document.querySelector('#place-label strong')")
    assert page.inner_text("#place-label strong") == "Huangpu · near 12 Zhongshan Road"
    shot(page, "place-from-public-page-en")


def test_a_report_written_offline_is_kept_and_sent_once_when_the_connection_returns(phone, live_server, city, photo):
    page = phone("en")
    ready(page, f"{live_server}/app/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null || "
                           "navigator.serviceWorker.ready.then(() => true)")
    page.evaluate("() => navigator.serviceWorker.ready")
    page.wait_for_selector("#place-map.plain-basemap")
    page.context.set_offline(True)
    page.wait_for_selector("#offline:not([hidden])")
    _compose(page, "en", "offline", "Written without a connection", photo, offline=True)
    page.click("#send")
    page.wait_for_selector("#queued")
    shot(page, "offline-4-saved-en")
    assert TEXT["en"]["saved"] in page.inner_text("#queued")
    assert page.inner_text("#sync-count") == TEXT["en"]["waiting"]
    assert Report.query.count() == 0

    # Still offline, the app opens again from the service worker's cache and shows what waits.
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    page.goto(f"{live_server}/app/#/mine")
    page.wait_for_selector("#waiting-list li")
    shot(page, "offline-5-waiting-en")
    assert "Written without a connection" in page.inner_text("#waiting-list")

    page.context.set_offline(False)
    page.wait_for_selector("#toast.show")
    assert TEXT["en"]["sent_toast"] in page.inner_text("#toast")
    page.wait_for_selector("#sync-count", state="hidden")
    shot(page, "offline-6-sent-en")
    [report] = Report.query.all()
    assert report.description == "Written without a connection" and len(report_attachments(report)) == 1
    assert IdempotencyKey.query.count() == 1


def test_an_answer_lost_on_the_way_back_is_retried_with_its_key_and_creates_nothing_twice(phone, live_server, city):
    # Routing needs no service worker here (Playwright's routes do not see a worker's requests).
    page = phone("zh_Hans", service_workers="block")
    ready(page, f"{live_server}/app/")
    lost = {"count": 0}

    def lose_the_answer(route):
        if route.request.method == "POST" and lost["count"] == 0:
            lost["count"] += 1
            route.fetch()  # the server stores the report and answers...
            route.abort("connectionreset")  # ...but the phone never hears it
        else:
            route.continue_()

    page.route("**/api/v1/reports", lose_the_answer)
    _compose(page, "zh_Hans", "lost-answer", "A hole whose answer got lost")
    page.click("#send")
    page.wait_for_selector("#queued")
    assert Report.query.count() == 1 and lost["count"] == 1
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#toast.show")
    shot(page, "lost-answer-4-sent-zh_Hans")
    db.session.expire_all()
    assert Report.query.count() == 1
    [report] = Report.query.all()
    assert f"CG-{report.id:06d}" in page.inner_text("#toast")
    page.goto(f"{live_server}/app/#/mine")
    page.wait_for_selector("#my-reports li")
    assert page.locator("#my-reports li").count() == 1
    shot(page, "lost-answer-5-mine-zh_Hans")


def test_following_an_area_brings_the_email_through_smtp_and_the_atom_entry(phone, live_server, city, smtp, run_jobs):
    page = phone("en")
    ready(page, f"{live_server}/app/#/alerts")
    page.wait_for_selector("#alert-district option", state="attached")
    page.fill("#alert-email", "li.wei@example.org")
    shot(page, "alerts-1-form-en", full_page=True)
    page.click("#alert-submit")
    page.wait_for_selector("#alert-created")
    assert "li.wei@example.org" in page.inner_text("#alert-created")
    shot(page, "alerts-2-created-en")
    run_jobs()
    [confirmation] = smtp.to("li.wei@example.org")
    link = re.search(r"https?://\S+/alerts/confirm/\S+", body_of(confirmation)).group(0)
    assert link.startswith(live_server)
    page.goto(link)
    shot(page, "alerts-3-confirm-en")
    page.click("button[type=submit]")
    page.wait_for_selector("text=Alerts confirmed")
    shot(page, "alerts-4-confirmed-en")
    assert AlertSubscription.query.one().confirmed_at is not None

    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"},
                            description="A new hole in Huangpu", reporter=f.citizen("Neighbour"))
    run_jobs()
    run_jobs()
    alert = smtp.to("li.wei@example.org")[-1]
    assert alert["Subject"] == f"New report CG-{report.id:06d}: Pothole"
    assert "A new hole in Huangpu" in body_of(alert) and alert["List-Unsubscribe"].startswith(f"<{live_server}/alerts/")
    feed = page.context.request.get(f"{live_server}/feeds/districts/huangpu.atom?lang=en")
    assert feed.ok and f"New report CG-{report.id:06d}: Pothole" in feed.text() and f"/r/{report.id}" in feed.text()


def test_following_a_report_brings_its_update_into_the_feed(phone, live_server, city, run_jobs):
    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"},
                            description="Someone else's hole", reporter=f.citizen("Reporter"))
    run_jobs()
    for lang in ("en", "zh_Hans"):
        page = phone(lang)
        ready(page, f"{live_server}/app/#/r/{report.id}")
        page.wait_for_selector("#follow")
        assert page.inner_text("#follow") == TEXT[lang]["follow"]
        page.click("#follow")
        page.wait_for_selector("#follow[aria-pressed=true]")
        assert page.inner_text("#follow") == TEXT[lang]["following"]
        shot(page, f"follow-1-report-{lang}", full_page=True)
    reports.transition(reports.get(report.id), ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF,
                       note="Crew booked for Monday")
    db.session.commit()
    page.goto(f"{live_server}/app/#/updates")
    page.wait_for_selector("#feed li")
    text = page.inner_text("#feed")
    assert f"您关注的报告：CG-{report.id:06d}" in text and "Crew booked for Monday" in text
    shot(page, "follow-2-updates-zh_Hans")


def test_a_verification_task_nearby_is_answered_with_the_phones_location(phone, live_server, city, run_jobs):
    report = reports.submit(category="pothole", lat=INSIDE[0] + 0.0005, long=INSIDE[1], attributes={"size": "small"},
                            description="Check me", reporter=f.citizen("Reporter"))
    run_jobs()  # routed: a verification task is made
    page = phone("en", at=(INSIDE[0] + 0.0004, INSIDE[1]))
    ready(page, f"{live_server}/app/#/tasks")
    page.wait_for_selector("#tasks .task")
    shot(page, "tasks-1-nearby-en", full_page=True)
    page.click("#tasks .task button")
    page.wait_for_selector("#answer-yes")
    shot(page, "tasks-2-claimed-en")
    page.click("#answer-yes")
    page.wait_for_selector("#task-done")
    shot(page, "tasks-3-answered-en")
    [answer] = Answer.query.all()
    assert answer.verdict.value == "yes" and answer.distance_m is not None and answer.distance_m < 20
    assert answer.low_weight_reason is None
    assert report.id


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_every_screen_reads_well_in_both_languages(phone, live_server, city, lang):
    page = phone(lang)
    for route in ("report", "mine", "updates", "tasks", "alerts", "account"):
        ready(page, f"{live_server}/app/#/{route}")
        page.wait_for_selector(".view-title")
        page.wait_for_function("() => !document.querySelector('#view .loading')")
        shot(page, f"screen-{route}-{lang}", full_page=route in ("alerts", "account"))
        if lang == "zh_Hans":
            assert re.search(r"[\u4e00-\u9fff]", page.inner_text(".view-title")), route
    assert page.errors == []
