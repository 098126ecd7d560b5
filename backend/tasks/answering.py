"""Answering a task: only with a live claim, from near enough, inside a campaign's area and window."""
from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from geoalchemy2.elements import WKTElement
from sqlalchemy import select

from geo.coordinates import validate_point
from geo.distance import haversine_m
from geo.errors import GeoError
from backend.accounts.models import Citizen
from backend.clock import utcnow
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db
from backend.reports.models import Attachment, Report
from backend.tasks import assignment, campaigns, consensus, reputation, service
from backend.tasks.models import Answer, Claim, ClaimState, Task, Verdict

MAX_NOTE = 1000
FAR_FROM_TARGET = "far_from_target"


def _verdict(value: Any) -> Verdict:
    try:
        return Verdict(str(value).strip().lower())
    except ValueError:
        raise ValidationFailed("invalid_verdict", _("The answer must be yes, no or can't tell."),
                               {"verdict": "yes | no | cant_tell"}) from None


def _location(lat: Any, long: Any) -> tuple[float, float] | None:
    if lat in (None, "") and long in (None, ""):
        return None
    try:
        return validate_point(lat, long)
    except GeoError as exc:
        raise ValidationFailed(exc.code, _("The location is not a valid coordinate: %(reason)s", reason=exc.message),
                               {"location": exc.message}) from None


def _claim_for(task: Task, citizen: Citizen) -> Claim:
    held = db.session.scalar(select(Claim).where(Claim.task_id == task.id, Claim.citizen_id == citizen.id,
                                                 Claim.state == ClaimState.ACTIVE).with_for_update())
    if held is None:
        raise Conflict("no_claim", _("Claim this task before answering it."))
    if held.expires_at <= utcnow():
        raise Conflict("claim_expired", _("Your claim on this task has expired: claim it again."))
    return held


def answer(task_id: int, citizen: Citizen, verdict: Any, *, lat: Any = None, long: Any = None,
           note: str | None = "", photo_id: int | None = None) -> Answer:
    """Record the citizen's answer and let consensus decide whether the task is done.

    A shared location farther than ANSWER_MAX_DISTANCE_M from the target still counts,
    with FAR_ANSWER_WEIGHT_FACTOR of the weight and `low_weight_reason` saying why.
    Campaign answers need a location inside the campaign's area, within its window.
    """
    cfg = current_app.config
    now = utcnow()
    report_id = service.get(task_id).report_id
    if report_id is not None:
        # Report before task, the order a report's transition takes when it ends its tasks: no deadlock.
        db.session.execute(select(Report.id).where(Report.id == report_id).with_for_update())
    task = service.get(task_id, lock=True)
    assignment.check_may_take(task, citizen, now)
    held = _claim_for(task, citizen)
    choice = _verdict(verdict)
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationFailed("note_too_long", _("The note is too long (at most %(n)d characters).", n=MAX_NOTE),
                               {"note": f"at most {MAX_NOTE} characters"})
    where = _location(lat, long)
    if task.campaign is not None:
        if where is None:
            raise ValidationFailed("location_required", _("Share your location to answer a campaign task."),
                                   {"location": "required"})
        campaigns.check_in_area(task.campaign, *where)
    if photo_id is not None and db.session.get(Attachment, photo_id) is None:
        raise ValidationFailed("unknown_photo", _("This photo was not uploaded."), {"photo_id": "unknown"})
    weight = reputation.weight(citizen.id)
    distance = reason = None
    if where is not None:
        distance = round(haversine_m(*where, *service.coordinates(task)), 1)
        if distance > cfg["ANSWER_MAX_DISTANCE_M"]:
            weight *= cfg["FAR_ANSWER_WEIGHT_FACTOR"]
            reason = FAR_FROM_TARGET
    result = Answer(task_id=task.id, citizen_id=citizen.id, verdict=choice, note=text, photo_id=photo_id,
                    location=WKTElement(f"POINT({where[1]} {where[0]})", srid=4326) if where else None, distance_m=distance,
                    weight=round(weight, 6), low_weight_reason=reason, created_at=now)
    db.session.add(result)
    held.state = ClaimState.ANSWERED
    held.ended_at = now
    db.session.flush()
    db.session.refresh(task, ["answers"])
    consensus.evaluate(task)
    return result

