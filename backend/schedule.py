"""Periodic jobs, as data: (job path, every N seconds). Other areas append their sweeps here."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    job: str
    every_seconds: int


PERIODIC: list[Periodic] = [
    Periodic("backend.outbox.jobs.sweep", 30),
    Periodic("backend.tasks.jobs.expire_claims", 60),
    Periodic("backend.tasks.jobs.expire_tasks", 300),
    Periodic("backend.feedback.jobs.sweep", 60),
    Periodic("backend.api.jobs.forget_old_idempotency_keys", 3600),
    Periodic("backend.triage.jobs.escalate_overdue", 300),
    # Readers add unfolded changes themselves; folding keeps that part small.
    Periodic("backend.disclosure.jobs.fold_map_grid", 15),
    Periodic("backend.incentives.jobs.crown_district_champions", 3600),
    Periodic("backend.incentives.jobs.award_campaign_finishers", 600),
    # Writes each daily alert digest once per city-local day, after ALERT_DIGEST_HOUR.
    Periodic("backend.alerts.jobs.prepare_digests", 900),
    # Smart intake: a new classifier when the labelled reports changed; vectors a job missed.
    Periodic("backend.intake.jobs.retrain", 3600),
    Periodic("backend.intake.jobs.embed_missing", 300),
]
