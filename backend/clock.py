"""The one clock of the application: timezone-aware UTC, replaceable by tests."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)


def utcnow() -> datetime:
    return _now()


def set_clock(fn: Callable[[], datetime] | None) -> None:
    """Tests move time with this; None restores the real clock."""
    global _now
    _now = fn or (lambda: datetime.now(timezone.utc))


def travel(delta) -> None:
    """Let time run on, shifted by `delta` (a timedelta) from the real clock."""
    set_clock(lambda: datetime.now(timezone.utc) + delta)
