"""Text PostgreSQL cannot store: a NUL character in a query, form or JSON field.

Refused at the door (each door answers in its own error format) instead of failing as a
database error halfway through a transaction.
"""
from __future__ import annotations

from flask import request


def nul_field() -> str | None:
    """The name of the first field of the current request whose text holds a NUL, else None."""
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "")
    if request.is_json and b"\\u0000" in request.get_data(cache=True):
        return "body"
    return None
