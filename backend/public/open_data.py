"""Open data: the documentation page, the streamed exports and the dashboard's tables as CSV."""
from __future__ import annotations

import io
from typing import Any

from flask import Response, render_template, request, stream_with_context, url_for
from flask_babel import get_locale, lazy_gettext as _l

from backend.csv_cells import SafeWriter
from backend.errors import DomainError
from backend.public import bp, figures_cache
from backend.public.map_api import json_error
from backend.disclosure import export
from backend.disclosure.filters import parse_filters

FILTER_DOCS = [
    ("status", _l("submitted, open, acknowledged, in_progress, resolved, closed, rejected, duplicate (comma-separated)")),
    ("category", _l("category codes or ids (comma-separated)")),
    ("department", _l("department codes or ids (comma-separated)")),
    ("verified", _l("true or false")),
    ("overdue", _l("true: still open and past its due time; false: the others")),
    ("from, to", _l("creation date range, city-local days, YYYY-MM-DD (both inclusive)")),
    ("bbox", _l("min_long,min_lat,max_long,max_lat (WGS84)")),
]


def _export(chunks, mimetype: str, filename: str) -> Any:
    try:
        filters = parse_filters(request.args)
    except DomainError as exc:
        return json_error(exc)
    response = Response(stream_with_context(chunks(filters)), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/open-data/reports.geojson")
def reports_geojson() -> Any:
    return _export(export.geojson_chunks, "application/geo+json", "crowdgov-reports.geojson")


@bp.get("/open-data/reports.csv")
def reports_csv() -> Any:
    return _export(export.csv_chunks, "text/csv", "crowdgov-reports.csv")


@bp.get("/open-data")
def open_data() -> str:
    open311 = "/open311/v2/"
    return render_template("public/open_data.html", fields=export.FIELDS, filters=FILTER_DOCS, open311=open311,
                           geojson=url_for("public.reports_geojson"), csv_url=url_for("public.reports_csv"),
                           lang=str(get_locale()))


STATS_COLUMNS = ["key", "name", "received", "median_ack_hours", "median_resolve_hours", "on_time_rate",
                 "reopen_rate", "confirmed_fix_rate"]


def _csv(header: list[str], rows: list[list[Any]], filename: str) -> Response:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _rate(v: float | None) -> str:
    return "" if v is None else f"{v:.4f}"


@bp.get("/stats/<table>.csv")
def stats_csv(table: str) -> Any:
    lang = str(get_locale())
    if table == "weekly":
        weeks = figures_cache.weekly()
        return _csv(["week_start", "received", "resolved", "median_resolve_hours"],
                    [[w.week_start.isoformat(), w.received, w.resolved, w.median_resolve_hours] for w in weeks],
                    "crowdgov-weekly.csv")
    if table not in ("departments", "categories"):
        return Response(status=404)
    rows = figures_cache.by_department(lang) if table == "departments" else figures_cache.by_category(lang)
    return _csv(STATS_COLUMNS, [[r.key, r.name, r.received, r.median_ack_hours, r.median_resolve_hours,
                                 _rate(r.on_time_rate), _rate(r.reopen_rate), _rate(r.confirmed_fix_rate)] for r in rows],
                f"crowdgov-{table}.csv")
