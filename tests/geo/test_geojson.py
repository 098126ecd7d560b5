import json

import pytest

from geo.distance import haversine_m
from geo.errors import GeoError
from geo.geojson import parse_multipolygon

SQUARE = [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.3], [121.4, 31.2]]]


def test_polygon_feature_and_collection_become_a_multipolygon():
    poly = {"type": "Polygon", "coordinates": SQUARE}
    assert parse_multipolygon(poly).geom_type == "MultiPolygon"
    assert parse_multipolygon({"type": "Feature", "geometry": poly, "properties": {}}).area == pytest.approx(0.01)
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": poly}] * 1}
    assert len(parse_multipolygon(json.dumps(fc)).geoms) == 1


def test_self_intersecting_polygon_is_refused_with_the_reason():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(GeoError) as err:
        parse_multipolygon(bowtie)
    assert err.value.code == "invalid_geometry"
    assert "Self-intersection" in err.value.message


@pytest.mark.parametrize("data, code", [
    ("{not json", "invalid_geojson"),
    ({"type": "Point", "coordinates": [1, 2]}, "invalid_geojson"),
    ({"type": "Polygon", "coordinates": [[[1, 2]]]}, "invalid_geojson"),
    ({"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]}, "invalid_coordinate"),
    ({"type": "FeatureCollection", "features": []}, "invalid_geojson"),
    ([1, 2], "invalid_geojson"),
])
def test_broken_geojson_gets_a_clear_error(data, code):
    with pytest.raises(GeoError) as err:
        parse_multipolygon(data)
    assert err.value.code == code


def test_haversine_metres():
    # People's Square to the Bund is about 1.6 km.
    assert haversine_m(31.2304, 121.4737, 31.2400, 121.4900) == pytest.approx(1880, rel=0.05)
