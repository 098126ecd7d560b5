"""Who may add an update to a report (backend/policy.py explains the shape).

Hiding and releasing updates are the report's moderation rules (`triage.policy.may_redact`,
`may_release`); this area only decides who may write one from the citizens' own channels.
Open311 clients answer for their users themselves (their API key), so `add_update` does not ask.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select

from backend.accounts.models import Citizen
from backend.alerts.following_models import Follower
from backend.extensions import db
from backend.policy import ALLOW, Actor, Decision, deny
from backend.reports.models import Report, Supporter


def _concerned(report: Report, citizen: Citizen) -> bool:
    if report.reporter_id == citizen.id:
        return True
    follows = exists().where(Follower.report_id == report.id, Follower.citizen_id == citizen.id)
    supports = exists().where(Supporter.report_id == report.id, Supporter.citizen_id == citizen.id)
    return bool(db.session.scalar(select(follows | supports)))


def may_add_update(actor: Actor, report: Report) -> Decision:
    """A citizen who reported, supports or follows the report, whatever its status (a closed report
    may be broken again: the update says so, it reopens nothing). A blocked citizen may write, and
    the update is held as their reports are. Staff write public notes from the inbox instead."""
    if not isinstance(actor, Citizen):
        return deny("citizens_only", _("Only citizens add updates to reports."))
    if not _concerned(report, actor):
        return deny("not_following", _("Follow this report to add an update."))
    return ALLOW
