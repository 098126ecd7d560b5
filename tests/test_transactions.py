"""One owner of every transaction: the request, the job or the command commits once, or rolls back
everything, the audit entries and the outbox's promises included (backend/transaction.py)."""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from backend import signals
from backend.audit.models import AuditEntry
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.jobqueue import enqueue, queue
from backend.outbox import service as outbox
from backend.outbox.models import OutboxMessage
from backend.reports import service as reports
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus
from backend.transaction import unit_of_work
from backend.triage import service as triage
from tests import factories as f
from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)


def _stored(report_id: int) -> dict:
    """What the database holds about a report, read fresh."""
    db.session.expire_all()
    report = db.session.get(Report, report_id)
    count = lambda model, *where: db.session.scalar(select(func.count()).select_from(model).where(*where))
    return {"department_id": report.department_id, "status": report.status,
            "events": count(ReportEvent, ReportEvent.report_id == report_id),
            "audit": count(AuditEntry, AuditEntry.target_type == "report", AuditEntry.target_id == str(report_id)),
            "outbox": count(OutboxMessage)}


class _Fails:
    """A report-event receiver that fails on one kind of event: a later step of the same transaction."""

    def __init__(self, kind: EventKind, error: Exception | None = None):
        self.kind, self.error = kind, error or RuntimeError(f"a later step fails after the {kind} event")

    def __call__(self, report, event) -> None:
        if event.kind == self.kind:
            raise self.error

    def __enter__(self):
        signals.report_event.connect(self)
        return self

    def __exit__(self, *exc):
        signals.report_event.disconnect(self)


def test_a_hand_over_whose_later_step_fails_leaves_neither_the_change_nor_its_audit_entry(town):
    report = town["road_report"]
    db.session.commit()
    before, queued = _stored(report.id), queue().count
    with pytest.raises(RuntimeError, match="later step"):
        with unit_of_work():
            triage.hand_over(town["roads_staff"], report.id, town["parks"].id, note="not ours")
            db.session.flush()
            assert _stored(report.id)["audit"] == before["audit"] + 1  # written, in this transaction
            raise RuntimeError("a later step fails after the hand-over")
    assert _stored(report.id) == before
    assert queue().count == queued  # nothing it promised was enqueued


def test_a_request_that_fails_after_an_audited_change_keeps_nothing(app, town, sign_in):
    """Marking a duplicate is audited first; the original's `merged` event comes after and fails."""
    duplicate = town["road_report"]
    original = f.routed_report(town["pothole"], 31.2001, 121.4201, "the same pothole")
    db.session.commit()
    before = _stored(duplicate.id)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer a 500, as in production, instead of raising here
    try:
        with _Fails(EventKind.MERGED):
            response = sign_in(town["roads_staff"]).post(f"/inbox/reports/{duplicate.id}/act/duplicate",
                                                         {"original": str(original.id)})
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert _stored(duplicate.id) == before and before["status"] == ReportStatus.OPEN


def test_a_refused_request_keeps_nothing_of_what_it_began(client, town):
    """A 4xx ends the request's transaction with a rollback: the report, its event, its outbox row and
    its idempotency key were written when the refusal came, and none of them stays."""
    token = f.api_token(f.citizen("Li Lei"))
    reports_before, pending, queued = db.session.scalar(select(func.count()).select_from(Report)), \
        outbox.pending_count(), queue().count
    refusal = ValidationFailed("refused_late", "refused after the report was written")
    with _Fails(EventKind.SUBMITTED, refusal):
        response = client.post("/api/v1/reports", json={"category": "pothole", "lat": 31.2, "long": 121.42},
                               headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert response.status_code == 422 and response.json["code"] == "refused_late"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Report)) == reports_before
    assert outbox.pending_count() == pending and queue().count == queued
    # The key was not burnt: the same request, retried, is made.
    response = client.post("/api/v1/reports", json={"category": "pothole", "lat": 31.2, "long": 121.42},
                           headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert response.status_code == 201


def test_a_job_that_raises_is_rolled_back_and_one_that_returns_is_committed(town, run_jobs):
    report = reports.submit(category=town["pothole"], lat=31.21, long=121.43, description="a new hole")
    db.session.commit()
    with _Fails(EventKind.ROUTED):
        run_jobs()
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.job == reports.ROUTE_JOB,
                                                             OutboxMessage.kwargs["report_id"].as_integer() == report.id)).one()
    assert message.done_at is None and message.attempts == 1 and "later step" in message.last_error
    assert _stored(report.id)["status"] == ReportStatus.SUBMITTED and _stored(report.id)["department_id"] is None
    enqueue(outbox.DELIVER, message_id=message.id)  # as the sweep does
    run_jobs()
    db.session.refresh(message)
    assert message.done_at is not None and message.attempts == 2
    assert _stored(report.id)["status"] == ReportStatus.OPEN


def test_the_outbox_enqueues_after_the_one_commit_and_never_after_a_rollback(app):
    job = "backend.api.jobs.forget_old_idempotency_keys"
    outbox.add(job)
    with db.session.begin_nested():
        outbox.add(job)
    assert queue().count == 0  # a savepoint is not the end of the transaction
    db.session.commit()
    assert queue().count == 2
    outbox.add(job)
    db.session.rollback()
    db.session.commit()
    assert queue().count == 2
    savepoint = db.session.begin_nested()
    outbox.add(job)
    savepoint.rollback()
    outbox.add(job)
    db.session.commit()
    assert queue().count == 3 and outbox.pending_count() == 3


MOVED = {"backend.reports.jobs.escalate_overdue": "backend.triage.jobs.escalate_overdue",
         "backend.reports.jobs.fold_map_grid": "backend.disclosure.jobs.fold_map_grid",
         "backend.reports.jobs.forget_old_idempotency_keys": "backend.api.jobs.forget_old_idempotency_keys"}


def test_the_upgrade_renames_the_job_paths_of_work_promised_before_it(app):
    """Outbox rows written by the version before the split still run after the upgrade."""
    db.session.remove()
    downgrade(revision="a856db69f9fc")
    with db.engine.begin() as conn:
        for old in MOVED:
            conn.execute(text("INSERT INTO outbox (job, kwargs, created_at, attempts) VALUES (:job, '{}', now(), 0)"),
                         {"job": old})
        conn.execute(text("INSERT INTO outbox (job, kwargs, created_at, attempts, done_at) "
                          "VALUES ('backend.reports.jobs.fold_map_grid', '{}', now(), 1, now())"))
    upgrade()
    jobs = sorted(db.session.execute(select(OutboxMessage.job, OutboxMessage.done_at.is_(None))).all())
    assert jobs == sorted([(new, True) for new in MOVED.values()] + [("backend.reports.jobs.fold_map_grid", False)])
