"""The coordinators' city map: the public map's machinery (crowdmap.js, reports_layer) behind
the staff login, with hidden reports available and every report linked to its inbox page."""
from __future__ import annotations

from typing import Any

from flask import jsonify, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from backend.city.models import Category, Department
from backend.disclosure.policy import may_see_city_map
from backend.errors import DomainError
from backend.extensions import db
from backend.inbox.auth import current_staff
from backend.inbox.pages import bp
from backend.policy import require
from backend.public.labels import STATUS
from backend.public.map_api import json_error, map_config, reports_layer


@bp.get("/map")
@login_required
def coordinator_map() -> str:
    require(may_see_city_map(current_staff()))
    config = map_config(reportsUrl=url_for("inbox.coordinator_map_reports"),
                        reportUrl=url_for("inbox.report", report_id=0).replace("/0", "/{id}"))
    return render_template(
        "inbox/coordinator/city_map.html", map_config=config, staff_map=True,
        categories=list(db.session.scalars(select(Category).order_by(Category.name_en))),
        departments=list(db.session.scalars(select(Department).order_by(Department.name_en))), statuses=STATUS)


@bp.get("/map/reports.json")
@login_required
def coordinator_map_reports() -> Any:
    require(may_see_city_map(current_staff()))
    try:
        layer = reports_layer(request.args, staff=True)
    except DomainError as exc:
        return json_error(exc)
    response = jsonify(layer)
    response.headers["Cache-Control"] = "private, no-store"
    return response
