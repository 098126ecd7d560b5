"""Alembic settings shared by migrations/env.py and the test that compares schema and models."""
from __future__ import annotations

from geoalchemy2 import alembic_helpers

# Tables and views that belong to PostGIS itself, never to our models.
POSTGIS_TABLES = {"spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns", "raster_overviews"}


def include_object(obj, name, obj_type, reflected, compare_to) -> bool:
    if obj_type == "table" and (name in POSTGIS_TABLES or getattr(obj, "schema", None) in ("tiger", "topology")):
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


CONFIGURE_ARGS = {
    "include_object": include_object,
    "render_item": alembic_helpers.render_item,
    "compare_type": True,
    "compare_server_default": False,
}
