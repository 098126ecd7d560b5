"""Citizens' updates in the data-rights export and erasure (`accounts.data_rights`)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from backend.accounts import data_rights
from backend.accounts.models import Citizen
from backend.extensions import db
from backend.updates.models import ReportUpdate


def export(citizen: Citizen) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(ReportUpdate).where(ReportUpdate.citizen_id == citizen.id).order_by(ReportUpdate.id))
    return [{"id": u.id, "report_id": u.report_id, "source": u.source.value, "text": u.text,
             "photo": u.photo.path if u.photo else None, "media_url": u.media_url, "held": u.held, "hidden": u.hidden,
             "created_at": u.created_at.isoformat()} for u in rows]


def erase(citizen: Citizen) -> None:
    # The updates stay on their reports, as the reports do, without who wrote them.
    db.session.execute(update(ReportUpdate).where(ReportUpdate.citizen_id == citizen.id).values(citizen_id=None))


data_rights.register_export("report_updates", export)
data_rights.register_erasure(erase)
