"""Where the trained classifier lives: PostgreSQL, so every web and worker process uses the same
one. A process keeps the version it loaded and reloads when a newer one appears (one indexed
lookup of the newest version per suggestion)."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from backend.extensions import db
from backend.intake.classifier import Classifier
from backend.intake.models import CategoryModel

_loaded: tuple[int, Classifier] | None = None
_lock = threading.Lock()


def latest() -> CategoryModel | None:
    return db.session.scalar(select(CategoryModel).order_by(CategoryModel.version.desc()).limit(1))


def latest_version() -> int | None:
    return db.session.scalar(select(func.max(CategoryModel.version)))


def current() -> tuple[int, Classifier] | None:
    """(version, classifier) of the newest stored model, or None before the first training."""
    global _loaded
    version = latest_version()
    if version is None:
        return None
    if _loaded is not None and _loaded[0] == version:
        return _loaded
    with _lock:
        if _loaded is None or _loaded[0] != version:
            data = db.session.scalar(select(CategoryModel.parameters).where(CategoryModel.version == version))
            _loaded = (version, Classifier.from_bytes(data))
        return _loaded


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
    return row
