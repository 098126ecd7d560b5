"""The real bot Application against the fake Bot API and the real API served on loopback."""
from __future__ import annotations

import asyncio
import threading

import pytest
from werkzeug.serving import make_server

from bot.application import build, webhook_arguments
from bot.settings import BotSettings
from tests.city_fixture import city  # noqa: F401  (fixtures used by the bot tests)
from tests.feedback.conftest import telegram  # noqa: F401


@pytest.fixture
def api_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="api-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


class BotRunner:
    """Runs the bot's Application (long polling) in its own thread and event loop, as `crowdgov bot` would."""

    def __init__(self, settings: BotSettings) -> None:
        self.settings = settings
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.application = None

    def start(self) -> BotRunner:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="bot", daemon=True)
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(30)
        return self

    async def _start(self) -> None:
        self.application = build(self.settings)
        await self.application.initialize()
        await self.application.post_init(self.application)
        if self.settings.webhook_url:
            await self.application.updater.start_webhook(**webhook_arguments(self.settings))
        else:
            await self.application.updater.start_polling(poll_interval=0, timeout=2)
        await self.application.start()

    async def _stop(self) -> None:
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()
        await self.application.post_shutdown(self.application)

    def stop(self) -> None:
        if self.loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()
        self.loop = None


@pytest.fixture
def bot_settings(app, telegram, api_server):
    return BotSettings(token=telegram.token, api_url=api_server, channel_secret=app.config["BOT_CHANNEL_SECRET"],
                       redis_url=app.config["REDIS_URL"], telegram_api_url=telegram.url)


@pytest.fixture
def bot(bot_settings):
    runner = BotRunner(bot_settings).start()
    yield runner
    runner.stop()


class Chat:
    """One Telegram user talking to the bot through the fake Bot API."""

    def __init__(self, telegram, user_id: int, language: str = "en") -> None:
        self.telegram, self.user_id, self.language = telegram, user_id, language

    @property
    def messages(self) -> list[dict]:
        return self.telegram.messages_to(self.user_id)

    def _expect(self, before: int, expect: str) -> dict:
        def found():
            for m in self.messages[before:]:
                if expect in (m.get("text") or m.get("caption") or ""):
                    return m
            return None
        try:
            return self.telegram.wait_for(found)
        except AssertionError:
            raise AssertionError(f"bot never said {expect!r}; it said {[m.get('text') for m in self.messages[before:]]}")

    def send(self, text: str, expect: str) -> dict:
        before = len(self.messages)
        self.telegram.user_text(self.user_id, text, self.language)
        return self._expect(before, expect)

    def location(self, lat: float, long: float, expect: str, **kw) -> dict:
        before = len(self.messages)
        self.telegram.user_location(self.user_id, lat, long, self.language, **kw)
        return self._expect(before, expect)

    def venue(self, lat: float, long: float, title: str, address: str, expect: str) -> dict:
        before = len(self.messages)
        self.telegram.user_venue(self.user_id, lat, long, title, address, self.language)
        return self._expect(before, expect)

    def photo(self, content: bytes, expect: str) -> dict:
        before = len(self.messages)
        self.telegram.user_photo(self.user_id, content, self.language)
        return self._expect(before, expect)

    def sticker(self, expect: str) -> dict:
        before = len(self.messages)
        self.telegram.user_sticker(self.user_id, self.language)
        return self._expect(before, expect)

    def press(self, label_or_data: str, expect: str, message: dict | None = None) -> dict:
        """Press the button with this label (or callback data) on `message`, by default the latest that has it."""
        data = self.find_button(label_or_data, message)
        before = len(self.messages)
        self.telegram.user_press(self.user_id, data, message or self._with_button(data), self.language)
        return self._expect(before, expect)

    def _with_button(self, data: str) -> dict:
        return self.telegram.last_with_button(self.user_id, data)

    def find_button(self, label_or_data: str, message: dict | None = None) -> str:
        candidates = [message] if message else reversed(self.messages)
        for m in candidates:
            for text, data in self.telegram.buttons(m):
                if label_or_data in (text, data) or text.startswith(label_or_data):
                    return data
        raise AssertionError(f"no button {label_or_data!r}")


@pytest.fixture
def chat(telegram, bot):
    return Chat(telegram, 7001, "en")
