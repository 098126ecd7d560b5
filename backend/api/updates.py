"""Citizens' updates on a report: add one (text, one photo; idempotent) and read the public ones.

Every rule is in backend/updates (who may, the checks, holding, moderation); this module only
translates HTTP to those calls. The report's public history (`GET /reports/{id}`) shows the same
updates among the city's events.
"""
from __future__ import annotations

import hashlib
from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.api.bodies import fields_and_photo
from backend.api import errors, idempotency, limits
from backend.api.authentication import citizen_required, require_citizen
from backend.api.schemas import In, PhotoOut
from backend.disclosure import public_view
from backend.extensions import db
from backend.schema_fields import Text
from backend.updates import service
from backend.updates.models import ReportUpdate, UpdateSource

blp = Blueprint("Updates", __name__, url_prefix="/api/v1", description="Citizens' updates on reports")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]
# As many updates as reports: each is checked, stored and may carry a photo.
updates_per_citizen = limits.limiter.limit(limits.report_limit, key_func=limits.citizen_key, scope="api-updates",
                                           methods=["POST"])


class UpdateIn(In):
    text = Text(max_length=service.MAX_TEXT, load_default="",
                metadata={"description": "What the citizen adds; may be empty when a photo is sent"})


class UpdateMultipartIn(UpdateIn):
    photo = fields.Raw(metadata={"type": "string", "format": "binary", "description": "One optional photo"})


class UpdateOut(Schema):
    id = fields.Integer()
    report_id = fields.Integer()
    text = fields.String()
    photo = fields.Nested(PhotoOut, allow_none=True)
    created_at = fields.DateTime()
    state = fields.String(metadata={"description": "shown (public), held (its author is blocked: staff review it "
                                                   "first) or hidden (by moderation)"})


def _state(update: ReportUpdate) -> str:
    return "hidden" if update.hidden else "held" if update.held else "shown"


def update_view(update: ReportUpdate) -> dict[str, Any]:
    return {"id": update.id, "report_id": update.report_id, "text": update.text,
            "photo": public_view.update_photo(update), "created_at": update.created_at, "state": _state(update)}


@blp.post("/reports/<int:report_id>/updates")
@updates_per_citizen
@blp.doc(security=BEARER, requestBody={"required": True, "content": {
    "application/json": {"schema": UpdateIn}, "multipart/form-data": {"schema": UpdateMultipartIn}}},
    parameters=[{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"},
                 "description": "A retried request with the same key returns the first update"}])
@blp.response(201, UpdateOut)
@citizen_required
def add_update(report_id: int):
    """Add an update (text, one photo) to a report I reported, support or follow.

    Public once it passed the checks a report's text gets (state shown); moderated like reports."""
    citizen = require_citizen()
    report = public_view.visible_report(report_id)
    fields_, raw = fields_and_photo(UpdateIn())
    key = request.headers.get("Idempotency-Key")
    digest = idempotency.fingerprint({"update_on": report.id, "text": fields_["text"],
                                      "photo": hashlib.sha256(raw).hexdigest() if raw else None})

    def add():
        try:
            # The key goes with the update too: it still finds the first one once the API's key has expired.
            update = service.add_citizen_update(report, citizen, text=fields_["text"], photo=raw,
                                                source=UpdateSource.WEB, external_key=key.strip() if key else None)
        except Exception:
            db.session.rollback()  # also removes the photo's files
            raise
        return 201, {"id": update.id}, report.id

    _status, body, replayed = idempotency.run_once(f"citizen:{citizen.id}", key, digest, add)
    # Answered as it is now (a replay after moderation says hidden).
    update = db.session.get(ReportUpdate, body["id"])
    return update_view(update), 201, {"Idempotent-Replayed": "true"} if replayed else {}


@blp.get("/reports/<int:report_id>/updates")
@blp.response(200, UpdateOut(many=True))
def public_updates(report_id: int):
    """The report's public updates, oldest first (held and hidden ones are not listed)."""
    return [update_view(u) for u in service.public_updates(public_view.visible_report(report_id))]
