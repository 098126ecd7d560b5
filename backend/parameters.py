"""Typed parsers for every value that comes through a door: ids, integers, numbers,
coordinates, days, moments, free text, choices, flags, lists and JSON fields.

Every door (the API's schemas through `backend.schema_fields`, Open311, the public pages and
map, open data, the leaderboard, the staff inbox's forms and filters) and every service that
accepts raw values parses them here, so a value that does not fit is one clear
`ValidationFailed` naming the field — a 4xx at any door, never a 500 — and the next parameter
added cannot reopen a class of crash that was closed once:

- numbers are read from ASCII digits of bounded length before Python converts them, so
  hundreds of digits, `1e400`, NaN, infinities and Unicode digits (`²`, `①`, which
  `str.isdigit()` accepts and `int()` refuses) are refused, and ids stay inside PostgreSQL's
  32-bit `integer`;
- days and moments lie within `EARLIEST`…`LATEST`, so adding a time zone or a default window
  to them cannot overflow Python's `date` (years 1…9999);
- text holds nothing PostgreSQL (or an XML document) cannot: NUL and lone UTF-16 surrogates
  are refused, other control characters than tab and newline are removed, CR LF becomes LF;
- JSON inside a form field is depth-checked before it is decoded, so nesting cannot exhaust
  the recursion limit.
"""
from __future__ import annotations

import json
import math
import re
from datetime import date, datetime, time, timezone, tzinfo
from typing import Any, Iterable, Sequence

from flask_babel import gettext as _

from backend.errors import ValidationFailed

MAX_ID = 2**31 - 1
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
INVALID = "invalid_input"

_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,3})?")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters PostgreSQL stores but that break XML and terminals; tab and newline stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def refuse(name: str, why: str, message: str | None = None, code: str = INVALID) -> ValidationFailed:
    """The one error every parser raises: `fields` names the parameter and says, in the request's
    language, what fits (`why` is the plain English of it, for a message nobody wrote yet)."""
    message = message or _("The value of %(name)s is not valid: %(why)s.", name=name, why=why)
    return ValidationFailed(code, message, {name: message})


def _raw(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    return value.strip() if isinstance(value, str) else str(value)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def integer(value: Any, name: str, *, minimum: int = -MAX_ID - 1, maximum: int = MAX_ID,
            code: str = INVALID) -> int:
    """A whole number written in ASCII digits, within [minimum, maximum]."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raw = _raw(value)
        if isinstance(value, float) and value.is_integer():
            raw = str(int(value)) if abs(value) < 1e18 else raw
        if raw is None or not _INTEGER.fullmatch(raw):
            raise refuse(name, "a whole number", _("%(name)s must be a whole number.", name=name), code)
        number = int(raw)
    if not minimum <= number <= maximum:
        raise refuse(name, f"between {minimum} and {maximum}",
                     _("%(name)s must be between %(low)d and %(high)d.", name=name, low=minimum, high=maximum), code)
    return number


def optional_integer(value: Any, name: str, *, default: int | None = None, **bounds: int) -> int | None:
    return default if is_blank(value) else integer(value, name, **bounds)


def identifier(value: Any, name: str, code: str = INVALID) -> int:
    """A database id: 1 … 2³¹−1 (PostgreSQL `integer`)."""
    return integer(value, name, minimum=1, maximum=MAX_ID, code=code)


def optional_identifier(value: Any, name: str, code: str = INVALID) -> int | None:
    return None if is_blank(value) else identifier(value, name, code)


def identifiers(values: Iterable[Any] | str | None, name: str, *, limit: int = 1000, code: str = INVALID) -> list[int]:
    """Ids from a comma-separated string or a list of values (form fields repeated), duplicates dropped."""
    if values is None:
        return []
    items = values.split(",") if isinstance(values, str) else list(values)
    items = [v for v in items if not is_blank(v)]
    if len(items) > limit:
        raise refuse(name, f"at most {limit} ids", _("%(name)s may list at most %(n)d ids.", name=name, n=limit), code)
    return list(dict.fromkeys(identifier(v, name, code) for v in items))


def number(value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None,
           code: str = INVALID) -> float:
    """A finite decimal number (ASCII, bounded length), within [minimum, maximum]."""
    if isinstance(value, float):
        result = value
    else:
        # An int is read as its digits too: float() of one with hundreds of digits overflows.
        raw = _raw(value)
        if raw is None or not _NUMBER.fullmatch(raw):
            raise refuse(name, "a number", _("%(name)s must be a number.", name=name), code)
        result = float(raw)
    if not math.isfinite(result):
        raise refuse(name, "a finite number", _("%(name)s must be a number.", name=name), code)
    if (minimum is not None and result < minimum) or (maximum is not None and result > maximum):
        low = "-∞" if minimum is None else f"{minimum:g}"
        high = "∞" if maximum is None else f"{maximum:g}"
        raise refuse(name, f"between {low} and {high}",
                     _("%(name)s must be between %(low)s and %(high)s.", name=name, low=low, high=high), code)
    return result


def optional_number(value: Any, name: str, *, default: float | None = None, **bounds: Any) -> float | None:
    return default if is_blank(value) else number(value, name, **bounds)


def latitude(value: Any, name: str = "lat", code: str = INVALID) -> float:
    return number(value, name, minimum=-90, maximum=90, code=code)


def longitude(value: Any, name: str = "long", code: str = INVALID) -> float:
    return number(value, name, minimum=-180, maximum=180, code=code)


def _check_year(value: date, name: str, code: str) -> None:
    if not EARLIEST <= value <= LATEST:
        raise refuse(name, f"between {EARLIEST.isoformat()} and {LATEST.isoformat()}",
                     _("%(name)s must be a date between %(first)s and %(last)s.", name=name,
                       first=EARLIEST.isoformat(), last=LATEST.isoformat()), code)


def day(value: Any, name: str, code: str = INVALID) -> date:
    """A calendar day written YYYY-MM-DD, between EARLIEST and LATEST."""
    if isinstance(value, date) and not isinstance(value, datetime):
        result = value
    else:
        raw = _raw(value)
        try:
            if raw is None or not _DAY.fullmatch(raw):
                raise ValueError
            result = date.fromisoformat(raw)
        except ValueError:
            raise refuse(name, "YYYY-MM-DD", _("%(name)s must be a date such as 2024-05-31.", name=name),
                         code) from None
    _check_year(result, name, code)
    return result


def optional_day(value: Any, name: str, code: str = INVALID) -> date | None:
    return None if is_blank(value) else day(value, name, code)


def moment(value: Any, name: str, *, assume: tzinfo = timezone.utc, code: str = INVALID) -> datetime:
    """An ISO 8601 date and time (W3C form; a bare day means its midnight), as aware UTC.

    A moment without an offset is read in `assume` (the city's zone where a door says so)."""
    if isinstance(value, datetime):
        result = value
    else:
        raw = _raw(value)
        if raw is None or len(raw) > 40:
            raise refuse(name, "an ISO 8601 date and time",
                         _("%(name)s must be a date and time such as 2024-05-31T08:00:00+08:00.", name=name), code)
        text = raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw
        try:
            result = datetime.combine(date.fromisoformat(text), time.min) if _DAY.fullmatch(text) \
                else datetime.fromisoformat(text)
        except ValueError:
            raise refuse(name, "an ISO 8601 date and time",
                         _("%(name)s must be a date and time such as 2024-05-31T08:00:00+08:00.", name=name),
                         code) from None
    _check_year(result.date(), name, code)
    if result.tzinfo is None:
        result = result.replace(tzinfo=assume)
    return result.astimezone(timezone.utc)


def optional_moment(value: Any, name: str, *, assume: tzinfo = timezone.utc, code: str = INVALID) -> datetime | None:
    return None if is_blank(value) else moment(value, name, assume=assume, code=code)


def clean_text(value: str) -> str:
    """Text as we store and publish it: CR LF → LF, control characters other than tab and newline removed.

    NUL and lone surrogates are not cleaned but refused by `text()`: they mean a broken client."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


# What XML 1.0 can carry (tab, newline, carriage return and everything from U+0020 except
# surrogates and U+FFFE/U+FFFF). Anything else is what breaks a client's parser.
_UNCARRIED = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def printable(value: str) -> str:
    """`value` without the characters no document may carry: a lone surrogate becomes U+FFFD
    (something was there), any other such character is removed. Used on the way out (Open311's
    XML and JSON), so a stored control character never silences a client's feed."""
    return _UNCARRIED.sub("", _SURROGATE.sub("\ufffd", value))


def unstorable(value: str) -> str | None:
    """Why PostgreSQL could not store `value` (a NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "contains a lone UTF-16 surrogate"
    return None


def text(value: Any, name: str, *, max_length: int, required: bool = False, multiline: bool = True,
         code: str = INVALID) -> str:
    """Free text, stripped and cleaned; at most `max_length` characters; '' when absent unless required."""
    if value is None:
        raw = ""
    elif isinstance(value, str):
        raw = value
    else:
        raise refuse(name, "text", _("%(name)s must be text.", name=name), code)
    why = unstorable(raw)
    if why:
        raise refuse(name, why, _("Text must be UTF-8 without NUL characters."), "invalid_text")
    cleaned = clean_text(raw)
    if not multiline:
        cleaned = " ".join(cleaned.split())
    cleaned = cleaned.strip()
    if required and not cleaned:
        raise refuse(name, "required", _("%(name)s is required.", name=name), code)
    if len(cleaned) > max_length:
        raise refuse(name, f"at most {max_length} characters",
                     _("%(name)s is too long (at most %(n)d characters).", name=name, n=max_length), code)
    return cleaned


def choice(value: Any, name: str, choices: Sequence[str], *, default: str | None = None, code: str = INVALID) -> str:
    """One of `choices` (exactly); blank gives `default` when there is one."""
    if is_blank(value) and default is not None:
        return default
    raw = _raw(value)
    if raw not in choices:
        listed = ", ".join(choices)
        raise refuse(name, f"one of {listed}", _("%(name)s must be one of: %(choices)s.", name=name, choices=listed),
                     code)
    return raw


def flag(value: Any, name: str, *, default: bool | None = None, code: str = INVALID) -> bool | None:
    """true/false, yes/no, 1/0, on/off; blank gives `default`."""
    if isinstance(value, bool):
        return value
    if is_blank(value):
        return default
    raw = str(value).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise refuse(name, "true or false", _("%(name)s must be true or false.", name=name), code)


def words(value: Any, name: str, *, limit: int = 100, max_length: int = 100, code: str = INVALID) -> list[str]:
    """A comma-separated list of short codes (or repeated fields), blanks dropped."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    result = [text(v, name, max_length=max_length, multiline=False, code=code) for v in items]
    result = [v for v in result if v]
    if len(result) > limit:
        raise refuse(name, f"at most {limit} values",
                     _("%(name)s may have at most %(n)d values.", name=name, n=limit), code)
    return result


def json_depth_exceeds(raw: str, max_depth: int) -> bool:
    """Whether the JSON text nests deeper than max_depth, read without recursion (strings skipped)."""
    depth, in_string, escaped = 0, False, False
    for char in raw:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def json_value(value: Any, name: str, *, max_depth: int = 20, max_length: int = 100_000, code: str = INVALID) -> Any:
    """JSON held in a form field: bounded in size and depth; no string in it holds NUL or a lone surrogate."""
    raw = _raw(value)
    if raw is None or raw == "":
        raise refuse(name, "JSON", _("%(name)s must be JSON.", name=name), code)
    if len(raw) > max_length:
        raise refuse(name, f"at most {max_length} characters",
                     _("%(name)s is too long (at most %(n)d characters).", name=name, n=max_length), code)
    if json_depth_exceeds(raw, max_depth):
        raise refuse(name, f"nested at most {max_depth} deep", _("%(name)s is nested too deeply.", name=name), code)
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise refuse(name, "JSON", _("%(name)s must be JSON.", name=name), code) from None
    bad = unstorable_in(decoded)
    if bad:
        raise refuse(name, bad, _("Text must be UTF-8 without NUL characters."), "invalid_text")
    return decoded


def unstorable_in(decoded: Any) -> str | None:
    """Why some string (or key) inside decoded JSON could not be stored, walked without recursion."""
    stack = [decoded]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            why = unstorable(item)
            if why:
                return why
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
