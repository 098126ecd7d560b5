"""Admin rules for staff accounts and Open311 API keys. Each change is audited."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from backend.accounts import service as accounts
from backend.accounts.models import ApiKey, StaffRole, StaffUser
from backend.audit import service as audit
from backend.city.models import Department
from backend.clock import utcnow
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.accounts.policy import may_manage_api_keys, may_manage_staff
from backend.policy import require
from backend import parameters

MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationFailed("weak_password", _("The password needs at least %(n)d characters.", n=MIN_PASSWORD),
                               {"password": _("At least %(n)d characters.", n=MIN_PASSWORD)})


def _role_and_department(role: str, department_id) -> tuple[StaffRole, int | None]:
    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise ValidationFailed("invalid_role", _("Choose a role."), {"role": _("Choose a role.")}) from None
    dept = parameters.optional_identifier(department_id, "department_id")
    if dept is not None and db.session.get(Department, dept) is None:
        dept = None
    if staff_role == StaffRole.STAFF and dept is None:
        raise ValidationFailed("department_required", _("Department staff need a department."),
                               {"department_id": _("Required for department staff.")})
    return staff_role, dept


def create_staff_user(admin: StaffUser, *, email: str, name: str, password: str, role: str,
                      department_id=None, language: str = "zh_Hans") -> StaffUser:
    require(may_manage_staff(admin))
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        raise ValidationFailed("invalid_email", _("Enter a valid e-mail address."), {"email": _("Not an e-mail address.")})
    if accounts.staff_by_email(email):
        raise Conflict("email_taken", _("A staff account with this e-mail exists."))
    if not (name or "").strip():
        raise ValidationFailed("required", _("Some fields are missing."), {"name": _("Required.")})
    _check_password(password)
    staff_role, dept = _role_and_department(role, department_id)
    staff = accounts.create_staff(email=email, name=name.strip()[:120], password=password, role=staff_role,
                                  department_id=dept, language=language)
    db.session.flush()
    audit.record(admin, "staff.create", "staff", staff.id, after={"email": email, "role": staff_role, "department_id": dept})
    return staff


def update_staff_user(admin: StaffUser, staff_id: int, *, role: str, department_id=None, active: bool,
                      password: str = "") -> StaffUser:
    require(may_manage_staff(admin))
    staff = db.session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFound("staff_not_found", _("There is no such staff account."))
    staff_role, dept = _role_and_department(role, department_id)
    if staff.id == admin.id and (staff_role != StaffRole.ADMIN or not active):
        raise Conflict("self_demotion", _("You cannot remove your own admin rights."))
    before = {"role": staff.role, "department_id": staff.department_id, "active": staff.active}
    staff.role, staff.department_id, staff.active = staff_role, dept, active
    after = {"role": staff_role, "department_id": dept, "active": active}
    if password:
        _check_password(password)
        staff.password_hash = accounts.hash_password(password)
        after["password_changed"] = True
    audit.record(admin, "staff.update", "staff", staff.id, before=before, after=after)
    return staff


def staff_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.role, StaffUser.email)))


def create_api_key(admin: StaffUser, name: str) -> tuple[ApiKey, str]:
    require(may_manage_api_keys(admin))
    if not (name or "").strip():
        raise ValidationFailed("required", _("Name the application."), {"name": _("Required.")})
    key, plain = accounts.create_api_key(name, created_by_staff_id=admin.id)
    db.session.flush()
    audit.record(admin, "api_key.create", "api_key", key.id, after={"name": key.name})
    return key, plain


def revoke_api_key(admin: StaffUser, key_id: int) -> ApiKey:
    require(may_manage_api_keys(admin))
    key = db.session.get(ApiKey, key_id)
    if key is None:
        raise NotFound("api_key_not_found", _("There is no such API key."))
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record(admin, "api_key.revoke", "api_key", key.id, before={"revoked": False}, after={"revoked": True})
    return key


def api_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))
