"""The demo city's people and a year of their reports, made through the real services
with the clock moved back, so every history is one the platform could have written.

A batch loader: it owns its transactions, committing report by report and step by step, so the
outbox delivers each report's routing inline (`deliver_pending_inline`) at the moment the moved
clock says, as the worker would have."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from shapely.geometry import Point
from sqlalchemy import select

from backend.accounts import service as accounts
from backend.accounts.models import Channel, Citizen, StaffUser
from backend.city.models import Category
from backend.clock import set_clock
from backend.demo.catalogue import DESCRIPTIONS, REJECTION_NOTES, RESOLUTION_NOTES
from backend.demo.geography import STREETS, district_shapes
from backend.extensions import db
from backend.outbox import service as outbox
from backend.reports import service as reports
from backend.reports.models import ActorType, Report, ReportStatus

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


def _random_point(rng: random.Random, shapes: list) -> tuple[float, float]:
    shape = rng.choice(shapes)
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
    """How far a report of this age got, from the shape of a real year's data."""
    if age_days > 45:
        table = [("closed", 62), ("resolved", 6), ("rejected", 9), ("duplicate", 6), ("in_progress", 6),
                 ("acknowledged", 4), ("open", 4), ("reopened", 3)]
    elif age_days > 7:
        table = [("closed", 30), ("resolved", 18), ("rejected", 7), ("duplicate", 5), ("in_progress", 18),
                 ("acknowledged", 10), ("open", 8), ("reopened", 4)]
    else:
        table = [("open", 30), ("acknowledged", 25), ("in_progress", 20), ("resolved", 10), ("rejected", 5),
                 ("duplicate", 5), ("closed", 5)]
    return rng.choices([t for t, _w in table], [w for _t, w in table])[0]


class _Clock:
    def __init__(self, start: datetime, now: datetime):
        self.t, self.now = start, now

    def advance(self, rng: random.Random, low_h: float, high_h: float) -> bool:
        """Move forward; False when that would pass the present (the report stops there)."""
        nxt = self.t + timedelta(hours=rng.uniform(low_h, high_h))
        if nxt >= self.now:
            return False
        self.t = nxt
        set_clock(lambda: nxt)
        return True


def seed_reports(rng: random.Random, citizens: list[Citizen], count: int, now: datetime) -> None:
    categories = {c.code: c for c in db.session.scalars(select(Category))}
    staff_by_department = {s.department_id: s.id for s in db.session.scalars(select(StaffUser))}
    shapes = list(district_shapes().values())
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    weights = [CATEGORY_WEIGHTS[c] for c in codes]
    starts = sorted(now - timedelta(days=rng.uniform(0.05, 365)) for _ in range(count))
    recent_by_category: dict[str, list[int]] = {}
    try:
        for created in starts:
            clock = _Clock(created, now)
            set_clock(lambda: created)
            code = rng.choices(codes, weights)[0]
            category = categories[code]
            lat, long = _random_point(rng, shapes)
            zh, en = rng.choice(DESCRIPTIONS[code])
            reporter = rng.choice(citizens) if rng.random() > 0.08 else None
            text = en if reporter is not None and reporter.language == "en" else zh
            street_zh, street_en = rng.choice(STREETS)
            report = reports.submit(category=category, lat=lat, long=long, description=text,
                                    attributes=_attributes(rng, category), reporter=reporter,
                                    channel=rng.choice(["telegram", "telegram", "mobile", "open311"]),
                                    address=f"{street_zh} {rng.randint(1, 999)}号 / {rng.randint(1, 999)} {street_en}")
            db.session.commit()
            if clock.advance(rng, 0.01, 0.2):
                outbox.deliver_pending_inline()
            report = db.session.get(Report, report.id)
            if report.status == ReportStatus.OPEN:
                _live(rng, report, _plan(rng, (now - created).total_seconds() / 86400), clock,
                      staff_by_department.get(report.department_id), recent_by_category.setdefault(code, []))
            db.session.commit()
    finally:
        set_clock(None)


def _live(rng, report: Report, plan: str, clock: _Clock, staff_id: int | None, same_category: list[int]) -> None:
    """Walk a routed report through the lifecycle as far as its plan and the present allow."""
    def step(target: ReportStatus, note: str = "", actor: ActorType = ActorType.STAFF, **kw) -> None:
        reports.transition(report, target, actor_type=actor, note=note,
                           actor_staff_id=staff_id if actor == ActorType.STAFF else None, **kw)
        db.session.commit()

    def speak(pairs) -> str:
        zh, en = rng.choice(pairs)
        return f"{zh} / {en}"

    if plan == "duplicate" and same_category:
        if clock.advance(rng, 1, 30):
            report.duplicate_of_id = rng.choice(same_category[-20:])
            step(ReportStatus.DUPLICATE, note=f"#{report.duplicate_of_id}")
        return
    same_category.append(report.id)
    if plan == "open":
        return
    if plan == "rejected":
        if clock.advance(rng, 2, 72):
            step(ReportStatus.REJECTED, note=speak(REJECTION_NOTES))
        return
    if not clock.advance(rng, 1, 36):
        return
    step(ReportStatus.ACKNOWLEDGED)
    if plan == "acknowledged" or not clock.advance(rng, 2, 96):
        return
    step(ReportStatus.IN_PROGRESS)
    if plan == "in_progress" or not clock.advance(rng, 4, 200):
        return
    step(ReportStatus.RESOLVED, note=speak(RESOLUTION_NOTES))
    if plan == "reopened":
        if not clock.advance(rng, 20, 96):
            return
        step(ReportStatus.IN_PROGRESS, actor=ActorType.CITIZEN,
             note="市民反馈问题仍未解决 / Citizens say it is not fixed yet")
        if not clock.advance(rng, 12, 120):
            return
        step(ReportStatus.RESOLVED, note=speak(RESOLUTION_NOTES))
    if plan in ("closed", "reopened") and clock.advance(rng, 24, 168):
        step(ReportStatus.CLOSED, actor=ActorType.SYSTEM)
