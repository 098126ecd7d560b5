"""What can be reported, and who handles what where."""
from __future__ import annotations

from flask_babel import get_locale
from flask_smorest import Blueprint

from backend.api import errors, limits
from backend.api.schemas import CategoryOut, PointIn, WhereOut
from backend.city import service as city
from backend.city.attributes import localized
from backend.city.models import Category
from backend.reports.support import check_point

blp = Blueprint("Catalogue", __name__, url_prefix="/api/v1", description="Categories, their questions, and who handles what where")
errors.register(blp)
limits.apply(blp)


def language() -> str:
    return str(get_locale() or "zh_Hans")


def attribute_view(definition: dict, lang: str) -> dict:
    return {
        "code": definition["code"], "datatype": definition["datatype"], "required": bool(definition.get("required")),
        "description": localized(definition, "description", lang), "order": int(definition.get("order", 0)),
        "values": [{"key": v["key"], "name": localized(v, "name", lang)} for v in definition.get("values", [])],
    }


def category_view(category: Category, lang: str) -> dict:
    return {"code": category.code, "name": category.name(lang), "description": category.description(lang),
            "group": category.group,
            "attributes": [attribute_view(d, lang) for d in sorted(category.attributes, key=lambda d: d.get("order", 0))
                           if d.get("variable", True)]}


@blp.get("/categories")
@blp.response(200, CategoryOut(many=True))
def categories():
    """Every active category with its attribute definitions, in the Accept-Language language."""
    lang = language()
    return [category_view(c, lang) for c in city.active_categories()]


@blp.get("/where")
@blp.arguments(PointIn, location="query")
@blp.response(200, WhereOut)
def where(args):
    """Which department would handle which category at this point."""
    lat, long = check_point(args["lat"], args["long"])
    lang = language()
    if not city.inside_service_area(lat, long):
        return {"inside_service_area": False, "responsibilities": []}
    return {"inside_service_area": True,
            "responsibilities": [{"category": c.code, "category_name": c.name(lang), "department": d.code,
                                  "department_name": d.name(lang)} for c, d in city.responsibilities_at(lat, long)]}
