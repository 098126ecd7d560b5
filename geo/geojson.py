"""Turning GeoJSON into valid shapely (multi)polygons, with a readable reason when we can't."""
from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.validation import explain_validity

from geo.errors import GeoError

MAX_VERTICES = 100_000


def _geometry_object(data: Any) -> dict:
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:
            raise GeoError("invalid_geojson", f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise GeoError("invalid_geojson", "GeoJSON must be an object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list) or not features:
            raise GeoError("invalid_geojson", "the FeatureCollection has no features")
        geoms = [_geometry_object(f) for f in features]
        polys = []
        for g in geoms:
            polys.extend(g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]])
        return {"type": "MultiPolygon", "coordinates": polys}
    if kind == "Feature":
        return _geometry_object(data.get("geometry"))
    if kind not in ("Polygon", "MultiPolygon"):
        raise GeoError("invalid_geojson", f"expected a Polygon or MultiPolygon, got {kind!r}")
    return data


def parse_multipolygon(data: Any) -> MultiPolygon:
    """Parse a Polygon/MultiPolygon/Feature/FeatureCollection into a valid MultiPolygon in WGS84."""
    obj = _geometry_object(data)
    try:
        geom = shape(obj)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise GeoError("invalid_geojson", f"the coordinates do not form a polygon: {exc}") from None
    if geom.is_empty:
        raise GeoError("invalid_geojson", "the polygon is empty")
    if shapely.get_num_coordinates(geom) > MAX_VERTICES:
        raise GeoError("too_complex", f"the polygon has more than {MAX_VERTICES} vertices")
    minx, miny, maxx, maxy = geom.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeoError("invalid_coordinate", "coordinates must be longitude, latitude in WGS84 (longitude first)")
    if not geom.is_valid:
        raise GeoError("invalid_geometry", f"the polygon is not valid: {explain_validity(geom)}")
    if isinstance(geom, Polygon):
        geom = MultiPolygon([geom])
    return geom
