"""`next=` leads only to paths of this site: the parser against a catalogue of tricky URLs, then every
door that takes `next` (staff sign-in, re-authentication, both language switches, the staff forms)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from backend.extensions import db
from backend.reports.models import Report
from backend.safe_redirect import is_local_path, safe_next
from tests.staff_city import PASSWORD, StaffClient, csrf_from

OFF_SITE = [
    "//evil.example", "///evil.example", "////evil.example/", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "\t//evil.example", "/\t/evil.example", "//\tevil.example", "\n//evil.example", "/\r\n/evil.example",
    " //evil.example", "  /\\evil.example", "\x00//evil.example", "/\x00/evil.example", "\x7f//evil.example",
    "/%09/evil.example", "/%0a/evil.example", "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example",
    "/%5c%5cevil.example", "https://evil.example/", "http:evil.example", "https:evil.example", "https:/evil.example",
    "HTTPS://evil.example", "javascript:alert(1)", "java\tscript:alert(1)", "jav\x0dascript:alert(1)",
    "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "evil.example",
    "evil.example/inbox/", "inbox/", "./inbox/", "../inbox/", "?next=//evil.example", "#//evil.example",
    "@evil.example", "\u3000//evil.example", "\ufeff//evil.example", "\u0085//evil.example", "/\u0085/evil.example",
    "/" + "a" * 3000, "", None, 42, ["/inbox/"],
]
ON_SITE = [
    "/", "/inbox/", "/inbox/?status=open&q=school", "/inbox/reports/12", "/r/34?lang=en", "/explore#map",
    "/inbox/?q=a//b", "/inbox/?next=//evil.example", "/explore?q=%E4%B8%AD%E6%96%87", "/explore?q=中文",
    "/r/路灯", "/inbox/reports/1?x=%2F%2F", "/@user", "/inbox/%E4%B8%AD",
]


@pytest.mark.parametrize("target", OFF_SITE, ids=repr)
def test_anything_but_a_path_of_this_site_falls_back(target):
    assert not is_local_path(target)
    assert safe_next(target, "/safe/") == "/safe/"


@pytest.mark.parametrize("target", ON_SITE, ids=repr)
def test_paths_of_this_site_pass_unchanged(target):
    assert safe_next(target, "/safe/") == target


def _sign_in(app, email: str, next_value: str):
    client = app.test_client()
    with app.app_context():
        token = csrf_from(client.get("/inbox/login").text)
    with app.app_context():
        return client.post(f"/inbox/login?next={quote(next_value, safe='')}",
                           data={"email": email, "password": PASSWORD, "csrf_token": token})


# "/\t/evil.example" passed the old prefix check and a browser, dropping the tab, went to //evil.example.
@pytest.mark.parametrize("target", ["/\t/evil.example", "\t//evil.example", "/\\evil.example", "/%2F%2Fevil.example",
                                    "https:evil.example",
                                    "//evil.example", "\n/\\evil.example"], ids=repr)
def test_a_successful_staff_sign_in_never_leaves_the_site(app, town, target):
    response = _sign_in(app, "roads@city.example", target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/inbox/"


def test_a_staff_sign_in_returns_to_the_page_that_asked_for_it(app, town):
    report_id = town["road_report"].id
    client = app.test_client()
    with app.app_context():
        asked = client.get(f"/inbox/reports/{report_id}?tab=history")
    assert asked.status_code == 302 and "next=" in asked.headers["Location"]
    with app.app_context():
        login_page = client.get(asked.headers["Location"])
        signed_in = client.post(asked.headers["Location"], data={"email": "roads@city.example", "password": PASSWORD,
                                                                 "csrf_token": csrf_from(login_page.text)})
    assert signed_in.headers["Location"] == f"/inbox/reports/{report_id}?tab=history"


@pytest.mark.parametrize("door", ["/lang/en", "/inbox/lang/en"])
@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "https://evil.example", "/%5Cevil.example"],
                         ids=repr)
def test_language_switches_stay_on_the_site(app, door, target):
    response = app.test_client().get(f"{door}?next={quote(target, safe='')}")
    assert response.status_code == 302
    assert response.headers["Location"] in ("/", "/inbox/")
    assert "lang=en" in response.headers["Set-Cookie"]


def test_a_language_switch_returns_to_the_page(app):
    response = app.test_client().get(f"/lang/en?next={quote('/explore?q=中文', safe='')}")
    assert response.headers["Location"] == "/explore?q=%E4%B8%AD%E6%96%87"


def test_a_staff_form_goes_back_only_to_a_path_of_this_site(app, town):
    member = StaffClient(app, "roads@city.example")
    report_id = town["road_report"].id
    tricky = member.post(f"/inbox/reports/{report_id}/act/acknowledge", {"next": "\t//evil.example"})
    assert tricky.headers["Location"] == f"/inbox/reports/{report_id}"
    db.session.expire_all()
    assert db.session.get(Report, report_id).status == "acknowledged"
    local = member.post(f"/inbox/reports/{report_id}/act/internal_note", {"note": "seen", "next": "/inbox/?status=open"})
    assert local.headers["Location"] == "/inbox/?status=open"
