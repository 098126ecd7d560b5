"""Campaigns designed by coordinators: validation, tasks spread over the area, state, progress.

The staff web and the API call these functions; they know nothing of HTTP. Each change asks
backend/tasks/policy.py first and is audited (`campaign.create`, `campaign.update`,
`campaign.pause|resume|close`) in the caller's transaction.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import and_, func, select

from geo.errors import GeoError
from geo.geojson import parse_multipolygon
from backend.accounts.models import Citizen, StaffUser
from backend.audit import service as audit
from backend.city import service as city
from backend.city.models import Area, Category
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend import parameters
from backend.extensions import db
from backend.policy import require
from backend.tasks import placement
from backend.tasks.policy import may_edit_campaign, may_open_campaign
from backend.tasks.models import Answer, Campaign, CampaignState, Task, TaskKind, TaskState
from backend.tasks.service import coordinates, end_tasks, outcome_counts, reward_of, task_summary

MAX_REDUNDANCY = 10
MAX_TARGET_COUNT = 500
MAX_REWARD_MULTIPLIER = 10.0
TEXT_FIELDS = ("title_en", "title_zh", "instructions_en", "instructions_zh", "question_en", "question_zh")
EDITABLE = (*TEXT_FIELDS, "starts_at", "ends_at", "redundancy", "reward_multiplier", "min_level", "area",
            "target_count", "category")

# The incentives area knows citizens' levels; it replaces this at import (set_level_lookup).
_level_of: Callable[[int], int] = lambda citizen_id: 0


def set_level_lookup(fn: Callable[[int], int]) -> None:
    global _level_of
    _level_of = fn


def level_of(citizen_id: int) -> int:
    return _level_of(citizen_id)


def get(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound("campaign_not_found", _("There is no campaign number %(id)s.", id=campaign_id))
    return campaign


def _when(value: Any, field: str) -> datetime:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed("invalid_time", _("This is not a valid date and time."), {field: "ISO 8601"}) from None
    if not isinstance(value, datetime):
        raise ValidationFailed("invalid_time", _("This is not a valid date and time."), {field: "required"})
    if value.tzinfo is None:
        # Coordinators type the city's local time.
        value = value.replace(tzinfo=ZoneInfo(current_app.config["CITY_TIMEZONE"]))
    return value


def _int_in(value: Any, field: str, low: int, high: int) -> int:
    try:
        # Wide bounds here, so that a whole number outside [low, high] is told so, not "not a number".
        number = parameters.integer(value, field, minimum=-(10**18), maximum=10**18)
    except ValidationFailed:
        raise ValidationFailed("invalid_number", _("Please give a whole number."), {field: "integer"}) from None
    if not low <= number <= high:
        raise ValidationFailed("out_of_range", _("The value must be between %(low)s and %(high)s.", low=low, high=high),
                               {field: f"{low}..{high}"})
    return number


def parse_area(data: Any):
    """A drawn or uploaded GeoJSON polygon, valid and inside the city's service area."""
    try:
        shape = parse_multipolygon(data)
    except GeoError as exc:
        raise ValidationFailed("invalid_area", _("The campaign area is not a valid polygon: %(reason)s",
                                                 reason=exc.message), {"area": exc.message}) from None
    overlaps = db.session.scalar(select(func.count()).select_from(Area).where(
        func.ST_Intersects(Area.geom, func.ST_GeomFromText(shape.wkt, 4326))))
    if not overlaps:
        raise ValidationFailed("outside_service_area", _("The campaign area is outside the area the city serves."),
                               {"area": "outside every department's area"})
    return shape


