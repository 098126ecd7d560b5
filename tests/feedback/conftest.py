import pytest

from backend.extensions import db
from tests import factories as f
from tests.fakes.telegram_api import FakeTelegram

CITY = (121.40, 31.15, 121.55, 31.30)


@pytest.fixture
def telegram(app, monkeypatch):
    """A fake Bot API the pushes go to; the per-chat pause is off unless a test turns it on."""
    fake = FakeTelegram().start()
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", fake.token)
    monkeypatch.setitem(app.config, "TELEGRAM_API_URL", fake.url)
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_USERNAME", "")
    monkeypatch.setitem(app.config, "TELEGRAM_PER_CHAT_INTERVAL_MS", 0)
    yield fake
    fake.stop()


@pytest.fixture
def city():
    roads = f.department("roads", name_en="Roads Bureau", name_zh="道路局")
    f.area(roads, CITY)
    pothole = f.category("pothole", [roads], name_en="Pothole", name_zh="坑洼")
    db.session.commit()
    return {"roads": roads, "pothole": pothole}
