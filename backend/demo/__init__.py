"""`crowdgov seed demo`: a demo city after a year of use. Idempotent: a second run finds
everything in place and changes no count. Commits part by part (population.py says why)."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from geoalchemy2.shape import from_shape
from sqlalchemy import func, select

from backend.accounts import service as accounts
from backend.accounts.models import Citizen, StaffUser
from backend.city.models import Area, Category, Department, District
from backend.city.service import validate_attribute_definitions
from backend.clock import utcnow
from backend.demo.catalogue import CATEGORIES, DEPARTMENTS, KEYWORDS
from backend.demo.geography import DISTRICTS, city_shape, district_shapes
from backend.demo.logins import DemoLogin, demo_logins
from backend.demo.population import seed_campaigns, seed_citizens, seed_reports, seed_templates
from backend.extensions import db
from backend.reports.models import Report, Supporter
from backend.tasks.models import Answer, Campaign
from backend.triage.models import ResponseTemplate

CITIZENS = 60
REPORTS = 540


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)

    def lines(self) -> list[str]:
        return ["Demo city: " + ", ".join(f"{v} {k}" for k, v in self.counts.items())]


def _seed_map() -> dict[str, Department]:
    shapes = district_shapes()
    for code, en, zh, _ring in DISTRICTS:
        if db.session.scalar(select(District).where(District.code == code)) is None:
            db.session.add(District(code=code, name_en=en, name_zh=zh, geom=from_shape(shapes[code], srid=4326)))
    departments = {}
    for code, en, zh, email, areas, _cats in DEPARTMENTS:
        dept = db.session.scalar(select(Department).where(Department.code == code))
        if dept is None:
            dept = Department(code=code, name_en=en, name_zh=zh, email=email)
            db.session.add(dept)
            for area_code in areas:
                geom = city_shape() if area_code == "city" else shapes[area_code]
                label = "City-wide" if area_code == "city" else dict((c, e) for c, e, _z, _r in DISTRICTS)[area_code]
                dept.areas.append(Area(name=f"{en} — {label}", geom=from_shape(geom, srid=4326)))
        departments[code] = dept
    for code, en, zh, group, sla, sensitive, attributes, desc_en, desc_zh in CATEGORIES:
        if db.session.scalar(select(Category).where(Category.code == code)) is None:
            db.session.add(Category(
                code=code, name_en=en, name_zh=zh, group=group, default_sla_hours=sla, sensitive=sensitive,
                attributes=validate_attribute_definitions(attributes), description_en=desc_en, description_zh=desc_zh,
                keywords=KEYWORDS.get(code, ""), verify_redundancy=3, active=True,
                departments=[departments[d] for d, *_rest, cats in DEPARTMENTS if code in cats]))
    db.session.commit()
    return departments


def _seed_staff(departments: dict[str, Department]) -> list[DemoLogin]:
    logins = demo_logins()
    for login in logins:
        if accounts.staff_by_email(login.email) is None:
            accounts.create_staff(email=login.email, name=login.name, password=login.password, role=login.role,
                                  department_id=departments[login.department].id if login.department else None)
    db.session.commit()
    return logins


def seed_demo() -> Summary:
    rng = random.Random(2026)
    departments = _seed_map()
    logins = _seed_staff(departments)
    citizens = seed_citizens(rng, CITIZENS)
    seed_templates(accounts.staff_by_email(next(l.email for l in logins if l.role.value == "admin")))
    if db.session.scalar(select(func.count()).select_from(Report)) == 0:
        seed_reports(rng, citizens, REPORTS, utcnow())
    seed_campaigns(rng, citizens, utcnow())
    # The demo's first category model, from its catalogue and its year of reports.
    from backend.intake import training

    training.train()
    db.session.commit()
    counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in [
        ("districts", District), ("departments", Department), ("areas", Area), ("categories", Category),
        ("staff users", StaffUser), ("citizens", Citizen), ("reports", Report), ("supporters", Supporter),
        ("response templates", ResponseTemplate), ("campaigns", Campaign), ("answers", Answer)]}
    return Summary(counts=counts, logins=logins)