def _clean(values: dict[str, Any], current: Campaign | None) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationFailed("unknown_fields", _("Unknown fields."), {f: "unknown" for f in sorted(unknown)})
    out: dict[str, Any] = {}
    for field in TEXT_FIELDS:
        if field in values:
            out[field] = (values[field] or "").strip()
            limit = 200 if field.startswith("title") else 4000
            if len(out[field]) > limit:
                raise ValidationFailed("text_too_long", _("The text is too long (at most %(n)d characters).", n=limit),
                                       {field: f"at most {limit} characters"})
    merged = lambda f: out[f] if f in out else (getattr(current, f) if current else "")
    if not (merged("title_en") or merged("title_zh")):
        raise ValidationFailed("title_required", _("A campaign needs a title."), {"title_en": "required"})
    if "category" in values:
        cat = values["category"]
        out["category_id"] = None if cat in (None, "") else (cat if isinstance(cat, Category)
                                                              else city.category_by_code(str(cat))).id
    category_id = out["category_id"] if "category_id" in out else (current.category_id if current else None)
    if category_id is None and not (merged("question_en") or merged("question_zh")):
        raise ValidationFailed("subject_required", _("A campaign needs a category or a question."),
                               {"question_en": "required without a category"})
    for field in ("starts_at", "ends_at"):
        if field in values:
            out[field] = _when(values[field], field)
    starts = out.get("starts_at", current.starts_at if current else None)
    ends = out.get("ends_at", current.ends_at if current else None)
    if starts is None or ends is None:
        raise ValidationFailed("window_required", _("A campaign needs a start and an end."), {"ends_at": "required"})
    if ends <= starts:
        raise ValidationFailed("invalid_window", _("The campaign must end after it starts."), {"ends_at": "after starts_at"})
    if "ends_at" in out and ends <= utcnow():
        raise ValidationFailed("invalid_window", _("The campaign must end in the future."), {"ends_at": "in the future"})
    if "redundancy" in values:
        out["redundancy"] = _int_in(values["redundancy"], "redundancy", 1, MAX_REDUNDANCY)
    if "target_count" in values:
        out["target_count"] = _int_in(values["target_count"], "target_count", 1, MAX_TARGET_COUNT)
    if "min_level" in values:
        out["min_level"] = None if values["min_level"] in (None, "") else _int_in(values["min_level"], "min_level", 0, 1000)
    if "reward_multiplier" in values:
        try:
            multiplier = float(values["reward_multiplier"])
        except (TypeError, ValueError):
            multiplier = float("nan")
        if not 0 < multiplier <= MAX_REWARD_MULTIPLIER:
            raise ValidationFailed("out_of_range", _("The reward multiplier must be above 0 and at most %(n)s.",
                                                     n=MAX_REWARD_MULTIPLIER), {"reward_multiplier": "0..10"})
        out["reward_multiplier"] = multiplier
    if "area" in values:
        out["area"] = parse_area(values["area"])
    return out


def _reward(campaign: Campaign) -> int:
    return reward_of(TaskKind.CAMPAIGN, campaign.reward_multiplier)


def _place_tasks(campaign: Campaign, shape) -> None:
    cfg = current_app.config
    for point in placement.spread_points(shape, campaign.target_count):
        db.session.add(Task(kind=TaskKind.CAMPAIGN, state=TaskState.OPEN, campaign_id=campaign.id,
                            location=from_shape(point, srid=4326), redundancy=campaign.redundancy,
                            max_answers=campaign.redundancy + cfg["TASK_EXTRA_ANSWERS"], reward=_reward(campaign),
                            expires_at=campaign.ends_at, created_at=utcnow()))


def audit_view(campaign: Campaign) -> dict[str, Any]:
    """What the audit log keeps of a campaign before and after a change."""
    return {"title_en": campaign.title_en, "title_zh": campaign.title_zh, "state": campaign.state.value,
            "starts_at": campaign.starts_at, "ends_at": campaign.ends_at, "redundancy": campaign.redundancy,
            "reward_multiplier": campaign.reward_multiplier, "target_count": campaign.target_count,
            "min_level": campaign.min_level, "category_id": campaign.category_id}


def create_campaign(*, staff: StaffUser, **values: Any) -> Campaign:
    """A new active campaign with `target_count` tasks spread over its area. Needs title, area, window,
    a category or a question, and target_count; redundancy defaults to 3, the multiplier to 1."""
    require(may_open_campaign(staff))
    values.setdefault("redundancy", 3)
    values.setdefault("reward_multiplier", 1.0)
    for field in ("area", "target_count", "starts_at", "ends_at"):
        if field not in values:
            raise ValidationFailed(f"{field}_required", _("This field is required."), {field: "required"})
    clean = _clean(values, None)
    shape = clean.pop("area")
    now = utcnow()
    campaign = Campaign(**{f: clean.get(f, "") for f in TEXT_FIELDS}, category_id=clean.get("category_id"),
                        area=from_shape(shape, srid=4326), starts_at=clean["starts_at"], ends_at=clean["ends_at"],
                        redundancy=clean["redundancy"], reward_multiplier=clean["reward_multiplier"],
                        target_count=clean["target_count"], min_level=clean.get("min_level"),
                        state=CampaignState.ACTIVE, created_by_staff_id=staff.id, created_at=now, updated_at=now)
    db.session.add(campaign)
    db.session.flush()
    _place_tasks(campaign, shape)
    audit.record(staff, "campaign.create", "campaign", campaign.id, after=audit_view(campaign))
    return campaign


