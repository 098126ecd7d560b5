"""Fixtures for the staff side: a small city with two departments, staff of every role,
and a signed-in client helper. Import the fixtures where needed (tests/inbox/conftest.py does)."""
from __future__ import annotations

import re

import pytest

from backend.extensions import db
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
WEST = (121.40, 31.15, 121.47, 31.30)
EAST = (121.47, 31.15, 121.55, 31.30)
PASSWORD = "correct horse battery"


@pytest.fixture
def town():
    roads = f.department("roads", name_en="Roads Bureau", name_zh="道路局")
    parks = f.department("parks", name_en="Parks Office", name_zh="绿化办")
    west = f.area(roads, WEST, name="West roads")
    east = f.area(parks, EAST, name="East parks")
    pothole = f.category("pothole", [roads], name_en="Pothole", name_zh="坑洼")
    bench = f.category("bench", [parks], name_en="Broken bench", name_zh="长椅损坏")
    people = {
        "roads_staff": f.staff("staff", roads, email="roads@city.example"),
        "parks_staff": f.staff("staff", parks, email="parks@city.example"),
        "coordinator": f.staff("coordinator", email="coord@city.example"),
        "admin": f.staff("admin", email="admin@city.example"),
    }
    reporter = f.citizen("Wang Fang")
    db.session.commit()
    road_report = f.routed_report(pothole, 31.20, 121.42, "deep pothole near the school", reporter=reporter)
    park_report = f.routed_report(bench, 31.20, 121.50, "bench broken in two")
    return {"roads": roads, "parks": parks, "west": west, "east": east, "pothole": pothole, "bench": bench,
            "reporter": reporter, "road_report": road_report, "park_report": park_report, **people}


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class StaffClient:
    """A test client signed in as one staff member, posting forms with their CSRF token.

    Each request runs in its own app context, as in production: the tests' app context
    would otherwise share `g` (the signed-in user, the CSRF token) across requests.
    """

    def __init__(self, app, email: str, password: str = PASSWORD):
        self.app = app
        self.client = app.test_client()
        page = self.get("/inbox/login")
        response = self.post("/inbox/login", {"email": email, "password": password}, token=csrf_from(page.text))
        assert response.status_code == 302, response.text
        self.token = csrf_from(self.get("/inbox/").text)

    def get(self, url: str, **kw):
        db.session.commit()  # the test hands its data to another app context, as one request to the next
        with self.app.app_context():
            return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, token: str | None = None, **kw):
        db.session.commit()
        with self.app.app_context():
            return self.client.post(url, data={"csrf_token": token or self.token, **(data or {})}, **kw)


@pytest.fixture
def sign_in(app):
    def make(staff) -> StaffClient:
        return StaffClient(app, staff.email)

    return make


def browser_login(page, live: str, email: str) -> None:
    """Sign in through the login page in a Playwright page."""
    page.goto(f"{live}/inbox/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live}/inbox/")
