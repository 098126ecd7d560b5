"""Who may do what with a report on the staff side (backend/policy.py explains the shape).

Department staff work their own department's reports; anything else is "not found", so a guessed
id or URL tells them nothing. Coordinators and admins work every report, and alone route unrouted
reports by hand, release held ones, block citizens, read the reporters' contact details, handle
the notices and hide reports from the public. Admins alone edit the response templates.
`visible_clause` is `may_see_report` as SQL, for the queries that list reports.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import false, true

from backend.accounts.models import Citizen
from backend.errors import NotFound
from backend.extensions import db
from backend.policy import ALLOW, Actor, Decision, active_staff, admins_only, city_wide_only, deny, is_city_wide, require
from backend.reports.models import Report


def _not_found(report_id: object) -> Decision:
    return deny("report_not_found", _("There is no report number %(id)s.", id=str(report_id)[:20]), conceal=True)


def may_see_report(actor: Actor, report: Report) -> Decision:
    """The staff view of a report: every field, the internal history, the photos (hidden reports too)."""
    staff = active_staff(actor)
    if staff is None or not (is_city_wide(staff) or
                             (staff.department_id is not None and report.department_id == staff.department_id)):
        return _not_found(report.id)
    return ALLOW


def visible_clause(actor: Actor):
    """A WHERE clause on Report limiting a query to what `may_see_report` allows."""
    staff = active_staff(actor)
    if staff is None:
        return false()
    if is_city_wide(staff):
        return true()
    if staff.department_id is None:
        return false()
    return Report.department_id == staff.department_id


def report_for(actor: Actor, report_id: int | str) -> Report:
    """The report, or NotFound when it does not exist or is not this actor's to see."""
    try:
        report = db.session.get(Report, int(report_id))
    except (TypeError, ValueError, OverflowError):
        report = None
    if report is None:
        require(_not_found(report_id))
    require(may_see_report(actor, report))
    return report


def may_see_all_departments(actor: Actor) -> Decision:
    """The inbox across departments: every department's reports, the department filter, the unrouted tab."""
    return city_wide_only(actor)


def _whoever_sees_it(action: str, doc: str = "") -> Callable[[Actor, Report], Decision]:
    """The rule of an action any staff member who may see the report may take."""
    def rule(actor: Actor, report: Report) -> Decision:
        return may_see_report(actor, report)

    rule.__name__ = rule.__qualname__ = f"may_{action}"
    rule.__doc__ = doc or f"{action.replace('_', ' ').capitalize()}: whoever may see the report."
    return rule


# Working a report: its department's staff, coordinators and admins.
may_acknowledge = _whoever_sees_it("acknowledge")
may_start_work = _whoever_sees_it("start_work")
may_resolve = _whoever_sees_it("resolve")
may_reject = _whoever_sees_it("reject")
may_mark_duplicate = _whoever_sees_it("mark_duplicate", "Both the duplicate and its original must be the actor's "
                                      "to see (the service asks for each).")
may_hand_over = _whoever_sees_it("hand_over", "Give a routed report to another department (it keeps its status "
                                 "and due time).")
may_write_public_note = _whoever_sees_it("write_public_note")
may_write_internal_note = _whoever_sees_it("write_internal_note")
may_see_internal_notes = _whoever_sees_it("see_internal_notes", "Internal events (notes, moderation, escalations) "
                                          "are shown with the staff view of the report.")
may_redact = _whoever_sees_it("redact", "Take a phrase out of the description or a photo out of view: a leak of "
                              "personal data is stopped by whoever works the report, at once.")


def _city_wide_on(actor: Actor, report: Report, message: str | None = None) -> Decision:
    """Coordinators' and admins' actions on a report: department staff are told no only about
    reports they may see at all (the rest stays "not found")."""
    return may_see_report(actor, report) and city_wide_only(actor, message=message)


def may_hide_report(actor: Actor, report: Report) -> Decision:
    """Take a report out of public view, or show it again. A department may not hide its own
    reports from the public (and from its own figures): coordinators and admins decide."""
    return _city_wide_on(actor, report, _("Only coordinators and admins may hide a report from the public."))


def may_route_by_hand(actor: Actor, report: Report) -> Decision:
    """Give a report no department took (unrouted, or held for review) to a department."""
    return _city_wide_on(actor, report)


def may_release(actor: Actor, report: Report) -> Decision:
    """Let a blocked citizen's held report be routed."""
    return _city_wide_on(actor, report)


def may_see_contact_details(actor: Actor, report: Report) -> Decision:
    """The reporter's name, e-mail and phone: departments get the report, not the person."""
    return _city_wide_on(actor, report, _("Contact details are shown to coordinators only."))


def may_block_citizen(actor: Actor, citizen: Citizen) -> Decision:
    """A block applies city-wide, so it is the coordinators'."""
    return city_wide_only(actor)


def may_see_notices(actor: Actor) -> Decision:
    """The coordinators' notices: overdue escalations, held and unrouted reports. Department staff
    are told "not found", as for any page that is not theirs."""
    return city_wide_only(actor, conceal=True)


def may_mark_notice_seen(actor: Actor) -> Decision:
    return city_wide_only(actor)


def may_manage_templates(actor: Actor) -> Decision:
    """Write, edit and retire the bilingual response templates staff pick from."""
    return admins_only(actor)
