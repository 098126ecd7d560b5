"""The tasks area's part of a citizen's data rights: their answers, claims and reputation.

Registered with accounts.data_rights at import (backend/tasks/service.py imports this module).
"""
from __future__ import annotations

from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import delete, select, update

from backend.accounts import data_rights
from backend.accounts.models import Citizen
from backend.extensions import db
from backend.reports import photos
from backend.reports.models import Attachment
from backend.tasks.models import Answer, Claim, Reputation, Task


def export(citizen: Citizen) -> dict[str, Any]:
    answers = []
    for answer, kind in db.session.execute(select(Answer, Task.kind).join(Task, Task.id == Answer.task_id)
                                           .where(Answer.citizen_id == citizen.id).order_by(Answer.id)):
        point = to_shape(answer.location) if answer.location is not None else None
        photo = db.session.get(Attachment, answer.photo_id) if answer.photo_id else None
        answers.append({"task_id": answer.task_id, "kind": kind.value, "verdict": answer.verdict.value,
                        "note": answer.note, "lat": point.y if point else None, "long": point.x if point else None,
                        "distance_m": answer.distance_m, "weight": answer.weight, "agreed": answer.agreed,
                        "photo": photo.path if photo else None, "created_at": answer.created_at.isoformat()})
    claims = [{"task_id": c.task_id, "state": c.state.value, "created_at": c.created_at.isoformat()}
              for c in db.session.scalars(select(Claim).where(Claim.citizen_id == citizen.id).order_by(Claim.id))]
    rep = db.session.get(Reputation, citizen.id)
    return {"answers": answers, "claims": claims,
            "reputation": {"alpha": rep.alpha, "beta": rep.beta, "score": rep.score} if rep else None}


def erase(citizen: Citizen) -> None:
    """Verdicts stay (tasks were decided by them), without who, where, notes or photos."""
    photo_ids = list(db.session.scalars(select(Answer.photo_id).where(Answer.citizen_id == citizen.id,
                                                                      Answer.photo_id.is_not(None))))
    db.session.execute(update(Answer).where(Answer.citizen_id == citizen.id)
                       .values(citizen_id=None, location=None, note="", photo_id=None))
    for row in db.session.scalars(select(Attachment).where(Attachment.id.in_(photo_ids))):
        for relative in (row.path, row.thumbnail_path):
            (photos.media_dir() / relative).unlink(missing_ok=True)
    db.session.execute(delete(Attachment).where(Attachment.id.in_(photo_ids)))
    db.session.execute(delete(Claim).where(Claim.citizen_id == citizen.id))
    db.session.execute(delete(Reputation).where(Reputation.citizen_id == citizen.id))


data_rights.register_export("tasks", export)
data_rights.register_erasure(erase)
