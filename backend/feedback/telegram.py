"""Sending one message through the Bot API from synchronous code (an RQ job)."""
from __future__ import annotations

import asyncio
import os

from flask import current_app
from telegram import Bot, LinkPreviewOptions
from telegram.error import NetworkError, TelegramError
from telegram.request import HTTPXRequest

# One event loop, Bot and HTTP connection pool per worker process, kept between jobs: a new one for
# each message cost a TLS handshake with Telegram per push. Keyed by process id (a forked work horse
# must not use its parent's sockets) and by token and base URL.
_client: dict[tuple[int, str, str], tuple[asyncio.AbstractEventLoop, Bot, HTTPXRequest]] = {}


def api_base() -> str:
    return (current_app.config.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/")


def _discard() -> None:
    """Close this process's client; forget one inherited from a parent without touching its sockets."""
    for (pid, _token, _base), (loop, _bot, request) in _client.items():
        if pid != os.getpid():
            continue
        try:
            loop.run_until_complete(request.shutdown())
            loop.close()
        except Exception:  # noqa: BLE001 - a broken client is being thrown away anyway
            pass
    _client.clear()


def _bot(token: str, base: str) -> tuple[asyncio.AbstractEventLoop, Bot]:
    key = (os.getpid(), token, base)
    if key not in _client:
        _discard()
        loop = asyncio.new_event_loop()
        request = HTTPXRequest(connect_timeout=5, read_timeout=10)
        bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)
        loop.run_until_complete(request.initialize())
        _client[key] = (loop, bot, request)
    loop, bot, _request = _client[key]
    return loop, bot


def send_message(chat_id: str, text: str) -> int:
    """Send `text`; returns Telegram's message id. Raises telegram.error.* as the Bot API answers."""
    loop, bot = _bot(current_app.config["TELEGRAM_BOT_TOKEN"], api_base())
    try:
        message = loop.run_until_complete(
            bot.send_message(int(chat_id), text, link_preview_options=LinkPreviewOptions(is_disabled=True)))
    except NetworkError:
        _discard()   # the connection may be half-broken: the next message opens a new one
        raise
    except TelegramError:
        raise        # an answer from Telegram (blocked, retry after…): the connection is fine
    except BaseException:
        _discard()   # e.g. the job's timeout fired inside the loop
        raise
    return message.message_id
