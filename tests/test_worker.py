"""The production worker started by `crowdgov worker` (jobs in-process, or forked with --fork), a job
that runs past its timeout, and periodic jobs."""
import os
import subprocess
import sys

import pytest
from rq import Queue
from sqlalchemy import text

from backend.extensions import db
from backend.jobqueue import redis_connection
from backend.reports import service as reports
from backend.reports.models import Report, ReportStatus
from backend.worker import enqueue_due_periodic, make_worker
from tests import factories as f


@pytest.mark.parametrize("mode", [[], ["--fork"]], ids=["in-process", "forked"])
def test_crowdgov_worker_routes_reports(app, test_database, redis_server, mode):
    roads = f.department()
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    f.category("pothole", [roads])
    db.session.commit()
    ids = [reports.submit(category="pothole", lat=31.2 + i / 1000, long=121.45).id for i in range(3)]
    db.session.commit()  # as the request would: the routing is enqueued after this commit
    env = dict(os.environ, DATABASE_URL=test_database.url, REDIS_URL=redis_server.url,
               RQ_QUEUE=app.config["RQ_QUEUE"])
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "crowdgov"), "worker", "--burst", *mode],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    db.session.expire_all()
    assert {db.session.get(Report, i).status for i in ids} == {ReportStatus.OPEN}


def test_periodic_jobs_are_enqueued_once_per_interval_across_workers(app):
    first = enqueue_due_periodic(redis_connection(), app.config["RQ_QUEUE"])
    second = enqueue_due_periodic(redis_connection(), app.config["RQ_QUEUE"])
    assert "backend.outbox.jobs.sweep" in first
    assert second == []


def test_the_periodic_sweep_runs_in_the_worker(app, redis_server, run_jobs):
    roads = f.department()
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    f.category("pothole", [roads])
    db.session.commit()
    redis_server.stop()
    report = reports.submit(category="pothole", lat=31.2, long=121.45)
    db.session.commit()  # committed, but nothing could be enqueued
    redis_server.start()
    enqueue_due_periodic(redis_connection(), app.config["RQ_QUEUE"])
    run_jobs()  # runs the sweep, which enqueues the route job
    run_jobs()
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN


def query_past_its_timeout() -> None:
    db.session.execute(text("SELECT pg_sleep(10)"))


def test_a_job_stopped_by_its_timeout_mid_query_does_not_stop_the_worker(app):
    roads = f.department()
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    f.category("pothole", [roads])
    db.session.commit()
    queue = Queue(app.config["RQ_QUEUE"], connection=redis_connection())
    slow = queue.enqueue(query_past_its_timeout, job_timeout=1)
    report = reports.submit(category="pothole", lat=31.2, long=121.45)   # its routing job comes next
    db.session.commit()
    worker = make_worker(app, redis_connection(), simple=True)
    worker.work(burst=True)
    slow.refresh()
    assert slow.is_failed and "timeout" in (slow.latest_result().exc_string or "").lower()
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN


def broken_job() -> None:
    raise RuntimeError("the job broke")


def test_the_worker_logs_only_what_needs_a_look_unless_asked_for_more(app, test_database, redis_server):
    from backend.config import PROJECT_ROOT

    env = dict(os.environ, DATABASE_URL=test_database.url, REDIS_URL=redis_server.url, RQ_QUEUE=app.config["RQ_QUEUE"],
               PYTHONPATH=str(PROJECT_ROOT))
    queue = Queue(app.config["RQ_QUEUE"], connection=redis_connection())

    def work(**extra) -> str:
        for _ in range(3):
            queue.enqueue("backend.outbox.jobs.sweep")
        done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "crowdgov"), "worker", "--burst"],
                              env={**env, **extra}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout + done.stderr

    quiet = work()
    assert "backend.outbox.jobs.sweep" not in quiet and "Successfully completed" not in quiet
    assert len(quiet.strip().splitlines()) == 1 and "WORKER_LOG_LEVEL=INFO" in quiet  # one line: how to see more
    verbose = work(WORKER_LOG_LEVEL="INFO")
    assert verbose.count("Successfully completed backend.outbox.jobs.sweep()") == 3
    queue.enqueue(broken_job)
    failed = work()
    assert "the job broke" in failed  # a failed job is always worth a look
