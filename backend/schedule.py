"""Periodic jobs, as data: (job path, every N seconds). Other areas append their sweeps here."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    job: str
    every_seconds: int


PERIODIC: list[Periodic] = [
    Periodic("backend.outbox.jobs.sweep", 30),
    Periodic("backend.feedback.jobs.sweep", 60),
    Periodic("backend.reports.jobs.forget_old_idempotency_keys", 3600),
]
