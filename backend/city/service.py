"""Rules about the city's map: which department handles what where, and category attributes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon
from sqlalchemy import and_, func, select

from geo.coordinates import Bounds
from backend.city.models import Area, Category, Department, District, category_departments
from backend.errors import NotFound, ValidationFailed
from backend import parameters
from backend.extensions import db

ATTRIBUTE_DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


def point_sql(lat: float, long: float):
    return func.ST_SetSRID(func.ST_MakePoint(long, lat), 4326)


# Metres per degree of longitude at 60° latitude: a degree box this size around a radius holds
# every point within it anywhere up to 60°N/S, so the GiST index can make the first cut.
_METRES_PER_DEGREE_AT_60 = 55_660


def within_metres(a, b, metres: float):
    """SQL: geometries a and b (SRID 4326) lie within `metres` of each other, on the sphere.

    The geometry ST_DWithin on a degree box uses the spatial index; the geography one is exact.
    """
    return and_(func.ST_DWithin(a, b, metres / _METRES_PER_DEGREE_AT_60),
                func.ST_DWithin(func.Geography(a), func.Geography(b), metres))


def service_bounds() -> Bounds | None:
    """The extent of every area: outside it nobody can handle a report."""
    row = db.session.execute(
        select(func.ST_XMin(func.ST_Extent(Area.geom)), func.ST_YMin(func.ST_Extent(Area.geom)),
               func.ST_XMax(func.ST_Extent(Area.geom)), func.ST_YMax(func.ST_Extent(Area.geom)))
    ).one()
    if row[0] is None:
        return None
    return Bounds(min_long=row[0], min_lat=row[1], max_long=row[2], max_lat=row[3])


def inside_service_area(lat: float, long: float) -> bool:
    return db.session.scalar(select(func.count()).select_from(Area).where(
        func.ST_Covers(Area.geom, point_sql(lat, long)))) > 0


def responsible_department_id(category_id: int, lat: float, long: float) -> int | None:
    """The department that handles the category and whose area covers the point; smallest area wins.

    ST_Covers (not ST_Contains) so a point on an area's boundary belongs to it.
    """
    return db.session.scalar(
        select(Area.department_id)
        .join(category_departments, category_departments.c.department_id == Area.department_id)
        .where(category_departments.c.category_id == category_id, func.ST_Covers(Area.geom, point_sql(lat, long)))
        .order_by(func.ST_Area(func.Geography(Area.geom)), Area.id)
        .limit(1)
    )


def responsibilities_at(lat: float, long: float) -> list[tuple[Category, Department]]:
    """For every active category, the department that would handle it at this point."""
    pt = point_sql(lat, long)
    ranked = (
        select(category_departments.c.category_id, Area.department_id,
               func.row_number().over(partition_by=category_departments.c.category_id,
                                      order_by=(func.ST_Area(func.Geography(Area.geom)), Area.id)).label("rank"))
        .join(category_departments, category_departments.c.department_id == Area.department_id)
        .where(func.ST_Covers(Area.geom, pt))
        .subquery()
    )
    rows = db.session.execute(
        select(Category, Department)
        .join(ranked, ranked.c.category_id == Category.id)
        .join(Department, Department.id == ranked.c.department_id)
        .where(ranked.c.rank == 1, Category.active.is_(True))
        .order_by(Category.code)
    ).all()
    return [(c, d) for c, d in rows]


def district_id_at(lat: float, long: float) -> int | None:
    return db.session.scalar(
        select(District.id).where(func.ST_Covers(District.geom, point_sql(lat, long))).order_by(District.id).limit(1)
    )


def category_by_code(code: str, *, active_only: bool = True) -> Category:
    category = db.session.scalar(select(Category).where(Category.code == code))
    if category is None or (active_only and not category.active):
        raise NotFound("unknown_category", _("There is no category with the code %(code)s.", code=code[:60]))
    return category


def active_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.group, Category.code)))


def _check_number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError
    try:
        return parameters.number(value, "value")
    except ValidationFailed:
        raise ValueError from None


def validate_attribute_values(category: Category, values: dict[str, Any] | None) -> dict[str, Any]:
    """Check attribute values against the category's definitions; return the cleaned values.

    Unknown codes, missing required values, values outside a list and wrong types
    are all reported at once, per attribute code.
    """
    values = dict(values or {})
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    definitions = {d["code"]: d for d in category.attributes}
    for code in values:
        if code not in definitions:
            errors[str(code)[:60]] = _("This category has no attribute %(code)s.", code=str(code)[:60])
    for code, definition in definitions.items():
        if not definition.get("variable", True):
            continue
        value = values.get(code)
        if value in (None, "", []):
            if definition.get("required"):
                errors[code] = _("This attribute is required.")
            continue
        datatype = definition["datatype"]
        allowed = {v["key"] for v in definition.get("values", [])}
        try:
            if datatype == "number":
                cleaned[code] = _check_number(value)
            elif datatype == "datetime":
                parsed = datetime.fromisoformat(str(value))
                if parsed.tzinfo is None:
                    raise ValueError
                cleaned[code] = parsed.isoformat()
            elif datatype in ("string", "text"):
                if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                    raise ValueError
                text = str(value).strip()
                limit = 4000 if datatype == "text" else 500
                if len(text) > limit:
                    errors[code] = _("At most %(n)d characters.", n=limit)
                    continue
                cleaned[code] = text
            elif datatype == "singlevaluelist":
                if isinstance(value, list):
                    raise ValueError
                if str(value) not in allowed:
                    errors[code] = _("Choose one of: %(values)s.", values=", ".join(sorted(allowed)))
                    continue
                cleaned[code] = str(value)
            elif datatype == "multivaluelist":
                items = value if isinstance(value, list) else [value]
                bad = [str(v) for v in items if str(v) not in allowed]
                if bad:
                    errors[code] = _("Choose from: %(values)s.", values=", ".join(sorted(allowed)))
                    continue
                cleaned[code] = sorted({str(v) for v in items})
        except (TypeError, ValueError):
            errors[code] = _("Expected a value of type %(type)s.", type=datatype)
    if errors:
        raise ValidationFailed("invalid_attributes", _("Some attribute values are not valid."), errors)
    return cleaned


def validate_attribute_definitions(definitions: list[dict]) -> list[dict]:
    """Check a category's attribute definitions (used by seeding and the admin)."""
    seen = set()
    for d in definitions:
        if d.get("datatype") not in ATTRIBUTE_DATATYPES:
            raise ValueError(f"attribute {d.get('code')!r}: unknown datatype {d.get('datatype')!r}")
        if d["code"] in seen:
            raise ValueError(f"attribute {d['code']!r} defined twice")
        seen.add(d["code"])
        if d["datatype"].endswith("valuelist") and not d.get("values"):
            raise ValueError(f"attribute {d['code']!r}: a list needs values")
    return sorted(definitions, key=lambda d: d.get("order", 0))


def set_area_geometry(area: Area, geom: MultiPolygon) -> None:
    area.geom = from_shape(geom, srid=4326)


def district_outlines(tolerance_degrees: float = 0.0003) -> list[tuple[District, float, float, str]]:
    """Every district with a point inside it to write its name at (lat, long) and its outline,
    simplified for drawing, as GeoJSON text."""
    rows = db.session.execute(
        select(District, func.ST_Y(func.ST_PointOnSurface(District.geom)), func.ST_X(func.ST_PointOnSurface(District.geom)),
               func.ST_AsGeoJSON(func.ST_SimplifyPreserveTopology(District.geom, tolerance_degrees), 6))
        .order_by(District.code)).all()
    return [(d, float(lat), float(long), outline) for d, lat, long, outline in rows]
