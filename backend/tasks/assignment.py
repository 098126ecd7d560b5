"""Who may hold which task: nearby lists, claims (one live claim per citizen), release, expiry.

A claim holds one of a task's `redundancy` slots until it is answered, released or
CLAIM_MINUTES pass. The last slot is decided under a row lock on the task: whoever
locks it second sees the first one's claim and is refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import Citizen
from backend.city.service import point_sql, within_metres
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, NotFound
from backend.extensions import db
from backend.reports.models import Report, Supporter
from backend.tasks import campaigns, service
from backend.tasks.models import Answer, Campaign, Claim, ClaimState, Task, TaskKind, TaskState


@dataclass(frozen=True)
class NearbyTask:
    task: Task
    distance_m: float
    slots_left: int
    claimed_by_me: bool
    # The citizen reported or supported the report whose fix is to be confirmed.
    invited: bool


def _live_claim(now: datetime):
    return and_(Claim.state == ClaimState.ACTIVE, Claim.expires_at > now)


def slots_taken(task_id: int, now: datetime | None = None) -> int:
    now = now or utcnow()
    answers = select(func.count()).select_from(Answer).where(Answer.task_id == task_id).scalar_subquery()
    claims = select(func.count()).select_from(Claim).where(Claim.task_id == task_id, _live_claim(now)).scalar_subquery()
    return db.session.scalar(select(answers + claims))


def nearby(citizen: Citizen, lat: float, long: float, *, radius_m: float | None = None,
           limit: int = 20) -> list[NearbyTask]:
    """Open tasks around (lat, long), nearest first, that this citizen may take.

    Left out: verification of the citizen's own reports, tasks they answered, tasks whose
    slots are all held by others, and campaign tasks outside their campaign's window.
    Confirming a fix is offered to the reporter and supporters wherever they are.
    """
    now = utcnow()
    radius = radius_m if radius_m is not None else current_app.config["TASKS_NEARBY_RADIUS_M"]
    here = func.Geography(point_sql(lat, long))
    distance = func.ST_Distance(func.Geography(Task.location), here)
    answers = select(func.count()).select_from(Answer).where(Answer.task_id == Task.id).scalar_subquery()
    claims = select(func.count()).select_from(Claim).where(Claim.task_id == Task.id, _live_claim(now)).scalar_subquery()
    mine = exists().where(Claim.task_id == Task.id, Claim.citizen_id == citizen.id, _live_claim(now))
    invited = and_(Task.kind == TaskKind.CONFIRM_FIX,
                   or_(Report.reporter_id == citizen.id,
                       exists().where(Supporter.report_id == Task.report_id, Supporter.citizen_id == citizen.id)))
    rows = db.session.execute(
        select(Task, distance.label("distance"), (answers + claims).label("taken"), mine.label("mine"),
               invited.label("invited"))
        .outerjoin(Report, Report.id == Task.report_id)
        .outerjoin(Campaign, Campaign.id == Task.campaign_id)
        .where(
            Task.state == TaskState.OPEN,
            or_(Task.expires_at.is_(None), Task.expires_at > now),
            or_(Task.campaign_id.is_(None), campaigns.live_clause(now)),
            ~and_(Task.kind == TaskKind.VERIFY_REPORT, Report.reporter_id == citizen.id),
            or_(Task.report_id.is_(None), Report.hidden.is_(False)),
            or_(Campaign.min_level.is_(None), Campaign.min_level <= campaigns.level_of(citizen.id)),
            ~exists().where(Answer.task_id == Task.id, Answer.citizen_id == citizen.id),
            or_(answers + claims < Task.redundancy, mine),
            or_(within_metres(Task.location, point_sql(lat, long), radius), invited),
        )
        .order_by(distance, Task.id)
        .limit(limit)
    ).all()
    return [NearbyTask(task=t, distance_m=round(float(d), 1), slots_left=max(0, t.redundancy - taken),
                       claimed_by_me=bool(m), invited=bool(inv)) for t, d, taken, m, inv in rows]


def check_may_take(task: Task, citizen: Citizen, now: datetime) -> None:
    """Everything that keeps a citizen from a task, whether claiming or answering."""
    if task.state != TaskState.OPEN:
        raise Conflict("task_closed", _("This task is no longer open."))
    if task.campaign is not None:
        # Before the expiry check: a campaign's window says more than "closed".
        campaigns.check_live(task.campaign, now)
    if task.expires_at is not None and task.expires_at <= now:
        raise Conflict("task_closed", _("This task is no longer open."))
    if citizen.blocked or citizen.deleted_at is not None:
        raise Forbidden("citizen_blocked", _("Your account may not take tasks."))
    if task.report_id is not None:
        reporter_id, hidden = db.session.execute(select(Report.reporter_id, Report.hidden)
                                                 .where(Report.id == task.report_id)).one()
        if hidden:  # moderated away: nobody is sent to look at it
            raise Conflict("task_closed", _("This task is no longer open."))
        if task.kind == TaskKind.VERIFY_REPORT and reporter_id == citizen.id:
            raise Forbidden("own_report", _("You cannot verify your own report."))
    if task.campaign is not None:
        campaigns.check_level(task.campaign, citizen)


def current_claim(citizen: Citizen) -> Claim | None:
    """The citizen's live claim, if any."""
    now = utcnow()
    return db.session.scalar(select(Claim).where(Claim.citizen_id == citizen.id, _live_claim(now)))


