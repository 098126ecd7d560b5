"""Waiting on a condition (another process's progress), never on the clock alone."""
from __future__ import annotations

import threading
import time
from typing import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 60.0, poll: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        pause.wait(poll)
