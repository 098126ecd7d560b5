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
