"""A staff session is bound to the browser it was made in, and sensitive actions need a recent password.

Two real clients: what one signs in, the other copies (the session cookie alone, both cookies, another
kind of browser), and signing out ends every copy. Then the fresh-sign-in rule at every sensitive door."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.reports.models import Report
from tests import factories as f
from tests.staff_city import PASSWORD, StaffClient, csrf_from

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def _copy(source: StaffClient, target, names=("session",)) -> None:
    for name in names:
        cookie = source.client.get_cookie(name, path="/inbox" if name == "staff_key" else "/")
        assert cookie is not None, name
        target.set_cookie(name, cookie.value, path=cookie.path)


def _get(app, client, url: str, **kw):
    with app.app_context():
        return client.get(url, **kw)


def _status(report_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Report, report_id).status


def test_a_copied_session_cookie_alone_is_refused_and_a_fresh_sign_in_works(app, town):
    owner = StaffClient(app, "roads@city.example")
    thief = app.test_client()
    _copy(owner, thief)
    refused = _get(app, thief, "/inbox/")
    assert refused.status_code == 302 and "/inbox/login" in refused.headers["Location"]
    with app.app_context():
        acted = thief.post(f"/inbox/reports/{town['road_report'].id}/act/acknowledge", data={"csrf_token": owner.token})
    assert acted.status_code in (302, 400) and _status(town["road_report"].id) == "open"
    # The other browser signs in itself: both sessions work side by side.
    own = StaffClient(app, "roads@city.example")
    assert own.get("/inbox/").status_code == 200
    assert owner.get("/inbox/").status_code == 200


def test_both_cookies_copied_into_another_kind_of_browser_are_refused(app, town):
    owner = StaffClient(app, "roads@city.example")
    elsewhere = app.test_client()
    _copy(owner, elsewhere, ("session", "staff_key"))
    assert _get(app, elsewhere, "/inbox/", headers={"User-Agent": FIREFOX}).status_code == 302
    assert owner.get("/inbox/").status_code == 200


def test_signing_out_ends_the_session_wherever_it_was_copied(app, town):
    owner = StaffClient(app, "roads@city.example")
    twin = app.test_client()
    _copy(owner, twin, ("session", "staff_key"))
    assert _get(app, twin, "/inbox/").status_code == 200  # a full copy in the same kind of browser
    signed_out = owner.post("/inbox/logout")
    assert signed_out.status_code == 302
    assert _get(app, twin, "/inbox/").status_code == 302
    assert owner.get("/inbox/").status_code == 302


def test_the_key_cookie_is_http_only_and_limited_to_the_inbox(app, town):
    client = app.test_client()
    with app.app_context():
        token = csrf_from(client.get("/inbox/login").text)
        response = client.post("/inbox/login", data={"email": "roads@city.example", "password": PASSWORD,
                                                     "csrf_token": token})
    [key] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("staff_key=")]
    assert "HttpOnly" in key and "Path=/inbox" in key and "SameSite=Lax" in key


def _later(minutes: float) -> None:
    moment = utcnow() + timedelta(minutes=minutes)
    set_clock(lambda: moment)


def test_a_hand_over_needs_a_recent_password_and_the_confirmation_carries_it_out(app, town, monkeypatch):
    monkeypatch.setitem(app.config, "STAFF_FRESH_LOGIN_MINUTES", 10)
    member = StaffClient(app, "roads@city.example")
    report_id = town["road_report"].id
    hand_over = {"department": str(town["parks"].id), "note": "a park path,\nnot a road", "next": f"/inbox/reports/{report_id}"}

    _later(11)
    assert member.post(f"/inbox/reports/{report_id}/act/acknowledge").status_code == 302  # not sensitive
    asked = member.post(f"/inbox/reports/{report_id}/act/hand_over", hand_over)
    assert asked.status_code == 403
    assert 'name="reauth_password"' in asked.text
    assert f'value="{town["parks"].id}"' in asked.text and "a park path,\nnot a road" in asked.text
    assert db.session.get(Report, report_id).department_id == town["roads"].id

    token = csrf_from(asked.text)
    wrong = member.post(f"/inbox/reports/{report_id}/act/hand_over", {**hand_over, "reauth_password": "guess"}, token=token)
    assert wrong.status_code == 401
    db.session.expire_all()
    assert db.session.get(Report, report_id).department_id == town["roads"].id

    done = member.post(f"/inbox/reports/{report_id}/act/hand_over", {**hand_over, "reauth_password": PASSWORD}, token=token)
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    assert report.department_id == town["parks"].id
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["staff.login_failed", "staff.reauthenticated", "report.hand_over"]

    # Within the window again: the next sensitive action needs no password.
    other = f.routed_report(town["pothole"], 31.21, 121.43, "second hole, call 13800138000")
    db.session.commit()
    assert member.post(f"/inbox/reports/{other.id}/act/redact_phrase", {"phrase": "13800138000"}).status_code == 302
    db.session.expire_all()
    assert "13800138000" not in db.session.get(Report, other.id).description


def _doors(town):
    report = town["road_report"].id
    return {
        "hide": ("roads_staff", "POST", f"/inbox/reports/{report}/act/hide", {"note": "abuse"}),
        "redact": ("roads_staff", "POST", f"/inbox/reports/{report}/act/redact_phrase", {"phrase": "school"}),
        "bulk": ("roads_staff", "POST", "/inbox/bulk", {"ids": [str(report)], "action": "acknowledge"}),
        "block": ("coordinator", "POST", f"/inbox/citizens/{town['reporter'].id}/block", {"note": "spam"}),
        "point rules": ("coordinator", "GET", "/inbox/point-rules", None),
        "admin page": ("admin", "GET", "/inbox/admin/staff", None),
        "admin form": ("admin", "POST", "/inbox/admin/api-keys", {"name": "City app"}),
    }


@pytest.mark.parametrize("door", ["hide", "redact", "bulk", "block", "point rules", "admin page", "admin form"])
def test_every_sensitive_door_asks_for_the_password_again_and_changes_nothing(app, town, door):
    role, method, url, data = _doors(town)[door]
    member = StaffClient(app, town[role].email)
    audits = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    _later(31)
    if method == "GET":
        response = member.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inbox/reauth?next=")
        page = member.get(response.headers["Location"])
        assert page.status_code == 200 and 'name="reauth_password"' in page.text
        back = member.post(response.headers["Location"], {"reauth_password": PASSWORD}, token=csrf_from(page.text))
        assert back.headers["Location"] == url
        assert member.get(url).status_code == 200
    else:
        response = member.post(url, data)
        assert response.status_code == 403 and 'name="reauth_password"' in response.text
        db.session.expire_all()
        assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == audits
        assert _status(town["road_report"].id) == "open" and not db.session.get(Report, town["road_report"].id).hidden


def test_wrong_passwords_at_the_confirmation_lock_it_and_end_the_sign_in(app, town):
    member = StaffClient(app, "roads@city.example")
    url = f"/inbox/reports/{town['road_report'].id}/act/hide"
    _later(31)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert member.post(url, {"note": "x", "reauth_password": "guess"}).status_code == 401
    locked = member.post(url, {"note": "x", "reauth_password": PASSWORD})
    assert locked.status_code == 302 and locked.headers["Location"] == "/inbox/login"
    assert member.get("/inbox/").status_code == 302
    db.session.expire_all()
    assert db.session.get(Report, town["road_report"].id).hidden is False
