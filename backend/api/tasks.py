"""Micro-tasks for citizens: nearby tasks, claim, release, answer; the active campaigns.

Every rule is in backend/tasks; this module only translates HTTP to those calls.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from backend.api.bodies import fields_and_photo
from backend.api import errors, limits
from backend.api.authentication import citizen_required, require_citizen
from backend.api.catalogue import language
from backend.api.schemas import In, PhotoOut, PointIn
from backend.schema_fields import Latitude, Longitude, Number, Text
from backend.errors import NotFound
from backend.extensions import db
from backend.reports import photos
from backend.disclosure import public_view
from backend.reports.models import Report
from backend.reports.support import check_point
from backend.tasks import answering, assignment, campaigns, service
from backend.tasks.models import Claim, Task

blp = Blueprint("Tasks", __name__, url_prefix="/api/v1", description="Verification and fix-confirmation tasks, campaigns")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


class TasksNearbyIn(PointIn):
    radius_m = Number(load_default=None, minimum=1, maximum=20_000, metadata={"description": "Metres"})


class AnswerIn(In):
    verdict = fields.String(required=True, validate=validate.OneOf(["yes", "no", "cant_tell"]))
    lat = Latitude(load_default=None, allow_none=True,
                   metadata={"description": "Where the citizen is (optional; required for campaigns)"})
    long = Longitude(load_default=None, allow_none=True)
    note = Text(max_length=answering.MAX_NOTE, load_default="")


class AnswerMultipartIn(AnswerIn):
    photo = fields.Raw(metadata={"type": "string", "format": "binary", "description": "One optional photo"})


class TaskReportOut(Schema):
    id = fields.Integer()
    reference = fields.String()
    category = fields.String()
    category_name = fields.String()
    status = fields.String()
    description = fields.String()
    public_url = fields.String()
    photos = fields.List(fields.Nested(PhotoOut))


class TaskCampaignOut(Schema):
    id = fields.Integer()
    title = fields.String()
    instructions = fields.String()


class TaskOut(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "verify_report | confirm_fix | campaign"})
    state = fields.String()
    question = fields.String(metadata={"description": "What the citizen is asked, in the request's language"})
    lat = fields.Float()
    long = fields.Float()
    distance_m = fields.Float(allow_none=True)
    reward = fields.Integer()
    slots_left = fields.Integer()
    claimed_by_me = fields.Boolean()
    invited = fields.Boolean(metadata={"description": "Offered because the citizen reported or supported the report"})
    expires_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    report = fields.Nested(TaskReportOut, allow_none=True)
    campaign = fields.Nested(TaskCampaignOut, allow_none=True)


class ClaimOut(Schema):
    task_id = fields.Integer()
    state = fields.String()
    expires_at = fields.DateTime()
    task = fields.Nested(TaskOut)


class AnswerOut(Schema):
    id = fields.Integer()
    task_id = fields.Integer()
    verdict = fields.String()
    weight = fields.Float()
    distance_m = fields.Float(allow_none=True)
    low_weight_reason = fields.String(allow_none=True, metadata={"description": "e.g. far_from_target"})
    task_state = fields.String()
    outcome = fields.String(allow_none=True)


class CampaignOut(Schema):
    id = fields.Integer()
    title = fields.String()
    instructions = fields.String()
    question = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    category_name = fields.String(allow_none=True)
    starts_at = fields.String()
    ends_at = fields.String()
    reward_multiplier = fields.Float()
    min_level = fields.Integer(allow_none=True)
    area = fields.Dict(metadata={"description": "GeoJSON MultiPolygon"})
    progress = fields.Dict()


def task_view(task: Task, lang: str, *, distance_m: float | None = None, slots_left: int | None = None,
              claimed_by_me: bool = False, invited: bool = False) -> dict[str, Any]:
    report = db.session.get(Report, task.report_id) if task.report_id else None
    if report is not None:
        # What the public may see of the report; a sensitive category's place is coarsened there too.
        report_out = public_view.summary(report, lang)
        lat, long = report_out["lat"], report_out["long"]
    else:
        lat, long = service.coordinates(task)
        report_out = None
    campaign = task.campaign
    return {
        "id": task.id, "kind": task.kind.value, "state": task.state.value, "question": service.question(task, lang),
        "lat": lat, "long": long, "distance_m": distance_m, "reward": task.reward,
        "slots_left": slots_left if slots_left is not None else max(0, task.redundancy - assignment.slots_taken(task.id)),
        "claimed_by_me": claimed_by_me, "invited": invited, "expires_at": task.expires_at,
        "outcome": task.outcome.value if task.outcome else None, "report": report_out,
        "campaign": {"id": campaign.id, "title": campaign.title(lang), "instructions": campaign.instructions(lang)}
        if campaign else None,
    }


def _claim_view(claim: Claim, lang: str) -> dict[str, Any]:
    return {"task_id": claim.task_id, "state": claim.state.value, "expires_at": claim.expires_at,
            "task": task_view(service.get(claim.task_id), lang, claimed_by_me=claim.state.value == "active")}


@blp.get("/tasks/nearby")
@blp.arguments(TasksNearbyIn, location="query")
@blp.response(200, TaskOut(many=True))
@blp.doc(security=BEARER)
@citizen_required
def nearby(args):
    """Tasks the citizen may take around the point, nearest first."""
    lat, long = check_point(args["lat"], args["long"])
    lang = language()
    return [task_view(n.task, lang, distance_m=n.distance_m, slots_left=n.slots_left, claimed_by_me=n.claimed_by_me,
                      invited=n.invited)
            for n in assignment.nearby(require_citizen(), lat, long, radius_m=args["radius_m"])]


@blp.get("/tasks/claimed")
@blp.response(200, ClaimOut)
@blp.doc(security=BEARER)
@citizen_required
def claimed():
    """The citizen's live claim; 404 with code no_claim when there is none."""
    claim = assignment.current_claim(require_citizen())
    if claim is None:
        raise NotFound("no_claim", _("You do not hold a task."))
    return _claim_view(claim, language())


