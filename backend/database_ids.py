"""Ids in URLs are PostgreSQL integers: a larger number in a path is simply not found.

Werkzeug's <int:...> accepts any size, and PostgreSQL would fail the query (a 500) for an
id beyond 2**31 - 1; this converter replaces it app-wide, before any route is added. The
bound is in the regex (not only `max`) so that a too-large number does not match the rule
at all and falls through to the area's own "not found" (the API answers JSON).
"""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


# 0 … 2147483647, digit by digit.
ID_PATTERN = ("(?:\\d{1,9}|1\\d{9}|20\\d{8}|21[0-3]\\d{7}|214[0-6]\\d{6}|2147[0-3]\\d{5}|21474[0-7]\\d{4}"
              "|214748[0-2]\\d{3}|2147483[0-5]\\d{2}|21474836[0-3]\\d|214748364[0-7])")


class DatabaseIdConverter(IntegerConverter):
    regex = ID_PATTERN

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002  (werkzeug's signature)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
