"""Citizens' updates on a report: the rules, for every channel (Open311, the web app, the bot).

An update is the citizen's word beside the city's history: it never moves the report along
its lifecycle (a "fixed" from FixMyStreet is kept as what the client said, in `data`).
It is public once it passed the same checks as a report's text, unless its author is
blocked (held, as their reports are) or moderation hid it. Nothing here commits or knows HTTP:
the request, job or command that calls it owns the transaction.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import Citizen, StaffUser
from backend.audit import service as audit
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.disclosure import projection
from backend.policy import require
from backend.reports import photos as photo_store, service as reports
from backend.reports.models import Attachment, Report
from backend.triage.policy import may_redact, may_release, report_for
from backend.updates.policy import may_add_update
from backend.updates.models import ReportUpdate, UpdateSource
from backend import parameters
from backend.parameters import printable

MAX_TEXT = reports.MAX_DESCRIPTION
MAX_EXTERNAL_KEY = 100
MAX_REASON = 500


def _not_found(report_id: int) -> NotFound:
    return NotFound("report_not_found", _("There is no report number %(id)s.", id=report_id))


def accepts_updates(report: Report) -> bool:
    """Citizens may add to what the public sees of a report, and nothing else."""
    return projection.is_public(report) and not reports.is_held(report)


def _scope(citizen: Citizen | None, api_key_id: int | None) -> str | None:
    if api_key_id is not None:
        return f"apikey:{api_key_id}"
    if citizen is not None:
        return f"citizen:{citizen.id}"
    return None


def _existing(scope: str, key: str) -> ReportUpdate | None:
    return db.session.scalar(select(ReportUpdate).where(ReportUpdate.idempotency_scope == scope,
                                                        ReportUpdate.external_key == key))


def _replayed(found: ReportUpdate, report: Report) -> ReportUpdate:
    if found.report_id != report.id:
        raise Conflict("update_key_reused", _("This update id was already used for another report."))
    return found


def check_text(text: str | None) -> str:
    """The checks a report's description gets, after removing what no document can carry."""
    return reports.check_description(printable(text or ""))


def add_update(report: Report, citizen: Citizen | None, *, text: str | None = "", photo: bytes | None = None,
               source: UpdateSource | str, external_key: str | None = None, api_key_id: int | None = None,
               media_url: str | None = None, data: dict[str, Any] | None = None) -> ReportUpdate:
    """Store a citizen's update on `report`; flushes, never commits.

    `external_key` is the client's own id for the update (FixMyStreet's update_id, an app's
    Idempotency-Key): sent again within the same scope (the API key, else the citizen) it
    returns the first update instead of storing a second one. `photo` is a raw upload,
    checked and re-encoded as a report's photos are. Raises ValidationFailed, NotFound
    (a report the public cannot see), Conflict (an external key reused for another report).
    """
    try:
        source = UpdateSource(source)
    except ValueError:
        raise ValidationFailed("invalid_source", _("Unknown channel."), {"source": "open311, web or bot"}) from None
    scope = _scope(citizen, api_key_id)
    key = printable(external_key).strip() if external_key else None
    if key is not None:
        if scope is None:
            raise ValidationFailed("anonymous_external_key", _("An update id needs a sender."),
                                   {"external_key": "needs a citizen or an API key"})
        if not key or len(key) > MAX_EXTERNAL_KEY:
            raise ValidationFailed("invalid_external_key", _("The update id must have 1 to %(n)d characters.",
                                                             n=MAX_EXTERNAL_KEY), {"external_key": "1 to 100 characters"})
        found = _existing(scope, key)
        if found is not None:
            return _replayed(found, report)
    if not accepts_updates(report):
        raise _not_found(report.id)
    body = check_text(text)
    if not body and photo is None and not media_url:
        raise ValidationFailed("update_empty", _("Write something or add a photo."), {"text": _("Required.")})
    attachment = photo_store.attach(None, [photo_store.process(photo)])[0] if photo is not None else None
    update = ReportUpdate(report_id=report.id, citizen_id=citizen.id if citizen else None, api_key_id=api_key_id,
                          source=source, text=body, photo=attachment, media_url=media_url,
                          idempotency_scope=scope if key else None, external_key=key,
                          held=bool(citizen is not None and citizen.blocked), data=data or {})
    try:
        with db.session.begin_nested():
            db.session.add(update)
            db.session.flush()
    except IntegrityError:
        # The same update arrived twice at once: the other request stored it first.
        found = _existing(scope, key) if key else None
        if found is None:
            raise
        return _replayed(found, report)
    return update


