"""Cells of every CSV we publish, neutralized against formula injection.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and some with a leading
tab or carriage return) as a formula, so a report's text could make a journalist's copy of
the open data call out or run commands. Such text gets a leading apostrophe, which
spreadsheets show as text and strip. Numbers we write ourselves (a negative longitude)
are not text and stay numbers.
"""
from __future__ import annotations

from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value
