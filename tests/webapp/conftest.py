"""The web app's fixtures: the shared small city, a real SMTP server, and phones (Chromium at a phone's size,
location granted and emulated)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.alerts.conftest import smtp  # noqa: F401
from tests.city_fixture import INSIDE, city  # noqa: F401

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "webapp"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def photo(tmp_path) -> Path:
    """A large camera-sized photo: the app must shrink it before sending."""
    from PIL import Image

    path = tmp_path / "camera.jpg"
    image = Image.new("RGB", (4000, 3000), (128, 118, 104))
    image.paste((35, 30, 28), (1200, 900, 2800, 2100))
    image.save(path, quality=92)
    return path


@pytest.fixture
def public_base(app, live_server, monkeypatch):
    """Links the platform writes (public pages, e-mails) point at the live server."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    return live_server


@pytest.fixture
def phone(browser, live_server, public_base):
    """open(language, **context options) -> a page of the app on a fresh phone; console errors collected."""
    contexts = []

    def open_phone(language: str = "en", *, at=INSIDE, **options):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
                                      locale="en-GB" if language == "en" else "zh-CN",
                                      geolocation={"latitude": at[0], "longitude": at[1], "accuracy": 8},
                                      permissions=["geolocation"], **options)
        context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield open_phone
    for context in contexts:
        context.close()


def shot(page, name: str, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Photos and thumbnails drawn before the picture is taken.
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
