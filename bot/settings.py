"""The bot's settings, from the environment (`crowdgov bot` fills in what the web process knows)."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class BotSettings:
    token: str
    api_url: str
    channel_secret: str
    redis_url: str
    telegram_api_url: str = "https://api.telegram.org"
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    default_language: str = "zh_Hans"
    public_url: str = ""  # the public web site (the leaderboard page); API_URL when empty

    @property
    def bot_base_url(self) -> str:
        return self.telegram_api_url.rstrip("/") + "/bot"

    @property
    def file_base_url(self) -> str:
        # The Bot API serves files under <server>/file/bot<token>/<path>.
        return self.telegram_api_url.rstrip("/") + "/file/bot"


def from_environment(**defaults: str) -> BotSettings:
    """Environment variables win over `defaults` (which `crowdgov bot` takes from the app's configuration)."""
    def get(name: str, fallback: str = "") -> str:
        return os.environ.get(name) or defaults.get(name) or fallback

    return BotSettings(
        token=get("TELEGRAM_BOT_TOKEN"),
        api_url=get("API_URL", "http://127.0.0.1:5000").rstrip("/"),
        channel_secret=get("BOT_CHANNEL_SECRET"),
        redis_url=get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        telegram_api_url=get("TELEGRAM_API_URL", "https://api.telegram.org"),
        webhook_url=get("WEBHOOK_URL"),
        webhook_secret=get("WEBHOOK_SECRET"),
        webhook_listen=get("WEBHOOK_LISTEN", "127.0.0.1"),
        webhook_port=int(get("WEBHOOK_PORT", "8443")),
        default_language=get("DEFAULT_LANGUAGE", "zh_Hans"),
        public_url=get("PUBLIC_BASE_URL").rstrip("/"),
    )
