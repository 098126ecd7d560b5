"""A citizen's data rights: export everything we hold about them; erase = anonymize.

Other areas that keep personal data about citizens (points, answers, …) add their part with
`register_export(name, fn)` and `register_erasure(fn)`, called at import of their service module.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import delete, select, update

from backend.accounts.models import ApiToken, ChannelIdentity, Citizen, CitizenContact
from backend.clock import utcnow
from backend.extensions import db
from backend.feedback.models import Notification
from backend.reports.models import Attachment, Report, ReportEvent, Supporter
from backend.disclosure.public_view import reference
from backend.reports.service import coordinates

_exports: dict[str, Callable[[Citizen], Any]] = {}
_erasures: list[Callable[[Citizen], None]] = []


def register_export(name: str, fn: Callable[[Citizen], Any]) -> None:
    _exports[name] = fn


def register_erasure(fn: Callable[[Citizen], None]) -> None:
    """`fn(citizen)` runs inside the erasure's transaction, before it commits."""
    _erasures.append(fn)


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export(citizen: Citizen) -> dict[str, Any]:
    """Everything we hold about the citizen, as plain JSON-able data."""
    contact = citizen.contact
    reports = []
    for report in db.session.scalars(select(Report).where(Report.reporter_id == citizen.id).order_by(Report.id)):
        lat, long = coordinates(report)
        reports.append({
            "id": report.id, "reference": reference(report), "category": report.category.code,
            "status": report.status.value, "description": report.description, "attributes": report.attributes,
            "lat": lat, "long": long, "address": report.address, "channel": report.channel,
            "created_at": _iso(report.created_at), "updated_at": _iso(report.updated_at),
            "photos": [a.path for a in db.session.scalars(select(Attachment).where(Attachment.report_id == report.id))],
        })
    data: dict[str, Any] = {
        "citizen": {"id": citizen.id, "display_name": citizen.display_name, "language": citizen.language,
                    "created_at": _iso(citizen.created_at), "blocked": citizen.blocked},
        "channel_identities": [{"channel": i.channel.value, "external_id": i.external_id, "blocked": i.blocked,
                                "created_at": _iso(i.created_at)} for i in citizen.identities],
        "contact": {"first_name": contact.first_name, "last_name": contact.last_name, "email": contact.email,
                    "phone": contact.phone} if contact else None,
        "tokens": [{"label": t.label, "created_at": _iso(t.created_at), "last_used_at": _iso(t.last_used_at),
                    "revoked_at": _iso(t.revoked_at)}
                   for t in db.session.scalars(select(ApiToken).where(ApiToken.citizen_id == citizen.id))],
        "reports": reports,
        "supporting": [{"report_id": s.report_id, "since": _iso(s.created_at)}
                       for s in db.session.scalars(select(Supporter).where(Supporter.citizen_id == citizen.id))],
        "notifications": [{"id": n.id, "kind": n.kind, "report_id": n.report_id, "payload": n.payload,
                           "channel": n.channel, "state": n.state.value, "created_at": _iso(n.created_at)}
                          for n in db.session.scalars(select(Notification).where(Notification.citizen_id == citizen.id)
                                                      .order_by(Notification.id))],
    }
    for name, fn in _exports.items():
        data[name] = fn(citizen)
    return data


def erase(citizen: Citizen) -> None:
    """Remove the citizen's personal data; their reports stay, anonymized.

    The citizen row stays as an empty shell (no name, no identity, no contact) so that
    counts other areas keep (supporters, ledgers) remain consistent.
    """
    for fn in _erasures:
        fn(citizen)
    cid = citizen.id
    db.session.execute(update(Report).where(Report.reporter_id == cid).values(reporter_id=None))
    db.session.execute(update(ReportEvent).where(ReportEvent.actor_citizen_id == cid).values(actor_citizen_id=None))
    db.session.execute(delete(Notification).where(Notification.citizen_id == cid))
    db.session.execute(delete(ApiToken).where(ApiToken.citizen_id == cid))
    db.session.execute(delete(ChannelIdentity).where(ChannelIdentity.citizen_id == cid))
    db.session.execute(delete(CitizenContact).where(CitizenContact.citizen_id == cid))
    citizen.display_name = ""
    citizen.deleted_at = utcnow()
    citizen.hidden_from_boards = True
    db.session.flush()
    db.session.expire_all()