def claim(task_id: int, citizen: Citizen) -> Claim:
    """Hold a slot of the task for CLAIM_MINUTES. Claiming the task one already holds returns that claim.

    The task's row lock, taken first, decides the last slot; it is held until the caller's transaction ends."""
    now = utcnow()
    task = service.get(task_id, lock=True)
    check_may_take(task, citizen, now)
    if service.answered_by(task.id, citizen.id):
        raise Conflict("already_answered", _("You have already answered this task."))
    _expire_stale_claims_of(citizen, now)
    held = db.session.scalar(select(Claim).where(Claim.citizen_id == citizen.id, Claim.state == ClaimState.ACTIVE))
    if held is not None and held.task_id == task_id:
        return held
    if held is not None:
        raise Conflict("claim_held", _("You already hold a task: answer or release it first."))
    if slots_taken(task.id, now) >= task.redundancy:
        raise Conflict("task_full", _("Enough people are already on this task."))
    new = Claim(task_id=task.id, citizen_id=citizen.id, state=ClaimState.ACTIVE, created_at=now,
                expires_at=now + timedelta(minutes=current_app.config["CLAIM_MINUTES"]))
    try:
        with db.session.begin_nested():
            db.session.add(new)
    except IntegrityError:
        # The same citizen claimed something else at the very same moment.
        raise Conflict("claim_held", _("You already hold a task: answer or release it first.")) from None
    return new


def release(task_id: int, citizen: Citizen) -> Claim:
    now = utcnow()
    held = db.session.scalar(select(Claim).where(Claim.task_id == task_id, Claim.citizen_id == citizen.id,
                                                 _live_claim(now)).with_for_update())
    if held is None:
        raise NotFound("no_claim", _("You do not hold this task."))
    held.state = ClaimState.RELEASED
    held.ended_at = now
    return held


def _expire_stale_claims_of(citizen: Citizen, now: datetime) -> None:
    db.session.execute(update(Claim).where(Claim.citizen_id == citizen.id, Claim.state == ClaimState.ACTIVE,
                                           Claim.expires_at <= now).values(state=ClaimState.EXPIRED, ended_at=now))


def expire_claims() -> int:
    """Free the slots of claims nobody answered in time (the periodic sweep)."""
    now = utcnow()
    ids = list(db.session.scalars(
        select(Claim.id).where(Claim.state == ClaimState.ACTIVE, Claim.expires_at <= now)
        .with_for_update(skip_locked=True)  # a claim being answered right now is left to its answer
    ))
    if ids:
        db.session.execute(update(Claim).where(Claim.id.in_(ids)).values(state=ClaimState.EXPIRED, ended_at=now))
    return len(ids)


def expire_tasks() -> int:
    """End tasks whose time is over (the periodic sweep)."""
    now = utcnow()
    return service.end_tasks(and_(Task.expires_at.is_not(None), Task.expires_at <= now), TaskState.EXPIRED)
