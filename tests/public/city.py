"""A small city with people whose personal data must never reach a public page."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from backend.accounts.models import Channel, ChannelIdentity, CitizenContact
from backend.accounts import service as accounts
from backend.accounts.models import StaffRole
from backend.clock import set_clock
from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import ActorType, Attachment, EventKind, ReportEvent, ReportStatus as S, Supporter
from tests import factories as f

CITY = (121.40, 31.15, 121.55, 31.30)
NOW = datetime(2025, 6, 1, 4, 0, tzinfo=timezone.utc)

# Every string here is personal or internal: a scan of public output must find none of them.
SECRETS = {
    "citizen_name": "Zhang Xiaoming", "first_name": "Xiaoming", "last_name": "Zhangsurname",
    "email": "xiaoming.zhang@example.org", "phone": "+86 138 0013 8000", "telegram_id": "777123456",
    "device_id": "device-4f9a2c", "staff_name": "Officer Liu Yang", "staff_email": "liu.yang@roads.gov.example",
    "internal_note": "INTERNAL: caller sounded upset", "hidden_description": "spam with a link to a scam site",
    "sensitive_address": "Flat 1203, 45 Fuxing Road", "redacted_photo": "redacted-face.jpg",
}


def build(reports_count: int = 150, seed: int = 8) -> dict:
    set_clock(lambda: NOW - timedelta(days=90))
    roads, parks, police = (f.department("roads", name_en="Roads Bureau", name_zh="道路局"),
                            f.department("parks", name_en="Parks Office", name_zh="绿化办"),
                            f.department("police", name_en="Police", name_zh="公安"))
    f.area(roads, CITY, "Roads — city-wide")
    f.area(parks, (121.45, 31.20, 121.50, 31.25), "Parks — central district")
    f.area(police, CITY, "Police — city-wide")
    pothole = f.category("pothole", [roads], name_en="Pothole", name_zh="坑洼", default_sla_hours=48)
    bench = f.category("broken_bench", [parks], name_en="Broken bench", name_zh="长椅损坏", default_sla_hours=72)
    light = f.category("streetlight", [roads], name_en="Streetlight out", name_zh="路灯不亮", default_sla_hours=24)
    noise = f.category("noise", [police], name_en="Noise at night", name_zh="夜间噪音", default_sla_hours=24)
    noise.sensitive = True

    reporter = f.citizen(SECRETS["citizen_name"])
    reporter.contact = CitizenContact(first_name=SECRETS["first_name"], last_name=SECRETS["last_name"],
                                      email=SECRETS["email"], phone=SECRETS["phone"])
    db.session.add_all([ChannelIdentity(citizen=reporter, channel=Channel.TELEGRAM, external_id=SECRETS["telegram_id"]),
                        ChannelIdentity(citizen=reporter, channel=Channel.OPEN311_DEVICE, external_id=SECRETS["device_id"])])
    supporters = [f.citizen(f"Neighbour {i}") for i in range(3)]
    officer = accounts.create_staff(email=SECRETS["staff_email"], name=SECRETS["staff_name"], password="x" * 12,
                                    role=StaffRole.STAFF, department_id=roads.id)
    db.session.commit()

    rng = random.Random(seed)
    made = []
    kinds = [(pothole, roads), (bench, parks), (light, roads), (noise, police)]
    for i in range(reports_count):
        cat, dept = kinds[i % len(kinds)]
        lat, long = (rng.uniform(31.205, 31.245), rng.uniform(121.455, 121.495)) if cat is bench else \
            (rng.uniform(31.16, 31.29), rng.uniform(121.41, 121.54))
        created = NOW - timedelta(days=rng.uniform(1, 80))
        set_clock(lambda: created)
        report = f.report_at(cat, lat, long, department=dept, created_at=created, reporter=reporter,
                             due_at=created + timedelta(hours=cat.default_sla_hours), verified=rng.random() < 0.3,
                             address=SECRETS["sensitive_address"] if cat is noise else f"{i + 1} Huaihai Road",
                             description=f"Report number {i + 1}: {cat.name_en.lower()} near the corner")
        made.append(report)
        _history(rng, report, created, officer.id)
    first = made[0]
    for c in supporters:
        db.session.add(Supporter(report_id=first.id, citizen_id=c.id))
    set_clock(lambda: NOW)
    db.session.add(ReportEvent(report_id=first.id, kind=EventKind.NOTE, public=False, note=SECRETS["internal_note"],
                               actor_type=ActorType.STAFF, actor_staff_id=officer.id, created_at=NOW))
    hidden = f.report_at(pothole, 31.22, 121.47, department=roads, hidden=True, reporter=reporter,
                         description=SECRETS["hidden_description"], created_at=NOW - timedelta(days=2))
    db.session.add(Attachment(report_id=first.id, path=SECRETS["redacted_photo"], thumbnail_path="t-" + SECRETS["redacted_photo"],
                              content_type="image/jpeg", width=800, height=600, redacted=True))
    db.session.add(Attachment(report_id=first.id, path="kept-photo.jpg", thumbnail_path="t-kept-photo.jpg",
                              content_type="image/jpeg", width=800, height=600, redacted=False))
    db.session.commit()
    set_clock(lambda: NOW)
    return {"reports": made, "first": first, "hidden": hidden, "noise": noise, "pothole": pothole,
            "sensitive": next(r for r in made if r.category_id == noise.id), "roads": roads, "parks": parks}


def _history(rng: random.Random, report, created: datetime, staff_id: int) -> None:
    """Walk a report some way along the lifecycle, with public notes and an internal one."""
    moment = created

    def step(target, hours, note="", public=True, actor=ActorType.STAFF):
        nonlocal moment
        moment = moment + timedelta(hours=hours)
        set_clock(lambda: moment)
        reports.transition(report, target, actor_type=actor, note=note, public=public,
                           actor_staff_id=staff_id if actor == ActorType.STAFF else None)

    plan = rng.choice(["open", "ack", "progress", "resolved", "closed", "closed", "reopened", "rejected"])
    if plan == "open":
        return
    if plan == "rejected":
        step(S.REJECTED, rng.uniform(2, 30), note="Private land: not ours to fix")
        return
    step(S.ACKNOWLEDGED, rng.uniform(1, 30))
    if plan == "ack":
        return
    step(S.IN_PROGRESS, rng.uniform(2, 40), note=SECRETS["internal_note"], public=False)
    if plan == "progress":
        return
    step(S.RESOLVED, rng.uniform(4, 90), note="Repaired by the road crew")
    if plan == "reopened":
        step(S.IN_PROGRESS, rng.uniform(10, 40), note="Still broken", actor=ActorType.CITIZEN)
        step(S.RESOLVED, rng.uniform(10, 40), note="Repaired again")
    if plan in ("closed", "reopened"):
        step(S.CLOSED, rng.uniform(24, 100), actor=ActorType.SYSTEM)
