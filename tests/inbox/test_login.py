"""Sign-in: argon2 passwords, CSRF on every form, throttling, secure cookies, sessions."""
from __future__ import annotations

from backend.accounts.service import hash_password
from backend.extensions import db
from backend.reports.models import Report
from tests.staff_city import PASSWORD, StaffClient, csrf_from


def _login(app, email: str, password: str):
    client = app.test_client()
    with app.app_context():
        token = csrf_from(client.get("/inbox/login").text)
    with app.app_context():
        return client, client.post("/inbox/login", data={"email": email, "password": password, "csrf_token": token})


def test_wrong_password_is_refused_the_same_way_as_an_unknown_email(app, town):
    _client, wrong = _login(app, "roads@city.example", "nope")
    _client, unknown = _login(app, "nobody@city.example", "nope")
    assert wrong.status_code == unknown.status_code == 401
    assert "The e-mail or the password is wrong." in wrong.text or "邮箱或密码错误" in wrong.text


def test_a_post_without_a_valid_csrf_token_is_refused(app, town, sign_in):
    member = sign_in(town["roads_staff"])
    report_id = town["road_report"].id
    forged = member.post(f"/inbox/reports/{report_id}/act/acknowledge", token="forged")
    with app.app_context():
        missing = member.client.post(f"/inbox/reports/{report_id}/act/acknowledge", data={})
    assert forged.status_code == missing.status_code == 400
    db.session.expire_all()
    assert db.session.get(Report, report_id).status == "open"
    client = app.test_client()
    with app.app_context():
        refused = client.post("/inbox/login", data={"email": "roads@city.example", "password": PASSWORD})
    assert refused.status_code == 400  # the login form too


def test_the_sixth_wrong_attempt_locks_the_account_even_with_the_right_password(app, town):
    for _ in range(5):
        _login(app, "roads@city.example", "guess")
    _client, locked = _login(app, "roads@city.example", PASSWORD)
    assert locked.status_code == 429
    _client, other = _login(app, "parks@city.example", PASSWORD)  # other accounts are unaffected
    assert other.status_code == 302


def test_session_cookie_is_http_only_and_same_site_and_secure_behind_https(app, town):
    _client, response = _login(app, "roads@city.example", PASSWORD)
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    from backend import config

    assert config.load({"SQLALCHEMY_DATABASE_URI": "x", "REDIS_URL": "x"})["SESSION_COOKIE_SECURE"] is False
    import os

    os.environ["PUBLIC_BASE_URL"] = "https://crowdgov.example"
    try:
        assert config.load({"SQLALCHEMY_DATABASE_URI": "x", "REDIS_URL": "x"})["SESSION_COOKIE_SECURE"] is True
    finally:
        del os.environ["PUBLIC_BASE_URL"]


def test_changing_the_password_or_deactivating_signs_the_account_out(app, town):
    member = StaffClient(app, "roads@city.example")
    assert member.get("/inbox/").status_code == 200
    town["roads_staff"].password_hash = hash_password("a brand new password")
    db.session.commit()
    assert member.get("/inbox/").status_code == 302
    other = StaffClient(app, "parks@city.example")
    town["parks_staff"].active = False
    db.session.commit()
    assert other.get("/inbox/").status_code == 302


def test_sign_out(app, town):
    member = StaffClient(app, "roads@city.example")
    assert member.post("/inbox/logout").status_code == 302
    assert member.get("/inbox/").status_code == 302


def test_the_login_redirects_only_to_local_paths(app, town):
    client = app.test_client()
    with app.app_context():
        token = csrf_from(client.get("/inbox/login").text)
    with app.app_context():
        response = client.post("/inbox/login?next=https://evil.example/", data={
            "email": "roads@city.example", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/inbox/"


def test_signing_in_picks_the_accounts_language(app, town):
    _client, response = _login(app, "roads@city.example", PASSWORD)
    assert "lang=zh_Hans" in " ".join(response.headers.getlist("Set-Cookie"))
    client = StaffClient(app, "parks@city.example")
    assert '<html lang="zh-Hans">' in client.get("/inbox/").text
    assert '<html lang="en">' in client.get("/inbox/?lang=en").text


def test_failed_sign_ins_are_audited_and_redis_being_down_does_not_lock_staff_out(app, town, redis_server):
    from sqlalchemy import select

    from backend.audit.models import AuditEntry

    _login(app, "roads@city.example", "guess")
    assert db.session.scalars(select(AuditEntry.action)).all() == ["staff.login_failed"]
    redis_server.stop()
    _client, response = _login(app, "roads@city.example", PASSWORD)
    assert response.status_code == 302
