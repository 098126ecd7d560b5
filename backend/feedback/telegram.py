"""Sending one message through the Bot API from synchronous code (an RQ job)."""
from __future__ import annotations

import asyncio

from flask import current_app
from telegram import Bot, LinkPreviewOptions
from telegram.request import HTTPXRequest


def api_base() -> str:
    return (current_app.config.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/")


def send_message(chat_id: str, text: str) -> int:
    """Send `text`; returns Telegram's message id. Raises telegram.error.* as the Bot API answers."""
    token, base = current_app.config["TELEGRAM_BOT_TOKEN"], api_base()

    async def send() -> int:
        # The Bot and its HTTP client belong to this event loop only: made here, closed here.
        request = HTTPXRequest(connect_timeout=5, read_timeout=10)
        bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)
        await request.initialize()
        try:
            message = await bot.send_message(int(chat_id), text,
                                             link_preview_options=LinkPreviewOptions(is_disabled=True))
            return message.message_id
        finally:
            await request.shutdown()

    return asyncio.run(send())
