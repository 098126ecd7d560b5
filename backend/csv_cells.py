"""Every CSV we publish: cells neutralized against formula injection, rows that stay rows.

A spreadsheet runs a cell that begins with `=`, `+`, `-` or `@` (and some with a leading
tab or carriage return) as a formula, so a report's text could make a journalist's copy of
the open data call out or run commands. Such text gets a leading apostrophe, which
spreadsheets show as text and strip. Numbers we write ourselves (a negative longitude)
are not text and stay numbers.

Rows end in CRLF (RFC 4180): Python's csv module quotes a cell holding a line-end character
only when that character is in its line terminator, so with a bare "\\n" a carriage return
stored in a description would split the row for every reader.
"""
from __future__ import annotations

import csv
from typing import IO, Any, Sequence

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LINE_END = "\r\n"


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


class SafeWriter:
    """csv.writer whose every cell passes through `safe_cell`."""

    def __init__(self, out: IO[str]):
        self._writer = csv.writer(out, lineterminator=LINE_END)

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """csv.DictWriter whose every value passes through `safe_cell`."""

    def __init__(self, out: IO[str], fieldnames: Sequence[str]):
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, lineterminator=LINE_END)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerow(self, row: dict[str, Any]) -> None:
        self._writer.writerow({key: safe_cell(value) for key, value in row.items()})