def add_citizen_update(report: Report, citizen: Citizen, *, text: str | None = "", photo: bytes | None = None,
                       source: UpdateSource | str = UpdateSource.WEB, external_key: str | None = None) -> ReportUpdate:
    """A citizen's update from our own channels (the web app, the bot): only on a report they
    reported, support or follow (`updates.policy.may_add_update`). A report the public cannot see
    is not found before anything else is said about it."""
    if not accepts_updates(report):
        raise _not_found(report.id)
    require(may_add_update(citizen, report))
    return add_update(report, citizen, text=text, photo=photo, source=source, external_key=external_key)


def public_updates(report: Report) -> list[ReportUpdate]:
    """The report's updates the public may read, oldest first (the report itself must be public)."""
    return list(db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id == report.id,
                                                              ReportUpdate.held.is_(False),
                                                              ReportUpdate.hidden.is_(False))
                                   .order_by(ReportUpdate.created_at, ReportUpdate.id)))


def all_updates(staff: StaffUser, report_id: int) -> list[ReportUpdate]:
    """Every update of a report the staff member may see, held and hidden ones included."""
    report = report_for(staff, report_id)
    return list(db.session.scalars(select(ReportUpdate).where(ReportUpdate.report_id == report.id)
                                   .order_by(ReportUpdate.created_at, ReportUpdate.id)))


def photo_of_report(report: Report, attachment_id: int) -> Attachment | None:
    """A photo of one of the report's updates (for the staff's photo view)."""
    return db.session.scalar(select(Attachment).join(ReportUpdate, ReportUpdate.photo_id == Attachment.id)
                             .where(ReportUpdate.report_id == report.id, Attachment.id == attachment_id))


def _for_staff(staff: StaffUser, update_id: int | str) -> ReportUpdate:
    try:
        update = db.session.get(ReportUpdate, parameters.identifier(update_id, "update_id"), with_for_update=True)
    except ValidationFailed:
        update = None
    if update is None:
        raise NotFound("update_not_found", _("There is no such update."))
    report_for(staff, update.report_id)  # the report's access rule: not found for other departments
    return update


def _report_of(update: ReportUpdate) -> Report:
    return db.session.get(Report, update.report_id)


def set_hidden(staff: StaffUser, update_id: int | str, hidden: bool, *, reason: str = "") -> ReportUpdate:
    """Hide an update from the public (a reason is required) or show it again; audited.

    Whoever works the report may (`triage.policy.may_redact`): an update, like a phrase of the
    description, changes no figure, and an abusive or private one is best taken down at once.
    """
    update = _for_staff(staff, update_id)
    require(may_redact(staff, _report_of(update)))
    why = printable(reason or "").strip()[:MAX_REASON]
    if update.hidden == hidden:
        raise Conflict("unchanged", _("Nothing to change."))
    if hidden and not why:
        raise ValidationFailed("reason_required", _("Say why the update is hidden."), {"note": _("Required.")})
    update.hidden = hidden
    update.hidden_reason = why if hidden else ""
    audit.record(staff, "update.hide" if hidden else "update.unhide", "report_update", update.id,
                 before={"hidden": not hidden}, after={"hidden": hidden, "reason": why, "report_id": update.report_id})
    db.session.flush()
    return update


def release(staff: StaffUser, update_id: int | str) -> ReportUpdate:
    """Publish an update held because its author was blocked: coordinators and admins, like held reports."""
    update = _for_staff(staff, update_id)
    require(may_release(staff, _report_of(update)))
    if not update.held:
        raise Conflict("not_held", _("This update is not held for review."))
    update.held = False
    audit.record(staff, "update.release", "report_update", update.id, before={"held": True},
                 after={"held": False, "report_id": update.report_id})
    db.session.flush()
    return update
