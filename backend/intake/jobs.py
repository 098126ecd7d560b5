"""RQ entry points of smart intake. Each job is one transaction, committed by the worker's edge;
`embed_missing` commits per report (a backfill of thousands is not one transaction)."""
from __future__ import annotations

from backend.extensions import db
from backend.intake import service, training

MISSING_PER_RUN = 200


def embed_report(report_id: int) -> str:
    return service.embed_report(report_id)


def embed_missing(recent_only: bool = True) -> int:
    """Periodic: vectors for recent open reports that have none (a job given up on); the CLI passes
    recent_only=False to backfill reports older than intake."""
    done = 0
    for report_id in service.reports_without_vector(MISSING_PER_RUN, recent_only):
        done += service.embed_report(report_id) == "embedded"
        db.session.commit()
    return done


def train_now():
    """A new classifier version whatever changed (`crowdgov intake train`); None with fewer than two categories."""
    return training.train(force=True)


def retrain() -> int | None:
    """Periodic: a new classifier version when the labelled examples changed since the last one."""
    model = training.train()
    return model.version if model else None