def answer_count(campaign_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Answer).join(Task, Task.id == Answer.task_id)
                             .where(Task.campaign_id == campaign_id))


def _locked(campaign_id: int) -> Campaign:
    campaign = db.session.scalar(select(Campaign).where(Campaign.id == campaign_id).with_for_update())
    if campaign is None:
        raise NotFound("campaign_not_found", _("There is no campaign number %(id)s.", id=campaign_id))
    return campaign


def update_campaign(staff: StaffUser, campaign_id: int, **values: Any) -> Campaign:
    """Edit a campaign. Its area and target count can change only until the first answer."""
    campaign = _locked(campaign_id)
    require(may_edit_campaign(staff, campaign))
    before = audit_view(campaign)
    if campaign.state == CampaignState.CLOSED:
        raise Conflict("campaign_closed", _("This campaign is closed."))
    clean = _clean(values, campaign)
    reshape = "area" in clean or "target_count" in clean
    if reshape and answer_count(campaign.id):
        raise Conflict("campaign_has_answers", _("The area and the target cannot change once citizens have answered."))
    shape = clean.pop("area", None)
    for field, value in clean.items():
        setattr(campaign, field, value)
    if shape is not None:
        campaign.area = from_shape(shape, srid=4326)
    campaign.updated_at = utcnow()
    open_tasks = list(db.session.scalars(select(Task).where(Task.campaign_id == campaign.id, Task.state == TaskState.OPEN)))
    if reshape:
        for task in open_tasks:
            db.session.delete(task)
        db.session.flush()
        _place_tasks(campaign, shape if shape is not None else to_shape(campaign.area))
    else:
        for task in open_tasks:
            task.reward = _reward(campaign)
            task.expires_at = campaign.ends_at
            if "redundancy" in clean:
                task.max_answers = max(task.max_answers - task.redundancy + clean["redundancy"], len(task.answers), 1)
                task.redundancy = max(clean["redundancy"], len(task.answers), 1)
    db.session.flush()
    audit.record(staff, "campaign.update", "campaign", campaign.id, before=before,
                 after={**audit_view(campaign), **({"area": "changed"} if shape is not None else {})})
    return campaign


def _set_state(campaign: Campaign, state: CampaignState, allowed_from: set[CampaignState]) -> Campaign:
    if campaign.state not in allowed_from:
        raise Conflict("invalid_campaign_state", _("A campaign that is %(current)s cannot become %(target)s.",
                                                   current=campaign.state.value, target=state.value))
    campaign.state = state
    campaign.updated_at = utcnow()
    if state == CampaignState.CLOSED:
        end_tasks(Task.campaign_id == campaign.id, TaskState.CANCELLED)
    db.session.flush()
    return campaign


_STATES = {  # action: (target state, the states it may come from)
    "pause": (CampaignState.PAUSED, {CampaignState.ACTIVE}),
    "resume": (CampaignState.ACTIVE, {CampaignState.PAUSED}),
    "close": (CampaignState.CLOSED, {CampaignState.ACTIVE, CampaignState.PAUSED}),
}
STATE_ACTIONS = tuple(_STATES)


def change_state(staff: StaffUser, campaign_id: int, action: str) -> Campaign:
    """Pause, resume or close a campaign (`action` one of STATE_ACTIONS); closing cancels its open tasks."""
    if action not in _STATES:
        raise ValidationFailed("unknown_action", _("There is no such campaign action."), {"action": "pause, resume or close"})
    campaign = _locked(campaign_id)
    require(may_edit_campaign(staff, campaign))
    before = campaign.state.value
    _set_state(campaign, *_STATES[action])
    audit.record(staff, f"campaign.{action}", "campaign", campaign.id, before={"state": before},
                 after={"state": campaign.state.value})
    return campaign


def pause_campaign(staff: StaffUser, campaign_id: int) -> Campaign:
    return change_state(staff, campaign_id, "pause")


def resume_campaign(staff: StaffUser, campaign_id: int) -> Campaign:
    return change_state(staff, campaign_id, "resume")


