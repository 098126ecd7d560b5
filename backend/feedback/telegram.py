"""Sending one message through the Bot API from synchronous code (an RQ job)."""
from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

from flask import current_app
from telegram import Bot, LinkPreviewOptions
from telegram.error import NetworkError, TelegramError
from telegram.request import HTTPXRequest

# One event loop, Bot and HTTP connection pool per worker process, kept between jobs: a new one for
# each message cost a TLS handshake with Telegram per push. Keyed by process id (a forked work horse
# must not use its parent's sockets) and by token and base URL. The loop runs in its own thread so
# that a caller whose thread already runs a loop (an async host, a test's browser driver) can still
# send: run_until_complete would refuse there.
_client: dict[tuple[int, str, str], tuple[asyncio.AbstractEventLoop, threading.Thread, Bot, HTTPXRequest]] = {}
_TIMEOUT_S = 30


def api_base() -> str:
    return (current_app.config.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/")


def _run(loop: asyncio.AbstractEventLoop, coroutine) -> Any:
    return asyncio.run_coroutine_threadsafe(coroutine, loop).result(_TIMEOUT_S)


def _discard() -> None:
    """Close this process's client; forget one inherited from a parent without touching its sockets."""
    for (pid, _token, _base), (loop, thread, _bot, request) in _client.items():
        if pid != os.getpid():
            continue
        try:
            _run(loop, request.shutdown())
        except BaseException:  # noqa: BLE001 - a broken client is being thrown away anyway
            pass
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        if not thread.is_alive():
            loop.close()
    _client.clear()


def _bot(token: str, base: str) -> tuple[asyncio.AbstractEventLoop, Bot]:
    key = (os.getpid(), token, base)
    if key not in _client:
        _discard()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="telegram-push", daemon=True)
        thread.start()
        request = HTTPXRequest(connect_timeout=5, read_timeout=10)
        bot = Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot", request=request)
        _run(loop, request.initialize())
        _client[key] = (loop, thread, bot, request)
    loop, _thread, bot, _request = _client[key]
    return loop, bot


def send_message(chat_id: str, text: str) -> int:
    """Send `text`; returns Telegram's message id. Raises telegram.error.* as the Bot API answers."""
    loop, bot = _bot(current_app.config["TELEGRAM_BOT_TOKEN"], api_base())
    try:
        message = _run(loop, bot.send_message(int(chat_id), text,
                                              link_preview_options=LinkPreviewOptions(is_disabled=True)))
    except NetworkError:
        _discard()   # the connection may be half-broken: the next message opens a new one
        raise
    except TelegramError:
        raise        # an answer from Telegram (blocked, retry after…): the connection is fine
    except BaseException:
        _discard()   # e.g. the job's timeout fired inside the loop
        raise
    return message.message_id
