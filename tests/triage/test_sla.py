"""SLA escalation: overdue open reports reach the coordinators once per breach."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from backend import signals
from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.triage import service as triage, sla
from backend.reports.models import EventKind, Report, ReportEvent
from backend.triage.models import SlaEscalation
from backend.schedule import PERIODIC
from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)


@pytest.fixture
def clock():
    """A clock the test moves by hand."""
    state = {"now": utcnow()}
    set_clock(lambda: state["now"])

    def advance(**delta):
        state["now"] += timedelta(**delta)

    return advance


def _escalations(report_id: int) -> list[ReportEvent]:
    return list(db.session.scalars(select(ReportEvent).where(ReportEvent.report_id == report_id,
                                                             ReportEvent.kind == EventKind.ESCALATED)))


def test_an_overdue_report_is_escalated_once_per_breach(town, clock):
    fired = []
    receiver = lambda sender, event: fired.append(event)
    signals.report_event.connect(receiver)
    try:
        report = town["road_report"]  # both town reports have a 48 h SLA
        clock(hours=47)
        assert sla.escalate_overdue() == 0
        clock(hours=2)
        assert sla.escalate_overdue() == 2
        [event] = _escalations(report.id)
        assert not event.public and event.data["overdue_hours"] == pytest.approx(1, abs=0.1)
        assert event.id in [e.id for e in fired]
        clock(hours=5)
        assert sla.escalate_overdue() == 0  # the same breach: nothing new
        assert len(_escalations(report.id)) == 1
    finally:
        signals.report_event.disconnect(receiver)


def test_a_new_due_time_can_breach_again(town, clock):
    report = town["road_report"]
    clock(hours=49)
    assert sla.escalate_overdue() == 2
    db.session.get(Report, report.id).due_at = utcnow() + timedelta(hours=24)  # extended
    db.session.commit()
    clock(hours=25)
    assert sla.escalate_overdue() == 1
    assert len(_escalations(report.id)) == 2


def test_closed_reports_are_not_escalated(town, clock):
    triage.resolve(town["roads_staff"], town["road_report"].id)
    clock(hours=100)
    assert sla.escalate_overdue() == 1  # only the park bench (SLA 48 h too)
    assert _escalations(town["road_report"].id) == []


def test_coordinators_see_the_notice_until_they_mark_it_seen(town, clock, sign_in):
    clock(hours=49)
    sla.escalate_overdue()
    coordinator = sign_in(town["coordinator"])
    page = coordinator.get("/inbox/escalations").text
    assert f"CG-{town['road_report'].id:06d}" in page and f"CG-{town['park_report'].id:06d}" in page
    assert 'class="badge badge-alert"' in coordinator.get("/inbox/").text
    [first, _second] = db.session.scalars(select(SlaEscalation).order_by(SlaEscalation.id)).all()
    response = coordinator.post(f"/inbox/escalations/{first.id}/seen")
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert db.session.get(SlaEscalation, first.id).seen_by_staff_id == town["coordinator"].id
    assert [e.id for e in sla.open_escalations(town["coordinator"])] == [_second.id]
    staff = sign_in(town["roads_staff"])
    assert staff.get("/inbox/escalations").status_code == 404
    assert 'badge-alert' not in staff.get("/inbox/").text


def test_the_sweep_is_a_periodic_job_run_by_the_worker(town, clock, run_jobs):
    from backend.jobqueue import queue

    assert "backend.triage.jobs.escalate_overdue" in [p.job for p in PERIODIC]
    clock(hours=49)
    queue().enqueue("backend.triage.jobs.escalate_overdue")
    run_jobs()
    assert len(_escalations(town["road_report"].id)) == 1


def test_a_large_backlog_is_escalated_over_several_runs_each_breach_once(town, clock, monkeypatch):
    monkeypatch.setattr(sla, "BATCH", 1)   # two overdue town reports: one batch each
    clock(hours=49)
    # A run that has used up its time stops after the batch in hand; the next one goes on.
    assert sla.escalate_overdue(run_seconds=0) == 1
    assert sla.escalate_overdue(run_seconds=0) == 1
    assert sla.escalate_overdue(run_seconds=0) == 0
    assert len(_escalations(town["road_report"].id)) == 1