def close_campaign(staff: StaffUser, campaign_id: int) -> Campaign:
    return change_state(staff, campaign_id, "close")


def close_ended_campaigns() -> int:
    """Close campaigns whose window is over (the periodic sweep: the system acts, no one's policy applies)."""
    ids = list(db.session.scalars(select(Campaign.id).where(Campaign.state != CampaignState.CLOSED,
                                                            Campaign.ends_at <= utcnow())))
    for campaign_id in ids:
        _set_state(_locked(campaign_id), *_STATES["close"])
    return len(ids)


def live_clause(now: datetime):
    """SQL: the campaign is active and inside its window."""
    return and_(Campaign.state == CampaignState.ACTIVE, Campaign.starts_at <= now, Campaign.ends_at > now)


def check_live(campaign: Campaign, now: datetime) -> None:
    if campaign.state != CampaignState.ACTIVE:
        raise Conflict("campaign_not_active", _("This campaign is paused or closed."))
    if now < campaign.starts_at:
        raise ValidationFailed("outside_campaign_window", _("This campaign has not started yet."),
                               {"time": f"starts at {campaign.starts_at.isoformat()}"})
    if now >= campaign.ends_at:
        raise ValidationFailed("outside_campaign_window", _("This campaign is over."),
                               {"time": f"ended at {campaign.ends_at.isoformat()}"})


def check_level(campaign: Campaign, citizen: Citizen) -> None:
    if campaign.min_level and level_of(citizen.id) < campaign.min_level:
        raise Forbidden("level_too_low", _("This campaign is open from level %(level)s.", level=campaign.min_level))


def check_in_area(campaign: Campaign, lat: float, long: float) -> None:
    inside = db.session.scalar(select(func.ST_Covers(Campaign.area, city.point_sql(lat, long)))
                               .where(Campaign.id == campaign.id))
    if not inside:
        raise ValidationFailed("outside_campaign_area", _("You are outside this campaign's area."),
                               {"location": "outside the campaign area"})


def list_campaigns(state: CampaignState | None = None) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.starts_at.desc(), Campaign.id.desc())
    if state is not None:
        query = query.where(Campaign.state == state)
    return list(db.session.scalars(query))


def active_campaigns() -> list[Campaign]:
    """Campaigns citizens can answer now."""
    return list(db.session.scalars(select(Campaign).where(live_clause(utcnow())).order_by(Campaign.ends_at, Campaign.id)))


def progress(campaign_id: int) -> dict[str, Any]:
    """Answers, coverage (share of task points with at least one answer) and agreement (mean over decided tasks)."""
    campaign = get(campaign_id)
    tasks = list(db.session.scalars(select(Task).where(Task.campaign_id == campaign.id)))
    answered = [t for t in tasks if t.answers]
    decided = [t for t in tasks if t.agreement is not None]
    return {
        "campaign_id": campaign.id, "state": campaign.state.value, "target_count": campaign.target_count,
        "tasks": len(tasks), "tasks_closed": sum(1 for t in tasks if t.state == TaskState.CLOSED),
        "answers": sum(len(t.answers) for t in tasks),
        "coverage": round(len(answered) / len(tasks), 4) if tasks else 0.0,
        "agreement": round(sum(t.agreement for t in decided) / len(decided), 4) if decided else None,
        "outcomes": outcome_counts(tasks),
    }


def task_points(campaign_id: int) -> list[dict[str, Any]]:
    """Every task of a campaign with its place and figures, for the coordinators' map."""
    tasks = db.session.scalars(select(Task).where(Task.campaign_id == get(campaign_id).id).order_by(Task.id))
    return [{**task_summary(t), "lat": coordinates(t)[0], "long": coordinates(t)[1]} for t in tasks]


def campaign_view(campaign: Campaign, language: str) -> dict[str, Any]:
    """A campaign as citizens see it, in their language."""
    category = db.session.get(Category, campaign.category_id) if campaign.category_id else None
    return {
        "id": campaign.id, "title": campaign.title(language), "instructions": campaign.instructions(language),
        "question": campaign.question(language) or None,
        "category": category.code if category else None,
        "category_name": category.name(language) if category else None,
        "starts_at": campaign.starts_at.isoformat(), "ends_at": campaign.ends_at.isoformat(),
        "reward_multiplier": campaign.reward_multiplier, "min_level": campaign.min_level,
        "area": to_shape(campaign.area).__geo_interface__,
    }
