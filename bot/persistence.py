"""Conversation state and per-user data kept in Redis (JSON, not pickle), so a restarted
bot process picks every conversation up where it was."""
from __future__ import annotations

import json
from typing import Any

from redis.asyncio import Redis
from telegram.ext import BasePersistence, PersistenceInput


class RedisPersistence(BasePersistence):
    def __init__(self, redis_url: str, prefix: str = "crowdgov:bot", update_interval: float = 1.0) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True,
                                                     callback_data=False),
                         update_interval=update_interval)
        self.redis = Redis.from_url(redis_url, decode_responses=True)
        self.prefix = prefix

    def _key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    async def get_user_data(self) -> dict[int, dict]:
        raw = await self.redis.hgetall(self._key("user_data"))
        return {int(k): json.loads(v) for k, v in raw.items()}

    async def update_user_data(self, user_id: int, data: dict) -> None:
        await self.redis.hset(self._key("user_data"), str(user_id), json.dumps(data, default=str))

    async def drop_user_data(self, user_id: int) -> None:
        await self.redis.hdel(self._key("user_data"), str(user_id))

    async def refresh_user_data(self, user_id: int, user_data: dict) -> None:
        pass

    async def get_conversations(self, name: str) -> dict:
        raw = await self.redis.hgetall(self._key("conversation", name))
        return {tuple(json.loads(k)): json.loads(v) for k, v in raw.items()}

    async def update_conversation(self, name: str, key: tuple, new_state: object | None) -> None:
        field = json.dumps(list(key))
        if new_state is None:
            await self.redis.hdel(self._key("conversation", name), field)
        else:
            await self.redis.hset(self._key("conversation", name), field, json.dumps(new_state))

    # Chat data, bot data and callback data are not kept (store_data says so); PTB still
    # requires the methods.
    async def get_chat_data(self) -> dict[int, Any]:
        return {}

    async def get_bot_data(self) -> dict:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Any) -> None:
        pass

    async def update_bot_data(self, data: Any) -> None:
        pass

    async def update_callback_data(self, data: Any) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: Any) -> None:
        pass

    async def refresh_bot_data(self, bot_data: Any) -> None:
        pass

    async def flush(self) -> None:
        await self.redis.aclose()


