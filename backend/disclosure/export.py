"""Open data: every public report as GeoJSON or CSV, streamed straight from the database.

Rows come through a server-side cursor (`yield_per`) and leave as text in batches, so the
process holds one batch at a time whatever the size of the city. The fields are those
documented on /open-data (FIELDS); positions and addresses pass through disclosure.
"""
from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from backend.city.models import Category, Department, District
from backend.csv_cells import SafeDictWriter
from backend.extensions import db
from backend.disclosure.projection import public_address_sql, public_point_sql
from backend.disclosure.filters import ReportFilters, conditions
from backend.reports.models import OPEN311_OPEN, Report, Supporter

BATCH = 500

# (name, type, meaning) — the /open-data page documents these, in this order.
FIELDS: list[tuple[str, str, Any]] = [
    ("service_request_id", "integer", _l("report number; the public page is /r/<number>")),
    ("service_code", "string", _l("category code (the Open311 service_code)")),
    ("service_name", "string", _l("category name in English")),
    ("status", "string", _l("CrowdGov status: submitted, open, acknowledged, in_progress, resolved, closed, rejected, duplicate")),
    ("open311_status", "string", _l("open or closed, as Open311 GeoReport v2 says it")),
    ("agency_responsible", "string", _l("code of the department the report was routed to (empty until routed)")),
    ("district", "string", _l("code of the administrative district")),
    ("requested_datetime", "ISO 8601", _l("when the report was made (UTC)")),
    ("updated_datetime", "ISO 8601", _l("last change (UTC)")),
    ("expected_datetime", "ISO 8601", _l("due time under the category's service level (UTC; empty until routed)")),
    ("verified", "boolean", _l("confirmed by other citizens")),
    ("supporters", "integer", _l("citizens who said they see the same problem")),
    ("lat", "number", _l("latitude, WGS84; coarsened to a ~250 m grid cell centre for sensitive categories")),
    ("long", "number", _l("longitude, WGS84; coarsened likewise")),
    ("location_coarsened", "boolean", _l("true when lat/long are a grid cell centre, not the reported point")),
    ("address", "string", _l("street address as given (empty for sensitive categories)")),
    ("description", "string", _l("the report's text")),
    ("url", "string", _l("the report's public page")),
]
FIELD_NAMES = [name for name, _type, _meaning in FIELDS]


def _rows(filters: ReportFilters) -> Iterator[dict[str, Any]]:
    point = public_point_sql(Report.location, Category.sensitive)
    supporters = (select(func.count()).where(Supporter.report_id == Report.id).correlate(Report).scalar_subquery())
    stmt = (select(Report.id, Category.code, Category.name_en, Report.status, Department.code, District.code,
                   Report.created_at, Report.updated_at, Report.due_at, Report.verified, supporters,
                   func.ST_Y(point), func.ST_X(point), Category.sensitive,
                   public_address_sql(Report.address, Category.sensitive), Report.description)
            .select_from(Report).join(Category, Category.id == Report.category_id)
            .outerjoin(Department, Department.id == Report.department_id)
            .outerjoin(District, District.id == Report.district_id)
            .where(*conditions(filters)).order_by(Report.id))
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    # A server-side cursor: rows arrive BATCH at a time, never the whole result.
    result = db.session.execute(stmt.execution_options(yield_per=BATCH, stream_results=True))
    try:
        for (rid, code, name, status, dept, district, created, updated, due, verified, n_supporters,
             lat, long, sensitive, address, description) in result:
            yield {
                "service_request_id": rid, "service_code": code, "service_name": name, "status": status.value,
                "open311_status": "open" if status in OPEN311_OPEN else "closed",
                "agency_responsible": dept, "district": district, "requested_datetime": _iso(created),
                "updated_datetime": _iso(updated), "expected_datetime": _iso(due), "verified": verified,
                "supporters": n_supporters, "lat": round(lat, 6), "long": round(long, 6),
                "location_coarsened": sensitive, "address": address, "description": description,
                "url": f"{base}/r/{rid}",
            }
    finally:
        result.close()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def geojson_chunks(filters: ReportFilters) -> Iterator[str]:
    """A GeoJSON FeatureCollection, in pieces of about BATCH features."""
    yield '{"type":"FeatureCollection","features":[\n'
    batch: list[str] = []
    first = True
    for row in _rows(filters):
        feature = {"type": "Feature", "id": row["service_request_id"],
                   "geometry": {"type": "Point", "coordinates": [row["long"], row["lat"]]}, "properties": row}
        batch.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
        if len(batch) >= BATCH:
            yield ("" if first else ",\n") + ",\n".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",\n") + ",\n".join(batch)
    yield "\n]}\n"


def csv_chunks(filters: ReportFilters) -> Iterator[str]:
    """CSV with a header row, in pieces of about BATCH rows."""
    buffer = io.StringIO()
    writer = SafeDictWriter(buffer, FIELD_NAMES)
    writer.writeheader()
    n = 0
    for row in _rows(filters):
        writer.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in row.items()})
        n += 1
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
