"""The demo's staff accounts: created by `crowdgov seed demo`, printed by `make run` once its servers
answer (`crowdgov banner`). Never use these outside a demo."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from backend.accounts.models import StaffRole, StaffUser
from backend.city.models import Department
from backend.demo.catalogue import DEPARTMENTS
from backend.extensions import db

# Named people: e-mail, name, password, role, department code (None: city-wide).
PEOPLE = [
    ("staff@demo.crowdgov.org", "Wang Fang 王芳", "demo-staff", StaffRole.STAFF, "city_roads"),
    ("coordinator@demo.crowdgov.org", "Chen Jie 陈杰", "demo-coordinator", StaffRole.COORDINATOR, None),
    ("admin@demo.crowdgov.org", "Admin 管理员", "demo-admin", StaffRole.ADMIN, None),
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    name: str
    password: str
    role: StaffRole
    department: str | None  # a department code


def demo_logins() -> list[DemoLogin]:
    """Every demo account: the named people, then a desk for each department none of them works in
    (someone must sign that department's history)."""
    people = [DemoLogin(*row) for row in PEOPLE]
    staffed = {login.department for login in people}
    desks = [DemoLogin(f"{code}@staff.demo.crowdgov.org", f"{name_en} desk", f"demo-{code}", StaffRole.STAFF, code)
             for code, name_en, *_rest in DEPARTMENTS if code not in staffed]
    return people + desks


def login_lines() -> list[str]:
    """The demo accounts that exist and may sign in, one line each: role, e-mail, password, department
    (last, so that its Chinese name needs no padding)."""
    logins = {login.email: login for login in demo_logins()}
    rows = db.session.execute(
        select(StaffUser, Department).outerjoin(Department, StaffUser.department_id == Department.id)
        .where(StaffUser.email.in_(logins), StaffUser.active.is_(True))).all()
    order = list(logins)
    rows.sort(key=lambda row: order.index(row[0].email))
    table = [(staff.role.value, staff.email, logins[staff.email].password,
              f"{dept.name_en} {dept.name_zh}" if dept else "all departments") for staff, dept in rows]
    width = [max((len(row[i]) for row in table), default=0) for i in range(3)]
    return [f"  {role:{width[0]}}  {email:{width[1]}}  {password:{width[2]}}  {department}"
            for role, email, password, department in table]