@blp.post("/tasks/<int:task_id>/claim")
@blp.response(200, ClaimOut)
@blp.doc(security=BEARER)
@citizen_required
def claim(task_id: int):
    """Hold one slot of the task for CLAIM_MINUTES (one task at a time)."""
    return _claim_view(assignment.claim(task_id, require_citizen()), language())


@blp.post("/tasks/<int:task_id>/release")
@blp.response(200, ClaimOut)
@blp.doc(security=BEARER)
@citizen_required
def release(task_id: int):
    """Give the slot back."""
    return _claim_view(assignment.release(task_id, require_citizen()), language())


@blp.post("/tasks/<int:task_id>/answer")
@blp.doc(security=BEARER, requestBody={"required": True, "content": {
    "application/json": {"schema": AnswerIn}, "multipart/form-data": {"schema": AnswerMultipartIn}}})
@blp.response(201, AnswerOut)
@citizen_required
def answer(task_id: int):
    """Answer the task I hold.

    A far answer counts less (low_weight_reason says why); a campaign answer needs a location
    inside the campaign's area, within its window."""
    citizen = require_citizen()
    fields_, raw = fields_and_photo(AnswerIn())
    photo_id = None
    try:
        if raw:
            # Answer photos are evidence for staff, never shown on public pages: stored without
            # a report (attach only reads the report's id).
            [row] = photos.attach(SimpleNamespace(id=None), [photos.process(raw)])
            db.session.flush()
            photo_id = row.id
        result = answering.answer(task_id, citizen, fields_["verdict"], lat=fields_["lat"], long=fields_["long"],
                                  note=fields_["note"], photo_id=photo_id)
    except Exception:
        db.session.rollback()  # also removes the photo's files
        raise
    task = service.get(task_id)
    return {"id": result.id, "task_id": task.id, "verdict": result.verdict.value, "weight": result.weight,
            "distance_m": result.distance_m, "low_weight_reason": result.low_weight_reason,
            "task_state": task.state.value, "outcome": task.outcome.value if task.outcome else None}


@blp.get("/campaigns")
@blp.response(200, CampaignOut(many=True))
def active_campaigns():
    """Campaigns citizens can answer now, in the Accept-Language language, with their progress."""
    lang = language()
    return [{**campaigns.campaign_view(c, lang), "progress": campaigns.progress(c.id)}
            for c in campaigns.active_campaigns()]
