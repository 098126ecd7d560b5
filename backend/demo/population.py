"""The demo city's people and a year of their reports, made through the real services
with the clock moved back, so every history is one the platform could have written: staff act
through backend/triage, the crowd supports, verifies and confirms fixes through backend/reports and
backend/tasks (whose signals pay the points), coordinators route by hand what no area covers.
Only what a periodic job would have done at its moment (SLA escalation, task expiry) is written
directly, as that job writes it.

A batch loader: it owns its transactions, committing report by report and step by step, so the
outbox delivers each report's routing inline (`deliver_pending_inline`) at the moment the moved
clock says, as the worker would have."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from shapely.geometry import Point
from shapely.geometry import mapping
from sqlalchemy import select, update

from backend.accounts import service as accounts
from backend.accounts.models import Channel, Citizen, StaffRole, StaffUser
from backend.city.models import Category, Department
from backend.clock import set_clock
from backend.demo.catalogue import CAMPAIGNS, DESCRIPTIONS, REJECT_REASONS, RESOLUTION_NOTES, TEMPLATES
from backend.demo.geography import STREETS, district_shapes
from backend.extensions import db
from backend.outbox import service as outbox
from backend.reports import event_texts, service as reports, support
from backend.reports.models import EventKind, Report, ReportStatus, Supporter
from backend.tasks import answering, assignment, campaigns
from backend.tasks.service import coordinates as task_coordinates
from backend.tasks.models import Campaign, Claim, ClaimState, Task, TaskKind, TaskState, Verdict
from backend.triage import response_templates, service as triage, sla
from backend.triage.models import ResponseTemplate, SlaEscalation

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "晓东", "佳怡", "子涵", "浩然"]
ENGLISH = ["Alice Chen", "Ben Wong", "Claire Martin", "David Liu", "Emma Schulz", "Felix Ng", "Grace Park",
           "Henry Zhou", "Isabel Costa", "Jack Lin", "Kate O'Brien", "Leo Tan", "Mia Rossi", "Noah Kim", "Olivia Wu"]

CATEGORY_WEIGHTS = {
    "pothole": 14, "broken_streetlight": 14, "illegal_dumping": 11, "overflowing_bin": 10, "damaged_sidewalk": 9,
    "graffiti": 7, "blocked_drain": 7, "traffic_signal": 5, "fallen_tree": 5, "water_leak": 5,
    "abandoned_vehicle": 5, "noise_nuisance": 4, "damaged_playground": 4,
}


def seed_citizens(rng: random.Random, count: int) -> list[Citizen]:
    citizens = []
    for n in range(count):
        external = f"demo-{n + 1:04d}"
        citizen = accounts.citizen_by_identity(Channel.TELEGRAM, external)
        if citizen is None:
            if n % 4 == 3:
                name, language = ENGLISH[n % len(ENGLISH)], "en"
            else:
                name, language = SURNAMES[n % len(SURNAMES)] + GIVEN[(n * 7) % len(GIVEN)], "zh_Hans"
            citizen = accounts.create_citizen(name, language, identity=(Channel.TELEGRAM, external))
        citizens.append(citizen)
    db.session.commit()
    return citizens


def _random_point(rng: random.Random, shape) -> tuple[float, float]:
    minx, miny, maxx, maxy = shape.bounds
    while True:
        long, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shape.contains(Point(long, lat)):
            return round(lat, 6), round(long, 6)


def _attributes(rng: random.Random, category: Category) -> dict:
    values = {}
    for d in category.attributes:
        if not d.get("required") and rng.random() < 0.5:
            continue
        if d["datatype"] == "singlevaluelist":
            values[d["code"]] = rng.choice(d["values"])["key"]
        elif d["datatype"] == "multivaluelist":
            values[d["code"]] = [v["key"] for v in rng.sample(d["values"], rng.randint(1, 2))]
        elif d["datatype"] == "number":
            values[d["code"]] = rng.randint(2, 25)
        elif d["code"] == "pole_number":
            values[d["code"]] = f"SH-{rng.randint(100, 9999):04d}"
        elif d["code"] == "hours":
            values[d["code"]] = "22:00-02:00"
        else:
            values[d["code"]] = rng.choice(["滑梯 slide", "秋千 swing", "跷跷板 seesaw"])
    return values


def _plan(rng: random.Random, age_days: float) -> str:
    """How far a report of this age got, from the shape of a real year's data: old reports are
    nearly all finished, a few long jobs still run."""
    if age_days > 45:
        table = [("closed", 66), ("resolved", 5), ("rejected", 9), ("duplicate", 6), ("in_progress", 3),
                 ("acknowledged", 1), ("open", 1), ("reopened", 5)]
    elif age_days > 7:
        table = [("closed", 45), ("resolved", 16), ("rejected", 8), ("duplicate", 6), ("in_progress", 10),
                 ("acknowledged", 5), ("open", 4), ("reopened", 6)]
    else:
        table = [("open", 25), ("acknowledged", 22), ("in_progress", 18), ("resolved", 15), ("rejected", 5),
                 ("duplicate", 5), ("closed", 10)]
    return rng.choices([t for t, _w in table], [w for _t, w in table])[0]


class _Clock:
    def __init__(self, start: datetime, now: datetime):
        self.t, self.now = start, now
        set_clock(lambda: start)

    def to(self, when: datetime) -> bool:
        """Move to `when` (at least a minute on: the clock never runs back); False when that
        would pass the present (the story stops there)."""
        nxt = max(when, self.t + timedelta(minutes=1))
        if nxt >= self.now:
            return False
        self.t = nxt
        set_clock(lambda: nxt)
        return True

    def advance(self, rng: random.Random, low_h: float, high_h: float) -> bool:
        return self.to(self.t + timedelta(hours=rng.uniform(low_h, high_h)))


class _City:
    """What the story of every report needs to hand: people, desks, templates, the present."""

    def __init__(self, rng: random.Random, citizens: list[Citizen], now: datetime):
        self.rng, self.citizens, self.now = rng, citizens, now
        self.staff = {s.department_id: s for s in db.session.scalars(
            select(StaffUser).where(StaffUser.department_id.is_not(None)).order_by(StaffUser.id))}
        self.coordinator = db.session.scalar(select(StaffUser).where(StaffUser.role == StaffRole.COORDINATOR)
                                             .order_by(StaffUser.id).limit(1))
        codes = {d.id: d.code for d in db.session.scalars(select(Department))}
        self.department_by_code = {code: d for d, code in codes.items()}
        by_code = {t.code: t for t in db.session.scalars(select(ResponseTemplate))}
        self.templates: dict[tuple[int | None, str], list[ResponseTemplate]] = {}
        for code, use, department, *_texts in TEMPLATES:
            key = (self.department_by_code.get(department), use)
            self.templates.setdefault(key, []).append(by_code[code])
        # Each department misses its service level in its own share of cases.
        self.late_share = {d: rng.uniform(0.08, 0.22) for d in codes}
        self.same_kind: dict[tuple[int, str], list[int]] = {}


def seed_templates(admin: StaffUser) -> None:
    """The admins' response templates, saved through the real service (audited), once."""
    existing = set(db.session.scalars(select(ResponseTemplate.code)))
    for code, use, _department, title_en, title_zh, body_en, body_zh in TEMPLATES:
        if code not in existing:
            response_templates.save(admin, {"code": code, "use": use, "title_en": title_en, "title_zh": title_zh,
                                            "body_en": body_en, "body_zh": body_zh, "active": "1"})
    db.session.commit()


