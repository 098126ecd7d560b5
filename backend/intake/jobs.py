"""RQ entry points of smart intake. Each job is one transaction, committed here."""
from __future__ import annotations

from backend.extensions import db
from backend.intake import service, training

MISSING_PER_RUN = 200


def embed_report(report_id: int) -> str:
    outcome = service.embed_report(report_id)
    db.session.commit()
    return outcome


def embed_missing() -> int:
    """Periodic: vectors for open reports that have none (a job given up on, data older than intake)."""
    done = 0
    for report_id in service.reports_without_vector(MISSING_PER_RUN):
        done += service.embed_report(report_id) == "embedded"
        db.session.commit()
    return done


def retrain() -> int | None:
    """Periodic: a new classifier version when the labelled examples changed since the last one."""
    model = training.train()
    version = model.version if model else None
    db.session.commit()
    return version
