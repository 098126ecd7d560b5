"""Nearby tasks, claims, release and expiry by the periodic sweep."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from backend.clock import set_clock, utcnow
from backend.errors import Conflict, Forbidden
from backend.extensions import db
from backend.jobqueue import redis_connection
from backend.tasks import answering, assignment, service
from backend.tasks.models import Claim, ClaimState, Task, TaskState
from backend.worker import enqueue_due_periodic
from tests.tasks.conftest import HERE, citizens


def _task(report):
    [task] = service.tasks_for_report(report.id)
    return task


def test_nearby_is_ranked_by_distance_and_leaves_out_what_the_citizen_may_not_take(routed_report):
    me, other = citizens(2)
    near = _task(routed_report(HERE[0] + 0.001, HERE[1]))   # ~110 m
    far = _task(routed_report(HERE[0] + 0.01, HERE[1]))     # ~1.1 km
    mine = _task(routed_report(HERE[0], HERE[1] + 0.0005, reporter=me))
    too_far = _task(routed_report(HERE[0] + 0.05, HERE[1]))  # ~5.5 km, beyond the 3 km radius
    listed = assignment.nearby(me, *HERE)
    assert [n.task.id for n in listed] == [near.id, far.id]
    assert listed[0].distance_m == pytest.approx(111, abs=2)
    assert listed[0].slots_left == 3
    assert {n.task.id for n in assignment.nearby(other, *HERE)} == {near.id, far.id, mine.id}
    assert too_far.id in {n.task.id for n in assignment.nearby(other, *HERE, radius_m=10_000)}
    # Answered tasks leave the list, for the one who answered.
    for task in (near, far):
        assignment.claim(task.id, me)
        answering.answer(task.id, me, "yes")
    assert assignment.nearby(me, *HERE) == []
    slots = {n.task.id: n.slots_left for n in assignment.nearby(other, *HERE)}
    assert slots == {mine.id: 3, near.id: 2, far.id: 2}


def test_no_one_verifies_their_own_report(routed_report):
    [me] = citizens(1)
    task = _task(routed_report(reporter=me))
    with pytest.raises(Forbidden) as err:
        assignment.claim(task.id, me)
    assert err.value.code == "own_report"
    assert db.session.scalar(select(db.func.count()).select_from(Claim)) == 0


def test_fully_claimed_tasks_are_refused_and_hidden(city, routed_report):
    city["pothole"].verify_redundancy = 2
    db.session.commit()
    task = _task(routed_report())
    a, b, c = citizens(3)
    assignment.claim(task.id, a)
    assignment.claim(task.id, b)
    assert assignment.nearby(c, *HERE) == []
    assert assignment.nearby(a, *HERE)[0].claimed_by_me is True
    with pytest.raises(Conflict) as err:
        assignment.claim(task.id, c)
    assert err.value.code == "task_full"
    assignment.release(task.id, b)
    assert assignment.claim(task.id, c).state == ClaimState.ACTIVE


def test_one_live_claim_per_citizen(routed_report):
    first, second = _task(routed_report()), _task(routed_report(HERE[0] + 0.001, HERE[1]))
    [me] = citizens(1)
    held = assignment.claim(first.id, me)
    assert assignment.claim(first.id, me).id == held.id  # claiming again is harmless
    with pytest.raises(Conflict) as err:
        assignment.claim(second.id, me)
    assert err.value.code == "claim_held"
    assignment.release(first.id, me)
    assert assignment.claim(second.id, me).task_id == second.id


def test_answering_needs_a_live_claim(routed_report):
    task = _task(routed_report())
    [me] = citizens(1)
    with pytest.raises(Conflict) as err:
        answering.answer(task.id, me, "yes")
    assert err.value.code == "no_claim"
    assignment.claim(task.id, me)
    answering.answer(task.id, me, "yes")
    with pytest.raises(Conflict) as err:
        assignment.claim(task.id, me)
    assert err.value.code == "already_answered"


def test_claims_expire_through_the_scheduled_sweep_and_free_their_slot(city, routed_report, run_jobs):
    city["pothole"].verify_redundancy = 1
    db.session.commit()
    task = _task(routed_report())
    slow, quick = citizens(2)
    claim = assignment.claim(task.id, slow)
    with pytest.raises(Conflict):
        assignment.claim(task.id, quick)
    start = utcnow()
    set_clock(lambda: start + timedelta(minutes=29))
    enqueue_due_periodic(redis_connection(), "crowdgov-test")
    run_jobs()
    assert db.session.get(Claim, claim.id).state == ClaimState.ACTIVE
    set_clock(lambda: start + timedelta(minutes=31))
    redis_connection().delete("crowdgov:periodic:backend.tasks.jobs.expire_claims")  # its interval has passed
    assert "backend.tasks.jobs.expire_claims" in enqueue_due_periodic(redis_connection(), "crowdgov-test")
    run_jobs()
    assert db.session.get(Claim, claim.id).state == ClaimState.EXPIRED
    with pytest.raises(Conflict) as err:
        answering.answer(task.id, slow, "yes")
    assert err.value.code == "no_claim"
    assignment.claim(task.id, quick)
    answering.answer(task.id, quick, "yes")
    assert db.session.get(Task, task.id).state == TaskState.CLOSED


def test_an_expired_claim_cannot_answer_even_before_the_sweep(routed_report):
    task = _task(routed_report())
    [me] = citizens(1)
    assignment.claim(task.id, me)
    start = utcnow()
    set_clock(lambda: start + timedelta(minutes=30, seconds=1))
    with pytest.raises(Conflict) as err:
        answering.answer(task.id, me, "yes")
    assert err.value.code == "claim_expired"


def test_tasks_expire_after_their_lifetime(routed_report):
    task = _task(routed_report())
    [me] = citizens(1)
    assignment.claim(task.id, me)
    start = utcnow()
    set_clock(lambda: start + timedelta(hours=169))
    from backend.tasks import jobs
    assert jobs.expire_tasks() == 1
    assert db.session.get(Task, task.id).state == TaskState.EXPIRED
    assert db.session.scalar(select(Claim.state)) == ClaimState.RELEASED
    assert assignment.nearby(me, *HERE) == []


def test_hidden_reports_are_not_sent_out_for_checking(routed_report):
    report = routed_report()
    task = _task(report)
    [me] = citizens(1)
    report.hidden = True
    db.session.commit()
    assert assignment.nearby(me, *HERE) == []
    with pytest.raises(Conflict) as err:
        assignment.claim(task.id, me)
    assert err.value.code == "task_closed"
