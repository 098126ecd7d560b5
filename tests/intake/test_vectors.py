"""Report vectors: made by the worker after intake (never in the request), once per text."""
from datetime import timedelta

from sqlalchemy import func, select

from backend.extensions import db
from backend.intake import embeddings, jobs
from backend.intake.models import ReportVector
from backend.jobqueue import queue
from backend.outbox.models import OutboxMessage
from backend.reports import service as reports
from backend.triage import moderation
from tests import factories as f
from tests.intake.conftest import XUHUI


def _count_embeddings(monkeypatch) -> list[str]:
    """Wraps the real model: every text it embeds is noted."""
    seen = []
    real = embeddings.embed

    def counting(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(embeddings, "embed", counting)
    return seen


def test_the_worker_embeds_a_new_report_once_even_when_its_job_runs_twice(catalogue_city, run_jobs, monkeypatch):
    seen = _count_embeddings(monkeypatch)
    report = reports.submit(category="pothole", lat=XUHUI[0], long=XUHUI[1], description="Deep hole by the bus stop",
                            attributes={"size": "large"})
    # Promised in the intake transaction, not done in it.
    assert db.session.scalar(select(func.count()).select_from(ReportVector)) == 0
    assert db.session.scalar(select(OutboxMessage.job).where(OutboxMessage.job == "backend.intake.jobs.embed_report"))
    assert seen == []
    run_jobs()
    stored = db.session.get(ReportVector, report.id)
    assert seen == ["Deep hole by the bus stop"] and stored.language == "en" and len(stored.vector) == 768
    first = (stored.digest, stored.vector, stored.created_at)

    # The same job again, as a retried delivery would run it: nothing embedded, nothing changed.
    queue().enqueue("backend.intake.jobs.embed_report", report_id=report.id)
    run_jobs()
    assert jobs.embed_report(report.id) == "unchanged"
    db.session.expire_all()
    stored = db.session.get(ReportVector, report.id)
    assert seen == ["Deep hole by the bus stop"] and (stored.digest, stored.vector, stored.created_at) == first


def test_a_redacted_description_is_embedded_again_and_an_empty_one_has_no_vector(catalogue_city, run_jobs):
    coordinator = f.staff("coordinator", email="coord@city.example")
    db.session.commit()
    report = reports.submit(category="pothole", lat=XUHUI[0], long=XUHUI[1], attributes={"size": "large"},
                            description="Hole outside Zhang San's shop, call 13800138000")
    empty = reports.submit(category="pothole", lat=XUHUI[0], long=XUHUI[1], attributes={"size": "large"})
    db.session.commit()
    run_jobs()
    before = db.session.get(ReportVector, report.id).digest
    assert db.session.get(ReportVector, empty.id) is None
    moderation.redact_phrase(coordinator, report.id, "13800138000")
    run_jobs()
    db.session.expire_all()
    after = db.session.get(ReportVector, report.id)
    assert after.digest != before and after.digest == embeddings.digest(db.session.get(type(report), report.id).description)


def test_reports_without_a_vector_are_embedded_by_the_sweep_and_the_backfill(catalogue_city, app):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from backend.city.models import Category
    from backend.cli.intake import intake_group
    from backend.clock import utcnow

    pothole = db.session.scalar(select(Category).where(Category.code == "pothole"))
    missed = [f.report_at(pothole, XUHUI[0], XUHUI[1], description=f"hole number {n}") for n in range(3)]
    older = f.report_at(pothole, XUHUI[0], XUHUI[1], description="a hole from before intake",
                        created_at=utcnow() - timedelta(days=90))
    db.session.commit()
    # The periodic sweep: recent reports only.
    assert jobs.embed_missing() == 3 and jobs.embed_missing() == 0
    assert {v.report_id for v in db.session.scalars(select(ReportVector))} == {r.id for r in missed}
    result = CliRunner().invoke(intake_group, ["embed"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "1 reports embedded" in result.output
    assert db.session.get(ReportVector, older.id) is not None
