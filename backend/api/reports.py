"""Reports: submit (JSON or multipart with photos, idempotent), category suggestions, possible
duplicates nearby, support, the public view."""
from __future__ import annotations

import hashlib

from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import ValidationError

from backend import parameters
from backend.api import errors, limits
from backend.api.authentication import citizen_required, require_citizen
from backend.api.catalogue import language
from backend.api.limits import reports_per_citizen
from backend.api.schemas import (NearbyIn, NearbyOut, ReportCreatedOut, ReportIn, ReportMultipartIn, ReportOut,
                                 SuggestIn, SuggestOut, SupportOut)
from backend.errors import ValidationFailed
from backend.intake import service as intake
from backend.reports import photos, service, support
from backend.disclosure import projection as disclosure, public_view
from backend.api import idempotency

blp = Blueprint("Reports", __name__, url_prefix="/api/v1", description="Submitting reports, nearby reports, support, the public view")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


def _fields_of(error: ValidationError) -> dict[str, str]:
    return {k: " ".join(v) if isinstance(v, list) else str(v) for k, v in error.messages.items()}


def _incoming() -> tuple[dict, list[bytes]]:
    """The report's fields and raw photos, from JSON or from a multipart form."""
    if request.mimetype == "multipart/form-data":
        # A form cannot say "absent" for an optional field: empty, and the text "null" that
        # generated clients send for a null value, mean absent.
        data = {k: v for k, v in request.form.items() if v.strip() not in ("", "null")}
        if "attributes" in data:
            data["attributes"] = parameters.json_value(data["attributes"], "attributes")
        uploads = [f for f in request.files.getlist("photos") if f and f.filename is not None]
        if len(uploads) > photos.MAX_PHOTOS:
            raise ValidationFailed("too_many_photos", _("At most %(n)d photos per report.", n=photos.MAX_PHOTOS),
                                   {"photos": f"at most {photos.MAX_PHOTOS}"})
        raw = [f.read(request.max_content_length or None) for f in uploads]
    elif request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed("invalid_input", _("The body must be a JSON object."), {"body": "a JSON object"})
        raw = []
    else:
        raise ValidationFailed("unsupported_media_type", _("Send JSON or a multipart form."),
                               {"body": "application/json or multipart/form-data"})
    try:
        fields = ReportIn().load(data)
    except ValidationError as exc:
        raise ValidationFailed("invalid_input", _("Some fields are not valid."), _fields_of(exc)) from None
    return fields, raw


@blp.post("/reports")
@reports_per_citizen
@blp.doc(security=BEARER, requestBody={"required": True, "content": {
    "application/json": {"schema": ReportIn}, "multipart/form-data": {"schema": ReportMultipartIn}}},
    parameters=[{"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string"},
                 "description": "A retried request with the same key returns the first answer"}])
@blp.response(201, ReportCreatedOut)
@citizen_required
def create_report():
    """Submit a report (JSON, or a multipart form with up to 3 photos).

    Outside every department's area: 422 with code outside_service_area."""
    citizen = require_citizen()
    fields, raw = _incoming()
    digest = idempotency.fingerprint({**fields, "photos": [hashlib.sha256(p).hexdigest() for p in raw]})

    def submit():
        report = service.submit(category=fields["category"], lat=fields["lat"], long=fields["long"],
                                description=fields["description"], attributes=fields["attributes"],
                                address=fields.get("address"), reporter=citizen, channel="api", photos=raw)
        answer = {"id": report.id, "status": report.status.value, "reference": public_view.reference(report),
                  "public_url": public_view.public_url(report)}
        return 201, answer, report.id

    status, body, replayed = idempotency.run_once(f"citizen:{citizen.id}", request.headers.get("Idempotency-Key"),
                                                  digest, submit)
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    return body, status, headers


@blp.post("/reports/suggest")
@blp.arguments(SuggestIn)
@blp.response(200, SuggestOut)
def suggest(args):
    """The three likeliest categories for a description (and a place: only categories handled there).

    An empty or unintelligible description answers `understood: false` with low confidences."""
    lang = language()
    answer = intake.suggest(args["description"], args["lat"], args["long"])
    suggestions = [{"category": c.code, "name": c.name(lang), "group": c.group, "confidence": p}
                   for c, p in answer.suggestions]
    low = not suggestions or suggestions[0]["confidence"] < 0.5
    if answer.model_version is None:
        message = _("Suggestions are not available yet. Please choose a category.")
    elif not args["description"].strip():
        message = _("Describe the problem to get suggestions. Please choose a category.")
    elif not answer.understood:
        message = _("We could not tell the kind of problem from this description. Please choose a category.")
    elif low:
        message = _("Not sure: these categories might fit. Please choose one.")
    else:
        message = _("Suggested from your description. Please check and choose.")
    return {"suggestions": suggestions, "understood": answer.understood, "low_confidence": low,
            "message": message, "model_version": answer.model_version}


def _reason(match) -> str:
    parts = [_("%(m)d m away", m=round(match.distance_m))]
    if "similar_wording" in match.reasons:
        parts.append(_("similar wording"))
    if match.same_category:
        parts.append(_("same category"))
    return " · ".join(parts)


@blp.get("/reports/nearby")
@blp.arguments(NearbyIn, location="query")
@blp.response(200, NearbyOut(many=True))
def nearby(args):
    """Open reports that may be the same problem ("is this the same issue?"), likeliest first.

    Reports of any category within NEARBY_RADIUS_M, filed within DUPLICATE_WINDOW_DAYS, ranked by
    how alike their descriptions are, the category and the distance; `reasons` says why each is offered."""
    lang = language()
    out = []
    for found in intake.duplicates_near(args["lat"], args["long"], args["description"], args["category"]):
        report, match = found.report, found.match
        links = public_view.photo_links(report)
        out.append({"id": report.id, "reference": public_view.reference(report), "category": report.category.code,
                    "category_name": report.category.name(lang), "status": report.status.value,
                    "description": report.description, "distance_m": round(match.distance_m, 1),
                    "supporters": support.supporter_count(report), "created_at": report.created_at,
                    "public_url": public_view.public_url(report),
                    "thumbnail_url": links[0]["thumbnail_url"] if links else None,
                    "score": match.score, "similarity": match.wording, "same_category": match.same_category,
                    "reasons": match.reasons, "reason": _reason(match)})
    return out


@blp.post("/reports/<int:report_id>/support")
@blp.response(200, SupportOut)
@blp.doc(security=BEARER)
@citizen_required
def support_report(report_id: int):
    """Me too: add me as a supporter (once)."""
    report = public_view.visible_report(report_id)
    count, already = support.support(report, require_citizen())
    return {"supporters": count, "already_supporting": already}


@blp.get("/reports/<int:report_id>")
@blp.response(200, ReportOut)
def get_report(report_id: int):
    """The public view of a report: public history, photos, no personal data."""
    return public_view.full(public_view.visible_report(report_id), language())