def seed_reports(rng: random.Random, citizens: list[Citizen], count: int, now: datetime) -> None:
    city = _City(rng, citizens, now)
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    shapes = district_shapes()
    districts = sorted(shapes)
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    weights = [CATEGORY_WEIGHTS[c] for c in codes]
    starts = sorted(now - timedelta(days=rng.uniform(0.05, 365)) for _ in range(count))
    # The coordinators' list is never empty in a living city, and never old: a few of this week's
    # reports wait there, everything older was routed by hand.
    waiting = set(starts[-5:-2])
    try:
        for created in starts:
            age_days = (now - created).total_seconds() / 86400
            clock = _Clock(created, now)
            district = rng.choice(districts)
            code = rng.choices(codes, weights)[0]
            if created in waiting:
                code, district = "damaged_playground", rng.choice([d for d in districts if d != "huangpu"])
            category = categories[code]
            lat, long = _random_point(rng, shapes[district])
            zh, en = rng.choice(DESCRIPTIONS[code])
            reporter = rng.choice(citizens) if rng.random() > 0.08 else None
            text = en if reporter is not None and reporter.language == "en" else zh
            street_zh, street_en = rng.choice(STREETS[district])
            number = rng.randint(1, 999)
            report = reports.submit(category=category, lat=lat, long=long, description=text,
                                    attributes=_attributes(rng, category), reporter=reporter,
                                    channel=rng.choice(["telegram", "telegram", "mobile", "open311"]),
                                    address=f"{street_zh}{number}号 / {number} {street_en}")
            db.session.commit()
            if clock.advance(rng, 0.01, 0.2):
                outbox.deliver_pending_inline()
            report = db.session.get(Report, report.id)
            if report.status == ReportStatus.SUBMITTED:
                if created in waiting or age_days < 3:
                    continue
                # A coordinator finds it in the list within a day or so and gives it to the
                # city-wide department nearest in kind.
                if not clock.advance(rng, 2, 26):
                    continue
                triage.hand_over(city.coordinator, report.id, city.department_by_code["parks_water"],
                                 note="无辖区覆盖，人工分派 / No area covers this place: routed by hand")
                db.session.commit()
            if report.status == ReportStatus.OPEN:
                _live(city, report, _plan(rng, age_days), clock)
            db.session.commit()
        _expire_tasks(now)
        db.session.commit()
    finally:
        set_clock(None)


def _expire_tasks(now: datetime) -> None:
    """What the periodic sweep (assignment.expire_tasks) did when each unanswered task's time ran out."""
    expired = select(Task.id).where(Task.state == TaskState.OPEN, Task.expires_at <= now)
    db.session.execute(update(Claim).where(Claim.task_id.in_(expired), Claim.state == ClaimState.ACTIVE)
                       .values(state=ClaimState.RELEASED, ended_at=Claim.expires_at))
    db.session.execute(update(Task).where(Task.id.in_(expired))
                       .values(state=TaskState.EXPIRED, closed_at=Task.expires_at + timedelta(minutes=3)))


def _escalate(report: Report, clock: _Clock, rng: random.Random) -> None:
    """What sla.escalate_overdue records when its five-minute sweep finds the report overdue."""
    if report.due_at is None or report.status not in sla.OPEN:
        return
    if db.session.scalar(select(SlaEscalation.id).where(SlaEscalation.report_id == report.id,
                                                        SlaEscalation.due_at == report.due_at)):
        return
    at = max(report.due_at + timedelta(minutes=rng.uniform(0.5, 5)), clock.t)
    set_clock(lambda: at)
    db.session.add(SlaEscalation(report_id=report.id, due_at=report.due_at, department_id=report.department_id,
                                 created_at=at))
    reports.record_event(report, EventKind.ESCALATED, public=False,
                         data=event_texts.system(event_texts.NOTE_OVERDUE, due_at=report.due_at.isoformat(),
                                                 overdue_hours=round((at - report.due_at).total_seconds() / 3600, 1)))
    db.session.commit()
    clock.t = at


def _near(rng: random.Random, lat: float, long: float) -> tuple[float, float]:
    """Where a citizen stands when answering: a few dozen metres from the spot."""
    return round(lat + rng.uniform(-0.0003, 0.0003), 6), round(long + rng.uniform(-0.0003, 0.0003), 6)


def _crowd(city: _City, task: Task, clock: _Clock, *, until: datetime, yes: float, first: list[Citizen] = (),
           exclude: set[int] = frozenset(), at=None) -> None:
    """Citizens claim and answer the task one after another until consensus closes it (or time runs out)."""
    rng = city.rng
    lat, long = task_coordinates(task)
    others = [c for c in rng.sample(city.citizens, 12) if c not in first]
    queue = [c for c in [*first, *others] if c.id not in exclude]
    answered: set[int] = set()
    span = max((until - clock.t).total_seconds() / 3600, 0.2)
    for citizen in queue:
        if task.state != TaskState.OPEN or len(answered) >= task.max_answers:
            return
        if citizen.id in answered:
            continue
        when = clock.t + timedelta(hours=rng.uniform(0.05, span / 3))
        if when >= until or not (at or clock.to)(when):
            return
        roll = rng.random()
        verdict = Verdict.YES if roll < yes else Verdict.CANT_TELL if roll < yes + 0.04 else Verdict.NO
        assignment.claim(task.id, citizen)
        clock.to(clock.t + timedelta(minutes=rng.uniform(2, 12)))
        # A campaign's task may lie at its area's edge, and an answer from outside the area is refused.
        where = (lat, long) if task.campaign_id else _near(rng, lat, long)
        answering.answer(task.id, citizen, verdict.value, lat=where[0], long=where[1])
        db.session.commit()
        answered.add(citizen.id)
        db.session.refresh(task)


def _open_task(report: Report, kind: TaskKind) -> Task | None:
    return db.session.scalar(select(Task).where(Task.report_id == report.id, Task.kind == kind,
                                                Task.state == TaskState.OPEN))


def _live(city: _City, report: Report, plan: str, clock: _Clock) -> None:
    """Walk a routed report through the lifecycle as far as its plan and the present allow:
    staff act within the category's service level, or late in their department's share of cases."""
    rng = city.rng
    staff = city.staff[report.department_id]
    routed = clock.t
    hours = float(report.category.default_sla_hours)
    late = rng.random() < city.late_share[report.department_id]
    total = hours * (rng.uniform(1.1, 2.4) if late else rng.uniform(0.2, 0.85))

    def at(when: datetime) -> bool:
        if report.due_at is not None and when > report.due_at and when < city.now:
            _escalate(report, clock, rng)
        return clock.to(when)

    def later(fraction_low: float, fraction_high: float) -> datetime:
        return routed + timedelta(hours=total * rng.uniform(fraction_low, fraction_high))

    def done() -> None:
        # Still open when the story ends: the sweep escalated it once its due time passed.
        if report.due_at is not None and report.due_at < city.now:
            _escalate(report, clock, rng)

    key = (report.department_id, report.category.code)
    if plan == "duplicate" and city.same_kind.get(key):
        if at(routed + timedelta(hours=rng.uniform(0.5, min(24.0, hours * 0.6)))):
            triage.mark_duplicate(staff, report.id, rng.choice(city.same_kind[key][-20:]))
            db.session.commit()
        else:
            done()
        return
    if plan != "rejected":
        city.same_kind.setdefault(key, []).append(report.id)
    # "Me too" from neighbours while it is open.
    if rng.random() < 0.5:
        for citizen in rng.sample(city.citizens, rng.choice([1, 1, 1, 2, 2, 3, 4, 6])):
            if not at(later(0.02, 0.3)):
                break
            support.support(report, citizen)
            db.session.execute(update(Supporter).where(Supporter.report_id == report.id,
                                                       Supporter.citizen_id == citizen.id)
                               .values(created_at=clock.t))
            db.session.commit()
    # The crowd checks that the problem is there.
    task = _open_task(report, TaskKind.VERIFY_REPORT)
    if task is not None and rng.random() < 0.45:
        _crowd(city, task, clock, until=min(later(0.3, 0.5), city.now), yes=0.25 if plan == "rejected" else 0.9,
               exclude={report.reporter_id}, at=at)
    if plan == "open":
        return done()
    if plan == "rejected":
        if at(later(0.2, 0.8)):
            reason = rng.choices([r for r, _w in REJECT_REASONS], [w for _r, w in REJECT_REASONS])[0]
            triage.reject(staff, report.id, reason=reason)
            db.session.commit()
        else:
            done()
        return
    if not at(later(0.05, 0.25)):
        return done()
    triage.acknowledge(staff, report.id)
    db.session.commit()
    if plan == "acknowledged" or not at(later(0.3, 0.6)):
        return done()
    triage.start_work(staff, report.id)
    db.session.commit()
    if plan == "in_progress" or not at(routed + timedelta(hours=total)):
        return done()
    _resolve(city, staff, report)
    if plan == "resolved":
        # Someone looked; the others never came, and the task ran out (_expire_tasks).
        task = _open_task(report, TaskKind.CONFIRM_FIX)
        if task is not None and rng.random() < 0.3:
            _crowd(city, task, clock, until=min(clock.t + timedelta(hours=30), city.now), yes=0.9,
                   first=[report.reporter] if report.reporter else [], exclude=set())
        return
    rounds = 2 if plan == "reopened" else 1
    for round_ in range(rounds):
        task = _open_task(report, TaskKind.CONFIRM_FIX)
        if task is None:
            return
        denied = plan == "reopened" and round_ == 0
        supporters = [db.session.get(Citizen, s) for s in db.session.scalars(
            select(Supporter.citizen_id).where(Supporter.report_id == report.id))]
        _crowd(city, task, clock, until=min(clock.t + timedelta(hours=rng.uniform(24, 120)), city.now),
               yes=0.1 if denied else 0.92, first=[c for c in [report.reporter, *supporters] if c is not None],
               exclude=set())
        db.session.refresh(report)
        if report.status != ReportStatus.IN_PROGRESS:
            return
        # The crowd said it is not fixed: the crew goes back.
        if not clock.advance(rng, 12, 96):
            return
        _resolve(city, staff, report)


def _resolve(city: _City, staff: StaffUser, report: Report) -> None:
    """Resolve as staff do: mostly with one of their department's templates, sometimes in their own words."""
    rng = city.rng
    choices = city.templates.get((report.department_id, "resolve"), [])
    if choices and rng.random() < 0.7:
        triage.resolve(staff, report.id, template_id=rng.choice(choices).id)
    else:
        zh, en = rng.choice(RESOLUTION_NOTES)
        triage.resolve(staff, report.id, note=f"{zh} / {en}")
    db.session.commit()


def seed_campaigns(rng: random.Random, citizens: list[Citizen], now: datetime) -> None:
    """The coordinators' campaigns, made and answered through the real services; ended ones closed
    by the periodic sweep at their end."""
    coordinator = db.session.scalar(select(StaffUser).where(StaffUser.role == StaffRole.COORDINATOR)
                                    .order_by(StaffUser.id).limit(1))
    shapes = district_shapes()
    try:
        for title_en, title_zh, question_en, question_zh, district, ago, days, tasks, answers, multiplier in CAMPAIGNS:
            if db.session.scalar(select(Campaign.id).where(Campaign.title_en == title_en)):
                continue
            starts = now - timedelta(days=ago)
            ends = starts + timedelta(days=days)
            clock = _Clock(starts - timedelta(days=2), now)
            campaign = campaigns.create_campaign(
                staff=coordinator, title_en=title_en, title_zh=title_zh, question_en=question_en,
                question_zh=question_zh, area=mapping(shapes[district]), starts_at=starts, ends_at=ends,
                target_count=tasks, redundancy=answers, reward_multiplier=multiplier)
            db.session.commit()
            city = _City(rng, citizens, now)
            task_list = list(db.session.scalars(select(Task).where(Task.campaign_id == campaign.id).order_by(Task.id)))
            for task in task_list:
                clock.t = starts
                offset = starts + timedelta(hours=rng.uniform(1, days * 24 * 0.6))
                set_clock(lambda: offset)
                clock.t = offset
                _crowd(city, task, clock, until=min(ends, now), yes=rng.choice([0.2, 0.5, 0.8]))
            if ends < now:
                end = ends + timedelta(minutes=4)
                set_clock(lambda: end)
                campaigns.close_ended_campaigns()
                db.session.commit()
    finally:
        set_clock(None)
