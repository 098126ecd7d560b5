"""Updates of different chats at once, those of one chat in order.

python-telegram-bot handles one update at a time unless told otherwise, so every user waited for
everyone else's API round trips (bench/botload.py). Handling them all concurrently would let two
updates of one conversation race (a photo before the location it follows); a lock per chat keeps
each chat's updates in the order they arrived while other chats go on.
"""
from __future__ import annotations

import asyncio
from typing import Any, Awaitable

from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 32


def _chat_key(update: object) -> int | None:
    chat = getattr(update, "effective_chat", None)
    if chat is not None:
        return chat.id
    user = getattr(update, "effective_user", None)
    return user.id if user is not None else None


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:   # nobody else of this chat queued: forget its lock
                del self._waiting[key], self._locks[key]

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass
