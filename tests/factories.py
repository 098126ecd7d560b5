"""Factories that build the city and its people for tests."""
from __future__ import annotations

from itertools import count

from shapely.geometry import MultiPolygon, box

from backend.accounts.models import Citizen
from backend.city.models import Area, Category, Department
from backend.city.service import set_area_geometry
from backend.extensions import db

_seq = count(1)


def department(code: str | None = None, **kw) -> Department:
    n = next(_seq)
    dept = Department(code=code or f"dept{n}", name_en=kw.pop("name_en", f"Department {n}"),
                      name_zh=kw.pop("name_zh", f"部门{n}"), **kw)
    db.session.add(dept)
    db.session.flush()
    return dept


def area(dept: Department, bounds: tuple[float, float, float, float], name: str | None = None) -> Area:
    """An area from a (min_long, min_lat, max_long, max_lat) box."""
    a = Area(department=dept, name=name or f"{dept.code} area")
    set_area_geometry(a, MultiPolygon([box(*bounds)]))
    db.session.add(a)
    db.session.flush()
    return a


def category(code: str | None = None, departments: list[Department] = (), **kw) -> Category:
    n = next(_seq)
    cat = Category(code=code or f"cat{n}", name_en=kw.pop("name_en", f"Category {n}"),
                   name_zh=kw.pop("name_zh", f"类别{n}"), default_sla_hours=kw.pop("default_sla_hours", 48),
                   attributes=kw.pop("attributes", []), description_en="", description_zh="",
                   group="", keywords="", verify_redundancy=3, sensitive=False, active=True, **kw)
    cat.departments = list(departments)
    db.session.add(cat)
    db.session.flush()
    return cat


def citizen(name: str = "Li Wei", language: str = "zh_Hans") -> Citizen:
    c = Citizen(display_name=name, language=language)
    db.session.add(c)
    db.session.flush()
    return c


def report_at(cat: Category, lat: float, long: float, **kw):
    """A report stored directly (no intake, no events): for maps, exports and figures.

    Keywords: status, department, created_at, due_at, hidden, verified, reporter, address, description."""
    from backend.clock import utcnow
    from backend.reports.models import Report, ReportStatus

    created = kw.pop("created_at", None) or utcnow()
    dept = kw.pop("department", None)
    r = Report(category=cat, department=dept, location=f"SRID=4326;POINT({long} {lat})",
               status=kw.pop("status", ReportStatus.OPEN), created_at=created, updated_at=created,
               description=kw.pop("description", ""), attributes={}, channel="api",
               hidden=kw.pop("hidden", False), verified=kw.pop("verified", False), **kw)
    db.session.add(r)
    db.session.flush()
    return r
