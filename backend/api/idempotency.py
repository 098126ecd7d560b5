"""Idempotency keys: a retried request gets the first answer and creates nothing new.

The key row is inserted (and flushed) before the action runs, so a concurrent retry
with the same key waits on the unique index and then finds the stored answer.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any, Callable

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from backend.accounts.data_rights import register_erasure
from backend.accounts.models import Citizen
from backend.api.models import IdempotencyKey
from backend.clock import utcnow
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db

MAX_KEY_LENGTH = 200


def fingerprint(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _stored(scope: str, key: str, digest: str) -> tuple[int, dict] | None:
    row = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))
    if row is None:
        return None
    if row.fingerprint != digest:
        raise ValidationFailed("idempotency_key_reused",
                               _("This Idempotency-Key was already used for a different request."),
                               {"Idempotency-Key": "used before with other content"})
    if row.status_code is None:
        raise Conflict("request_in_progress", _("The first request with this Idempotency-Key is still running."))
    return row.status_code, row.body


def run_once(scope: str, key: str | None, digest: str,
             action: Callable[[], tuple[int, dict, int | None]]) -> tuple[int, dict, bool]:
    """Run `action` (which writes but does not commit) once per (scope, key), in the request's transaction.

    `action` returns (status code, answer, report id). Returns (status code, answer, replayed).
    Without a key the action simply runs. The key row is written first: a concurrent retry with
    the same key waits on the unique index until this request's transaction ends, and then replays
    the answer stored with it. Domain errors raised by the action roll the key back with the
    request (nothing is stored): the client may fix its request and retry with the same key.
    """
    if not key:
        status, body, _report_id = action()
        return status, body, False
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise ValidationFailed("invalid_idempotency_key", _("The Idempotency-Key must have 1 to 200 characters."),
                               {"Idempotency-Key": "1 to 200 characters"})
    stored = _stored(scope, key, digest)
    if stored:
        return stored[0], stored[1], True
    row = IdempotencyKey(scope=scope, key=key, fingerprint=digest, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        # Another request with this key committed first (this one waited for it): its answer stands.
        stored = _stored(scope, key, digest)
        return stored[0], stored[1], True
    status, body, report_id = action()
    row.status_code, row.body, row.report_id = status, body, report_id
    db.session.flush()
    return status, body, False


def _forget_citizen(citizen: Citizen) -> None:
    """Erasure: a citizen's stored answers (report ids, references) go with them."""
    db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.scope == f"citizen:{citizen.id}"))


register_erasure(_forget_citizen)


def forget_old() -> int:
    """Drop keys older than IDEMPOTENCY_KEEP_HOURS (a periodic job)."""
    cutoff = utcnow() - timedelta(hours=current_app.config["IDEMPOTENCY_KEEP_HOURS"])
    return db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount
