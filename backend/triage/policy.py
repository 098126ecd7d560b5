"""Which reports a staff member may see and act on, and what else their role allows.

Department staff see their own department's reports only; anything else is "not found",
so a guessed id or URL tells them nothing. Coordinators and admins see every report.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import false, true

from backend.accounts.models import StaffRole, StaffUser
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.reports.models import Report

CITY_WIDE = (StaffRole.COORDINATOR, StaffRole.ADMIN)


def is_city_wide(staff: StaffUser) -> bool:
    return staff.role in CITY_WIDE


def visible_clause(staff: StaffUser):
    """A WHERE clause on Report limiting a query to what `staff` may see."""
    if is_city_wide(staff):
        return true()
    if staff.department_id is None:
        return false()
    return Report.department_id == staff.department_id


def may_see(staff: StaffUser, report: Report) -> bool:
    return is_city_wide(staff) or (staff.department_id is not None and report.department_id == staff.department_id)


def report_for(staff: StaffUser, report_id: int | str) -> Report:
    """The report, or NotFound when it does not exist or is not this staff member's to see."""
    try:
        report = db.session.get(Report, int(report_id))
    except (TypeError, ValueError, OverflowError):
        report = None
    if report is None or not staff.active or not may_see(staff, report):
        raise NotFound("report_not_found", _("There is no report number %(id)s.", id=str(report_id)[:20]))
    return report


def may_see_contact(staff: StaffUser) -> bool:
    """The reporter's name, e-mail and phone: coordinators and admins only (departments get the report, not the person)."""
    return is_city_wide(staff)


def require_city_wide(staff: StaffUser) -> None:
    if not is_city_wide(staff):
        raise Forbidden("coordinators_only", _("Only coordinators and admins may do this."))


def require_admin(staff: StaffUser) -> None:
    if staff.role != StaffRole.ADMIN:
        raise Forbidden("admins_only", _("Only admins may do this."))
