"""Open311's parameters, parsed once: ids, whole numbers, W3C datetimes, the date window.

Every value that does not fit is an Open311Error (400, or the spec's 404 for a request id
that cannot exist), never an exception from Python or PostgreSQL further in.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from werkzeug.datastructures import MultiDict

from backend.clock import utcnow
from backend.database_ids import MAX_ID
from backend.open311.formats import Open311Error

WINDOW = timedelta(days=90)
# Dates a city's records can hold, far enough from datetime's own ends (years 1 and 9999)
# that a time zone or the 90-day window never overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(2999, 12, 31, tzinfo=timezone.utc)
_ASCII_DIGITS = re.compile(r"[0-9]{1,12}")


def param(args: MultiDict, name: str) -> str | None:
    """A parameter's value; an empty one counts as absent (spec: optional means optional)."""
    value = args.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def as_list(args: MultiDict, name: str) -> list[str]:
    """A comma-delimited list; also accepts the parameter repeated."""
    values = []
    for raw in args.getlist(name):
        values += [v.strip() for v in raw.split(",") if v.strip()]
    return values


def request_id(raw: str | None) -> int | None:
    """A service_request_id that can name a report: ASCII digits within PostgreSQL's integer; else None.

    (Unicode digits pass str.isdigit() but not int(); a number beyond 2**31-1 cannot be an id.)
    """
    if raw is None or not _ASCII_DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def whole_number(args: MultiDict, name: str, default: int, maximum: int) -> int:
    raw = param(args, name)
    if raw is None:
        return default
    if not _ASCII_DIGITS.fullmatch(raw) or not 1 <= int(raw) <= maximum:
        raise Open311Error(400, f"{name} must be a whole number from 1 to {maximum}")
    return int(raw)


def parse_datetime(value: str | None, name: str) -> datetime | None:
    """A W3C datetime, in UTC; without an offset it is read in the city's zone."""
    if value is None:
        return None
    shape = f"{name} must be a W3C datetime from 1970 to 2999, such as 2026-01-01T00:00:00Z"
    try:
        # A "+" in an offset that a careless client did not encode arrives as a space.
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "+") if "T" in value else value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(current_app.config["CITY_TIMEZONE"]))
        parsed = parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise Open311Error(400, shape) from None
    if not EARLIEST <= parsed <= LATEST:
        raise Open311Error(400, shape)
    return parsed


def date_window(args: MultiDict) -> tuple[datetime, datetime]:
    """start/end: 90 days at most; either alone extends 90 days from it; neither = the last 90 days."""
    start = parse_datetime(param(args, "start_date"), "start_date")
    end = parse_datetime(param(args, "end_date"), "end_date")
    if start is None and end is None:
        end = utcnow()
        start = end - WINDOW
    elif start is None:
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    return start, end
