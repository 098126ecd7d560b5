"""`crowdgov seed demo`: a demo city after a year of use. Idempotent: a second run finds
everything in place and changes no count."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from geoalchemy2.shape import from_shape
from sqlalchemy import func, select

from backend.accounts import service as accounts
from backend.accounts.models import Citizen, StaffRole, StaffUser
from backend.city.models import Area, Category, Department, District
from backend.city.service import validate_attribute_definitions
from backend.clock import utcnow
from backend.demo.catalogue import CATEGORIES, DEPARTMENTS, KEYWORDS
from backend.demo.geography import DISTRICTS, city_shape, district_shapes
from backend.demo.population import seed_citizens, seed_reports
from backend.extensions import db
from backend.reports.models import Report

CITIZENS = 60
REPORTS = 640

# Demo logins, printed by `make run`. Never use these outside a demo.
DEMO_STAFF = [
    ("staff@demo.crowdgov.org", "Wang Fang 王芳", "demo-staff", StaffRole.STAFF, "city_roads"),
    ("coordinator@demo.crowdgov.org", "Chen Jie 陈杰", "demo-coordinator", StaffRole.COORDINATOR, None),
    ("admin@demo.crowdgov.org", "Admin 管理员", "demo-admin", StaffRole.ADMIN, None),
]


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = ["Demo city: " + ", ".join(f"{v} {k}" for k, v in self.counts.items())]
        out += ["Demo logins (staff web):"] + [f"  {role:12} {email:34} password: {pw}" for role, email, pw in self.logins]
        return out


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


def _seed_staff(departments: dict[str, Department]) -> list[tuple[str, str, str]]:
    logins = []
    for email, name, password, role, dept in DEMO_STAFF:
        if accounts.staff_by_email(email) is None:
            accounts.create_staff(email=email, name=name, password=password, role=role,
                                  department_id=departments[dept].id if dept else None)
        logins.append((role.value, email, password))
    # Every other department gets a (not printed) staff member who signs its history.
    for code, dept in departments.items():
        email = f"{code}@staff.demo.crowdgov.org"
        if code != "city_roads" and accounts.staff_by_email(email) is None:
            accounts.create_staff(email=email, name=f"{dept.name_en} desk", password=f"demo-{code}",
                                  role=StaffRole.STAFF, department_id=dept.id)
    db.session.commit()
    return logins


def seed_demo() -> Summary:
    rng = random.Random(2026)
    departments = _seed_map()
    logins = _seed_staff(departments)
    citizens = seed_citizens(rng, CITIZENS)
    if db.session.scalar(select(func.count()).select_from(Report)) == 0:
        seed_reports(rng, citizens, REPORTS, utcnow())
    # The demo's first category model, from its catalogue and its year of reports.
    from backend.intake import training

    training.train()
    db.session.commit()
    counts = {name: db.session.scalar(select(func.count()).select_from(model)) for name, model in [
        ("districts", District), ("departments", Department), ("areas", Area), ("categories", Category),
        ("staff users", StaffUser), ("citizens", Citizen), ("reports", Report)]}
    return Summary(counts=counts, logins=logins)
