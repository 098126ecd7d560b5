"""Where the trained classifier lives: PostgreSQL, so every web and worker process uses the same
one. A process keeps the version it loaded and looks for a newer one at most every
INTAKE_MODEL_CHECK_SECONDS (one indexed lookup; a process that trains one switches at once)."""
from __future__ import annotations

import threading
import time

from flask import current_app

from sqlalchemy import func, select

from backend.extensions import db
from backend.intake.classifier import Classifier
from backend.intake.models import CategoryModel

# (version, created_at) -> model: the time tells a restored or recreated database's version 1 apart.
_loaded: tuple[tuple[int, object], Classifier] | None = None
_lock = threading.Lock()
_checked_at = float("-inf")


def latest() -> CategoryModel | None:
    return db.session.scalar(select(CategoryModel).order_by(CategoryModel.version.desc()).limit(1))


def latest_version() -> int | None:
    return db.session.scalar(select(func.max(CategoryModel.version)))


def current() -> tuple[int, Classifier] | None:
    """(version, classifier) of the newest stored model, or None before the first training."""
    global _loaded, _checked_at
    if _loaded is not None and time.monotonic() - _checked_at < current_app.config["INTAKE_MODEL_CHECK_SECONDS"]:
        return _loaded[0][0], _loaded[1]
    _checked_at = time.monotonic()
    newest = db.session.execute(select(CategoryModel.version, CategoryModel.created_at)
                                .order_by(CategoryModel.version.desc()).limit(1)).first()
    if newest is None:
        return None
    key = tuple(newest)
    with _lock:
        if _loaded is None or _loaded[0] != key:
            data = db.session.scalar(select(CategoryModel.parameters).where(CategoryModel.version == key[0]))
            _loaded = (key, Classifier.from_bytes(data))
        return key[0], _loaded[1]


def save(classifier: Classifier, *, embedder: str, examples: int, report_examples: int, fingerprint: str,
         evaluation: dict) -> CategoryModel:
    """Store a new version (flushed; the job or command that trained it commits)."""
    # A lock per transaction: two trainings at once would otherwise pick the same next version.
    db.session.execute(select(func.pg_advisory_xact_lock(7_190_019)))
    version = (latest_version() or 0) + 1
    row = CategoryModel(version=version, embedder=embedder, examples=examples, report_examples=report_examples,
                        fingerprint=fingerprint, evaluation=evaluation, parameters=classifier.to_bytes())
    db.session.add(row)
    db.session.flush()
    forget()
    return row


def forget() -> None:
    """Look again at the next suggestion (this process just trained, or its database changed)."""
    global _checked_at
    _checked_at = float("-inf")
