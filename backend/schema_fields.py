"""Marshmallow fields over `backend.parameters`: the API's schemas parse ids, numbers,
coordinates, moments and text with the same functions as every other door, and the OpenAPI
document describes them as what they are (numbers as numbers, text with its limit)."""
from __future__ import annotations

from typing import Any, Callable

from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from backend import parameters
from backend.errors import ValidationFailed


def _parsed(parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except ValidationFailed as exc:
        raise ValidationError(exc.message) from None


class _Coordinate(fields.Field):
    """A coordinate as a JSON number (or a decimal string in a form), documented as a number.

    Its home parser is `geo.coordinates.validate_point`, called by the services with both halves
    at once: it alone can tell a swapped pair or a place outside the service area, and it answers
    `invalid_coordinate` for anything that is not a finite number. Here only the type is checked."""

    description = ""
    bounds = (0.0, 0.0)

    def __init__(self, **kwargs: Any) -> None:
        low, high = self.bounds
        kwargs["metadata"] = {"description": self.description, "minimum": low, "maximum": high,
                              **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and len(value) > 64:
            raise ValidationError(_("Not a coordinate."))
        return value


class Latitude(_Coordinate):
    description = "Latitude, WGS84"
    bounds = (-90.0, 90.0)


class Longitude(_Coordinate):
    description = "Longitude, WGS84"
    bounds = (-180.0, 180.0)


class Number(fields.Field):
    def __init__(self, *, minimum: float | None = None, maximum: float | None = None, **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        return _parsed(lambda: parameters.number(value, attr or "value", minimum=self.minimum, maximum=self.maximum))


class Integer(fields.Field):
    def __init__(self, *, minimum: int = -parameters.MAX_ID - 1, maximum: int = parameters.MAX_ID,
                 **kwargs: Any) -> None:
        self.minimum, self.maximum = minimum, maximum
        kwargs["metadata"] = {"minimum": minimum, "maximum": maximum, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        return _parsed(lambda: parameters.integer(value, attr or "value", minimum=self.minimum, maximum=self.maximum))


class Id(Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(minimum=1, maximum=parameters.MAX_ID, **kwargs)


class Text(fields.String):
    """Free text: cleaned of control characters, NUL and lone surrogates refused, bounded."""

    def __init__(self, *, max_length: int, multiline: bool = True, **kwargs: Any) -> None:
        self.max_length, self.multiline = max_length, multiline
        kwargs.setdefault("metadata", {}).setdefault("maxLength", max_length)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        return _parsed(lambda: parameters.text(value, attr or "text", max_length=self.max_length,
                                                multiline=self.multiline, required=self.required))


class Moment(fields.DateTime):
    """An ISO 8601 date and time, as aware UTC (an offset-less one is read as UTC)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any):
        return _parsed(lambda: parameters.moment(value, attr or "at"))


# OpenAPI types for apispec's marshmallow plugin (fields it does not know are "string" otherwise).
OPENAPI_TYPES: dict[type, tuple[str, str | None]] = {
    Latitude: ("number", "double"), Longitude: ("number", "double"), Number: ("number", "double"),
    Integer: ("integer", "int32"), Id: ("integer", "int32"), Text: ("string", None), Moment: ("string", "date-time"),
}
