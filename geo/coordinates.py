"""Validating the coordinates people and programs send us."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from geo.errors import GeoError


@dataclass(frozen=True)
class Bounds:
    """A lon/lat box: the service area's extent."""

    min_long: float
    min_lat: float
    max_long: float
    max_lat: float

    def contains(self, lat: float, long: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_long <= long <= self.max_long


# A decimal number in ASCII, of a length no coordinate needs more of (float() would also take
# Unicode digits, underscores and hundreds of digits).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][+-]?[0-9]{1,3})?")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool):
        raise GeoError("invalid_coordinate", f"{name} must be a number, not a boolean")
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise GeoError("invalid_coordinate", f"{name} is empty")
        if not _DECIMAL.fullmatch(value) and value.lower() not in ("nan", "inf", "-inf", "infinity", "-infinity"):
            raise GeoError("invalid_coordinate", f"{name} must be a number, got {value[:40]!r}")
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise GeoError("invalid_coordinate", f"{name} must be a number, got {str(value)[:40]!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise GeoError("invalid_coordinate", f"{name} must be a finite number")
    return number


def validate_point(lat: object, long: object, bounds: Bounds | None = None) -> tuple[float, float]:
    """Return (lat, long) as floats, or raise GeoError saying what is wrong.

    With `bounds`, a point outside the service area is refused, and a point whose
    swapped coordinates would fall inside is called out as swapped.
    """
    lat_f = _number(lat, "lat")
    long_f = _number(long, "long")
    if not -90 <= lat_f <= 90:
        if -90 <= long_f <= 90 and -180 <= lat_f <= 180 and (bounds is None or bounds.contains(long_f, lat_f)):
            raise GeoError("swapped_coordinates", f"lat {lat_f} is out of range; latitude and longitude look swapped")
        raise GeoError("invalid_coordinate", f"lat must be between -90 and 90, got {lat_f}")
    if not -180 <= long_f <= 180:
        raise GeoError("invalid_coordinate", f"long must be between -180 and 180, got {long_f}")
    if bounds is not None and not bounds.contains(lat_f, long_f):
        if bounds.contains(long_f, lat_f):
            raise GeoError("swapped_coordinates", "latitude and longitude look swapped: the swapped point is inside the service area")
        raise GeoError("outside_service_area", "the point is outside the city's service area")
    return lat_f, long_f
