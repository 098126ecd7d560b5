"""The production worker: a forking RQ worker started by `crowdgov worker`, and periodic jobs."""
import os
import subprocess
import sys

from backend.extensions import db
from backend.jobqueue import redis_connection
from backend.reports import service as reports
from backend.reports.models import Report, ReportStatus
from backend.worker import enqueue_due_periodic
from tests import factories as f


def test_crowdgov_worker_routes_in_a_forked_work_horse(app, test_database, redis_server):
    roads = f.department()
    f.area(roads, (121.40, 31.15, 121.55, 31.30))
    f.category("pothole", [roads])
    db.session.commit()
    ids = [reports.submit(category="pothole", lat=31.2 + i / 1000, long=121.45).id for i in range(3)]
    env = dict(os.environ, DATABASE_URL=test_database.url, REDIS_URL=redis_server.url,
               RQ_QUEUE=app.config["RQ_QUEUE"])
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "crowdgov"), "worker", "--burst"],
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
    redis_server.start()
    enqueue_due_periodic(redis_connection(), app.config["RQ_QUEUE"])
    run_jobs()  # runs the sweep, which enqueues the route job
    run_jobs()
    assert db.session.get(Report, report.id).status == ReportStatus.OPEN
