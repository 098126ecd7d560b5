"""Admin rules for the city's map: departments, areas (with history) and categories.

Each change asks backend/city/policy.py first and writes an audit entry in the caller's transaction.
"""
from __future__ import annotations

import json
import re
from typing import Any

from flask_babel import gettext as _
from geoalchemy2.shape import to_shape
from shapely.geometry import MultiPolygon, mapping
from sqlalchemy import select

from geo.errors import GeoError
from geo.geojson import parse_multipolygon
from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.city.area_history import AreaRevision
from backend.city.models import Area, Category, Department
from backend.city.service import set_area_geometry, validate_attribute_definitions
from backend.clock import utcnow
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.city import policy
from backend.policy import require
from backend import parameters

_CODE = re.compile(r"^[a-z0-9_]{2,40}$")


def _require(value: str, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed("required", _("Some fields are missing."), {field: _("Required.")})
    if len(value) > limit:
        raise ValidationFailed("too_long", _("Some fields are too long."), {field: _("At most %(n)d characters.", n=limit)})
    return value


def _code(value: str, field: str = "code") -> str:
    value = (value or "").strip().lower()
    if not _CODE.match(value):
        raise ValidationFailed("invalid_code", _("Codes use 2 to 40 lowercase letters, digits or _."),
                               {field: _("2 to 40 lowercase letters, digits or _.")})
    return value


def _department_values(form: dict) -> dict:
    return {"code": _code(form.get("code", "")), "name_en": _require(form.get("name_en", ""), "name_en", 200),
            "name_zh": _require(form.get("name_zh", ""), "name_zh", 200),
            "email": (form.get("email") or "").strip()[:200] or None, "phone": (form.get("phone") or "").strip()[:50] or None}


def save_department(staff: StaffUser, form: dict, department_id: int | None = None) -> Department:
    require(policy.may_manage_departments(staff))
    values = _department_values(form)
    department, before = audit.edit_coded_record(
        Department, department_id, values, taken=Conflict("code_taken", _("Another department has this code.")),
        missing=NotFound("department_not_found", _("There is no such department.")))
    db.session.flush()
    audit.record(staff, "department.save", "department", department.id, before=before, after=values)
    return department


def parse_area_geojson(text: str | bytes) -> MultiPolygon:
    """The uploaded GeoJSON as a valid MultiPolygon, or ValidationFailed with a readable reason."""
    if not text or not str(text).strip():
        raise ValidationFailed("geojson_required", _("Upload a GeoJSON file or paste GeoJSON."),
                               {"geojson": _("Required.")})
    try:
        return parse_multipolygon(text)
    except GeoError as exc:
        raise ValidationFailed(exc.code, _("The GeoJSON cannot be used: %(reason)s", reason=exc.message),
                               {"geojson": exc.message}) from None


def geojson_of(geom: MultiPolygon) -> str:
    return json.dumps(mapping(geom))


def save_area(staff: StaffUser, *, department_id: int, name: str, geojson: str, area_id: int | None = None) -> Area:
    """Create an area, or replace one, keeping the previous version as an AreaRevision."""
    require(policy.may_manage_areas(staff))
    name = _require(name, "name", 200)
    geom = parse_area_geojson(geojson)
    try:
        department = db.session.get(Department, parameters.identifier(department_id, "department_id"))
    except ValidationFailed:
        department = None
    if department is None:
        raise ValidationFailed("unknown_department", _("Choose a department."), {"department_id": _("Required.")})
    if area_id is None:
        area = Area(department=department, name=name, created_at=utcnow())
        db.session.add(area)
        before: dict = {}
    else:
        area = db.session.get(Area, area_id)
        if area is None:
            raise NotFound("area_not_found", _("There is no such area."))
        db.session.add(AreaRevision(area_id=area.id, name=area.name, department_id=area.department_id, geom=area.geom,
                                    replaced_at=utcnow(), replaced_by_staff_id=staff.id))
        before = {"name": area.name, "department_id": area.department_id}
        area.name, area.department = name, department
    set_area_geometry(area, geom)
    db.session.flush()
    audit.record(staff, "area.save", "area", area.id, before=before,
                 after={"name": name, "department_id": department.id, "vertices": sum(len(p.exterior.coords) for p in geom.geoms)})
    return area


def area_revisions(area_id: int) -> list[AreaRevision]:
    return list(db.session.scalars(select(AreaRevision).where(AreaRevision.area_id == area_id).order_by(AreaRevision.id.desc())))


def area_geojson(area: Area) -> str:
    return geojson_of(to_shape(area.geom))


def _attributes(text: str) -> list[dict]:
    try:
        definitions = json.loads(text or "[]")
        if not isinstance(definitions, list) or not all(isinstance(d, dict) and "code" in d for d in definitions):
            raise ValueError("a list of objects, each with a code")
        return validate_attribute_definitions(definitions)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed("invalid_attributes", _("The attribute definitions are not valid: %(reason)s", reason=str(exc)),
                               {"attributes": str(exc)}) from None


def save_category(staff: StaffUser, form: Any, category_id: int | None = None) -> Category:
    """`form` is a mapping; `department_ids` a list. Attributes come as Open311 definitions in JSON."""
    require(policy.may_manage_categories(staff))
    try:
        sla = parameters.number(form.get("default_sla_hours"), "default_sla_hours", maximum=24 * 365)
        if sla <= 0:
            raise ValueError
    except (ValidationFailed, ValueError):
        raise ValidationFailed("invalid_sla", _("The SLA is a number of hours above zero."),
                               {"default_sla_hours": _("Hours, above zero.")}) from None
    values = {
        "code": _code(form.get("code", "")), "name_en": _require(form.get("name_en", ""), "name_en", 200),
        "name_zh": _require(form.get("name_zh", ""), "name_zh", 200),
        "description_en": (form.get("description_en") or "").strip(), "description_zh": (form.get("description_zh") or "").strip(),
        "group": (form.get("group") or "").strip()[:100], "keywords": (form.get("keywords") or "").strip()[:300],
        "default_sla_hours": sla, "attributes": _attributes(form.get("attributes", "[]")),
        "sensitive": bool(form.get("sensitive")), "active": bool(form.get("active")),
    }
    ids = parameters.identifiers(form.get("department_ids"), "department_ids")
    departments = list(db.session.scalars(select(Department).where(Department.id.in_(ids)))) if ids else []
    category, before = audit.edit_coded_record(
        Category, category_id, values, taken=Conflict("code_taken", _("Another category has this code.")),
        missing=NotFound("category_not_found", _("There is no such category.")), extra={"verify_redundancy": 3})
    if before:
        before["department_ids"] = sorted(d.id for d in category.departments)
    category.departments = departments
    db.session.flush()
    audit.record(staff, "category.save", "category", category.id, before=before,
                 after=values | {"department_ids": sorted(d.id for d in departments)})
    return category
