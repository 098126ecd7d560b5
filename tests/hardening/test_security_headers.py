"""Every web page carries the security headers; no page has an inline script the CSP would
have to allow; the staff session cookie is HttpOnly, SameSite and (over HTTPS) Secure."""
import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live_server import CHROMIUM, CHROMIUM_FLAGS

from tests.staff_city import PASSWORD, StaffClient

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _csp(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_hardened(response, url):
    csp = _csp(response)
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts, f"{url}: no script policy"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, url
    assert not any(s in ("*", "http:", "https:", "data:") for s in scripts), url
    assert csp.get("frame-ancestors") == ["'none'"], url
    assert csp.get("object-src") == ["'none'"], url
    assert response.headers.get("X-Frame-Options") == "DENY", url
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url
    if "text/html" in response.content_type:
        assert not INLINE_SCRIPT.search(response.text), f"{url}: inline <script>"
        assert not EVENT_HANDLER.search(response.text), f"{url}: inline event handler"


def _public_urls(app, report_id):
    urls = {f"/r/{report_id}", "/api/v1/docs", "/api/v1/openapi.json", "/no-such-page"}
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/inbox", "/healthz")):
            urls.add(rule.rule)
    return sorted(urls)


def test_every_public_page_and_the_api_docs_are_hardened(app, client, town):
    checked = 0
    for url in _public_urls(app, town["road_report"].id):
        response = client.get(url)
        assert response.status_code < 500, url
        assert_hardened(response, url)
        response.close()  # the open-data downloads are streamed
        checked += 1
    assert checked >= 8


def test_every_staff_page_is_hardened(app, town, sign_in):
    admin = sign_in(town["admin"])
    urls = {"/inbox/login", f"/inbox/reports/{town['road_report'].id}"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/inbox") and "GET" in rule.methods and not rule.arguments:
            urls.add(rule.rule)
    pages = 0
    for url in sorted(urls):
        response = admin.get(url)
        assert response.status_code < 500, url
        assert_hardened(response, url)
        pages += "text/html" in response.content_type
    assert pages >= 8


def test_open311_and_api_errors_are_hardened_too(client):
    for url in ("/open311/v2/services.json", "/api/v1/me", "/api/v1/nothing-here"):
        assert_hardened(client.get(url), url)


def _set_cookies(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_the_staff_session_cookie_is_httponly_samesite_and_not_readable_by_scripts(app, town):
    staff = StaffClient(app, town["roads_staff"].email, PASSWORD)
    login = staff.client.get("/inbox/login")
    assert "session" in _set_cookies(login) or staff.client.get_cookie("session")
    cookie = staff.client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_over_https_the_session_cookie_is_secure(app, town, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    client = app.test_client()
    with app.app_context():
        page = client.get("/inbox/login", base_url="https://city.example")
    cookies = _set_cookies(page)
    assert "session" in cookies, "the login page sets the session (it holds the CSRF secret)"
    attributes = [a.strip().lower() for a in cookies["session"].split(";")]
    assert "secure" in attributes and "httponly" in attributes and "samesite=lax" in attributes
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    with app.app_context():
        signed_in = client.post("/inbox/login", data={"csrf_token": token, "email": town["admin"].email,
                                                      "password": PASSWORD}, base_url="https://city.example")
    assert signed_in.status_code == 302
    for name, header in _set_cookies(signed_in).items():
        attributes = [a.strip().lower() for a in header.split(";")]
        assert "secure" in attributes, name
        if name in ("session", "remember_token"):
            assert "httponly" in attributes, name


OUT = Path(__file__).resolve().parents[2] / "test-output" / "hardening"


@contextmanager
def csp_watched_page(viewport: dict):
    """A Chromium page; yields it with the list its CSP violations are collected in."""
    OUT.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport=viewport)
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        try:
            yield page, violations
        finally:
            browser.close()


@pytest.mark.browser
def test_swagger_ui_works_under_the_csp(live_server):
    spec_loaded = []
    with csp_watched_page({"width": 1280, "height": 1200}) as (page, violations):
        page.on("response", lambda r: spec_loaded.append(r.status) if r.url.endswith("/openapi.json") else None)
        response = page.goto(f"{live_server}/api/v1/docs")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock-summary-path", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        page.screenshot(path=str(OUT / "swagger-ui-under-csp.png"))
    assert spec_loaded == [200]
    assert any("/api/v1/reports" in p for p in paths)
    assert not violations, violations


@pytest.mark.browser
def test_the_public_maps_start_under_the_csp(live_server, town):
    with csp_watched_page({"width": 1280, "height": 900}) as (page, violations):
        page.goto(f"{live_server}/r/{town['road_report'].id}")
        page.wait_for_selector("#report-map .leaflet-marker-icon, #report-map .leaflet-interactive", timeout=20_000)
        page.screenshot(path=str(OUT / "public-report-under-csp.png"))
        page.goto(f"{live_server}/explore")
        page.wait_for_function("() => document.getElementById('map').dataset.loads >= 1", timeout=20_000)
        page.screenshot(path=str(OUT / "explore-under-csp.png"))
    assert not violations, violations
