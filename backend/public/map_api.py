"""The map's JSON layers and its assets. The staff map reuses `reports_layer` with staff=True.

Leaflet and markercluster are served from their xstatic packages (never a CDN).
"""
from __future__ import annotations

import json
from typing import Any, Mapping

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from flask import Response, current_app, jsonify, request, send_from_directory, url_for
from flask_babel import get_locale, gettext as _
from sqlalchemy import select

from backend import parameters
from backend.city.models import Category, Department
from backend.city.service import district_outlines, service_bounds
from backend.errors import DomainError
from backend.extensions import db
from backend.public import bp
from backend.public.labels import STATUS, STATUS_COLOURS
from backend.disclosure import aggregation
from backend.disclosure.filters import parse_filters

VENDOR_DIRS = {"leaflet": xstatic.pkg.leaflet.BASE_DIR, "markercluster": xstatic.pkg.leaflet_markercluster.BASE_DIR}


def reports_layer(args: Mapping[str, str], *, staff: bool = False) -> dict[str, Any]:
    """The reports layer for query args `bbox`, `zoom`, `view=heat` and the filters.

    staff=True lets `hidden=true` include moderated reports: call it only behind the staff login."""
    filters = parse_filters(args, staff=staff)
    zoom = parameters.optional_integer(args.get("zoom"), "zoom", default=12, minimum=0, maximum=22)
    return aggregation.map_layer(filters, zoom, heat=args.get("view") == "heat")


def json_error(exc: DomainError) -> tuple[Response, int]:
    return jsonify({"code": exc.code, "message": exc.message, "fields": exc.fields}), exc.status


@bp.get("/map/reports.json")
def map_reports() -> Any:
    try:
        layer = reports_layer(request.args, staff=False)
    except DomainError as exc:
        return json_error(exc)
    response = jsonify(layer)
    response.cache_control.public = True
    response.cache_control.max_age = 30
    return response


@bp.get("/map/areas.geojson")
def map_areas() -> Any:
    try:
        department_ids = parse_filters({"department": request.args.get("department", "")}).department_ids
    except DomainError as exc:
        return json_error(exc)
    response = jsonify(aggregation.areas_layer(department_ids, str(get_locale())))
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/map/districts.geojson")
def map_districts() -> Any:
    """The districts' outlines and where to write their names (the map draws them without tiles)."""
    language = str(get_locale())
    features = [{"type": "Feature", "geometry": json.loads(outline),
                 "properties": {"code": d.code, "name": d.name(language), "label": [lat, long]}}
                for d, lat, long, outline in district_outlines()]
    response = jsonify({"type": "FeatureCollection", "features": features})
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str) -> Any:
    if package not in VENDOR_DIRS:
        return Response(status=404)
    return send_from_directory(VENDOR_DIRS[package], filename, max_age=current_app.get_send_file_max_age(filename) or 86400)


def map_config(**overrides: Any) -> dict[str, Any]:
    """What crowdmap.js needs: endpoints, labels, colours, the basemap and the city's extent.

    The staff map passes its own `reportsUrl` (a staff endpoint calling reports_layer(staff=True))
    and `reportUrl` (its inbox page, with `{id}`)."""
    language = str(get_locale())
    bounds = service_bounds()
    config = {
        "reportsUrl": url_for("public.map_reports"),
        "areasUrl": url_for("public.map_areas"),
        # The names in the page's language, whatever the browser's Accept-Language says.
        "districtsUrl": url_for("public.map_districts", lang=language),
        "reportUrl": url_for("public.report_page", report_id=0).replace("/0", "/{id}"),
        "tileUrl": current_app.config["MAP_TILE_URL"],
        "tileAttribution": current_app.config["MAP_TILE_ATTRIBUTION"],
        "bounds": [[bounds.min_lat, bounds.min_long], [bounds.max_lat, bounds.max_long]] if bounds else None,
        "statuses": {s.value: {"label": str(label), "colour": STATUS_COLOURS[s]} for s, label in STATUS.items()},
        # JSON objects lose their order in templates (tojson sorts keys): the legend reads this.
        "statusOrder": [s.value for s in STATUS],
        "categories": {c.id: c.name(language) for c in db.session.scalars(select(Category).order_by(Category.name_en))},
        "departments": {d.id: d.name(language) for d in db.session.scalars(select(Department).order_by(Department.name_en))},
        "text": {"reports": _("reports"), "open": _("Open the report page"), "verified": _("Verified by citizens"),
                 "zoomIn": _("Zoom in to see single reports"), "nothing": _("No reports here with these filters."),
                 "report": _("Report"), "areas": _("Departments’ areas"), "districts": _("Districts"),
                 "legend": _("Status"), "cluster": _("Several reports (a number)")},
    }
    config.update(overrides)
    return config
