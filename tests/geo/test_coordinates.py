import math

import pytest

from geo.coordinates import Bounds, validate_point
from geo.errors import GeoError

SHANGHAI = Bounds(min_long=121.3, min_lat=31.1, max_long=121.6, max_lat=31.35)


@pytest.mark.parametrize("lat, long, code", [
    (math.nan, 121.47, "invalid_coordinate"),
    (31.2, math.inf, "invalid_coordinate"),
    (-math.inf, 121.4, "invalid_coordinate"),
    ("", 121.4, "invalid_coordinate"),
    ("abc", 121.4, "invalid_coordinate"),
    (True, 121.4, "invalid_coordinate"),
    (None, 121.4, "invalid_coordinate"),
    (91, 121.4, "invalid_coordinate"),
    (31.2, 181, "invalid_coordinate"),
])
def test_bad_numbers_are_refused_with_a_reason(lat, long, code):
    with pytest.raises(GeoError) as err:
        validate_point(lat, long)
    assert err.value.code == code
    assert err.value.message


def test_swapped_coordinates_are_called_out():
    with pytest.raises(GeoError) as err:
        validate_point(121.47, 31.23, SHANGHAI)
    assert err.value.code == "swapped_coordinates"


def test_outside_the_service_area():
    with pytest.raises(GeoError) as err:
        validate_point(39.9, 116.4, SHANGHAI)  # Beijing
    assert err.value.code == "outside_service_area"


def test_strings_from_forms_are_accepted():
    assert validate_point(" 31.23 ", "121.47", SHANGHAI) == (31.23, 121.47)
