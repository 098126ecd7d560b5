"""Which door a request came through, by the prefix of its path, and how that door answers
an error that reached no view of its own: routing errors (an unknown address, a method the
address does not take) and errors raised before any view (the app-wide text check).

The API answers JSON, Open311 its spec's error list; every other path gets the public site's
branded page (`backend/public/error_pages.py`, which consults this table first).
"""
from __future__ import annotations

from typing import Callable

from flask import Response, request

ErrorAnswer = Callable[[Exception], Response | tuple]
_doors: dict[str, ErrorAnswer] = {}


def register(prefix: str, answer: ErrorAnswer) -> None:
    _doors[prefix.rstrip("/")] = answer


def answer_for_request() -> ErrorAnswer | None:
    for prefix, answer in _doors.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return answer
    return None
