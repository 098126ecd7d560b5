"""GET /leaderboard: the public boards (all time, this month, this week; city-wide or a
district), display names and points only. The ranking is backend/incentives/boards.py's."""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from backend.city.models import District
from backend.errors import DomainError
from backend.extensions import db
from backend.incentives import boards
from backend.public import bp
from backend.public.pages import language

PERIOD_LABELS = {"all": _l("All time"), "month": _l("This month"), "week": _l("This week")}
SHOWN = 20


@bp.get("/leaderboard")
def leaderboard() -> Any:
    period = request.args.get("period", "all")
    if period not in boards.PERIODS:
        period = "all"
    try:
        district = boards.district_named(request.args.get("district", ""))
    except DomainError:
        abort(404)
    rows = boards.board(period, district.id if district else None, limit=SHOWN)
    districts = list(db.session.scalars(select(District).order_by(District.code)))
    response = render_template("public/leaderboard.html", rows=[r.public() for r in rows], period=period,
                               district=district, districts=districts, periods=PERIOD_LABELS, lang=language())
    return response, 200, {"Cache-Control": "public, max-age=60"}
