"""Factories that build the city and its people for tests."""
from __future__ import annotations

from itertools import count

from shapely.geometry import MultiPolygon, box
from sqlalchemy import select

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


def telegram_citizen(chat_id: int | str, name: str = "Li Wei", language: str = "zh_Hans") -> Citizen:
    """A citizen who talks to us through Telegram (chat id = Telegram user id)."""
    from backend.accounts.models import Channel, ChannelIdentity

    c = citizen(name, language)
    db.session.add(ChannelIdentity(citizen_id=c.id, channel=Channel.TELEGRAM, external_id=str(chat_id)))
    db.session.flush()
    return c


def supporter(report, who: Citizen):
    from backend.reports.models import Supporter

    row = Supporter(report_id=report.id, citizen_id=who.id)
    db.session.add(row)
    db.session.flush()
    return row


def api_token(c: Citizen) -> str:
    """A bearer token for the citizen (committed)."""
    from backend.accounts.service import issue_token

    token = issue_token(c)
    db.session.commit()
    return token


def api_key(name: str = "Test app") -> str:
    """A registered Open311 application's plain key (committed)."""
    from backend.accounts.service import create_api_key

    _key, plain = create_api_key(name)
    db.session.commit()
    return plain


def jpeg(size: tuple[int, int] = (64, 48), colour=(200, 60, 40), exif=None) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


def task_answerers(task_id: int, verdicts: list[str], lat: float | None = None, long: float | None = None) -> list:
    """New citizens who each claim the task and answer it with one of `verdicts`, in order."""
    from backend.tasks import answering, assignment

    people = []
    for i, verdict in enumerate(verdicts):
        person = citizen(f"Answerer {next(_seq)}")
        db.session.commit()
        assignment.claim(task_id, person)
        answering.answer(task_id, person, verdict, lat=lat, long=long)
        people.append(person)
    return people
_hashes: dict[str, str] = {}


def staff(role: str = "staff", dept: Department | None = None, email: str | None = None,
          password: str = "correct horse battery") -> "StaffUser":
    from backend.accounts.models import StaffRole, StaffUser
    from backend.accounts.service import hash_password

    n = next(_seq)
    # argon2 is slow on purpose; one hash per password keeps the tests quick.
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    member = StaffUser(email=email or f"{role}{n}@city.example", name=f"{role.title()} {n}", password_hash=_hashes[password],
                       role=StaffRole(role), department_id=dept.id if dept else None, language="zh_Hans", active=True)
    db.session.add(member)
    db.session.flush()
    return member


def coordinator() -> "StaffUser":
    """The test city's coordinator, for the services that ask who acts (campaigns, point rules)."""
    from backend.accounts.models import StaffUser

    found = db.session.scalar(select(StaffUser).where(StaffUser.email == "coordinator@city.example"))
    return found or staff("coordinator", email="coordinator@city.example")


def routed_report(cat: Category, lat: float, long: float, description: str = "a problem", reporter: Citizen | None = None):
    """A report submitted and routed through the real services (routing run inline, not by a worker),
    each step committed as its edge (the request, the job) would."""
    from backend.reports import service as reports
    from backend.transaction import unit_of_work

    with unit_of_work():
        report = reports.submit(category=cat, lat=lat, long=long, description=description, reporter=reporter)
    with unit_of_work():
        reports.route(report.id)
    return db.session.get(type(report), report.id)


def response_template(code: str = "fixed", use: str = "resolve", **kw):
    from backend.triage.models import ResponseTemplate

    t = ResponseTemplate(code=code, use=use, title_en=kw.get("title_en", "Fixed"), title_zh=kw.get("title_zh", "已修复"),
                         body_en=kw.get("body_en", "Fixed, thank you for reporting."),
                         body_zh=kw.get("body_zh", "已修复，感谢您的报告。"), active=True)
    db.session.add(t)
    db.session.flush()
    return t
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
