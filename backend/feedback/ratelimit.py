"""Telegram's sending limits, shared by every worker process through Redis.

About 30 messages a second overall and one a second per chat. Time comes from the
application clock (the real one in production), so tests move it instead of sleeping.
"""
from __future__ import annotations

from flask import current_app

from backend import jobqueue
from backend.clock import utcnow

# KEYS: the chat's key, the global key of the current second.
# ARGV: now (ms), per-chat interval (ms), global limit, end of the current second (ms).
# Returns 0 when a message may go now (and books it), else milliseconds to wait.
_ACQUIRE = """
local now = tonumber(ARGV[1])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
if next_free > now then return next_free - now end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= tonumber(ARGV[3]) then return math.max(1, tonumber(ARGV[4]) - now) end
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 10)
if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], now + tonumber(ARGV[2]), 'EX', 3600) end
return 0
"""

# Pushes the chat's next free time forward (Telegram said RetryAfter), never backward.
_HOLD = """
local until_ms = tonumber(ARGV[1])
local next_free = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ms > next_free then redis.call('SET', KEYS[1], until_ms, 'EX', 3600) end
return 0
"""


def _now_ms() -> int:
    return int(utcnow().timestamp() * 1000)


def _chat_key(chat_id: str) -> str:
    return f"crowdgov:telegram:chat:{chat_id}"


def acquire(chat_id: str) -> float:
    """Book a send to `chat_id` now if the limits allow: returns 0.0, else the seconds to wait."""
    now = _now_ms()
    second = now // 1000
    wait_ms = jobqueue.redis_connection().eval(
        _ACQUIRE, 2, _chat_key(chat_id), f"crowdgov:telegram:global:{second}",
        now, current_app.config["TELEGRAM_PER_CHAT_INTERVAL_MS"],
        current_app.config["TELEGRAM_GLOBAL_PER_SECOND"], (second + 1) * 1000)
    return int(wait_ms) / 1000.0


def hold(chat_id: str, seconds: float) -> None:
    """Send nothing more to this chat for `seconds` (after a RetryAfter from Telegram)."""
    jobqueue.redis_connection().eval(_HOLD, 1, _chat_key(chat_id), _now_ms() + int(seconds * 1000))
