"""Two citizens racing for the last slot, each on its own connection: exactly one wins."""
import threading

from sqlalchemy import select

from backend.accounts.models import Citizen
from backend.errors import Conflict
from backend.extensions import db
from backend.tasks import assignment, service
from backend.tasks.models import Claim, ClaimState
from backend.transaction import unit_of_work
from tests.tasks.conftest import HERE, citizens


def _race(app, calls):
    """Run each (task_id, citizen_id) claim in its own thread and app context (so its own DB connection)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, task_id, citizen_id):
        with app.app_context():
            citizen = db.session.get(Citizen, citizen_id)
            db.session.commit()
            barrier.wait(timeout=10)
            try:
                with unit_of_work():  # each thread is a request: it commits its claim, or rolls back
                    results[i] = assignment.claim(task_id, citizen).id
            except Conflict as exc:
                results[i] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads)
    return results


def test_two_citizens_racing_for_the_last_slot(app, city, routed_report):
    city["pothole"].verify_redundancy = 2
    db.session.commit()
    for round_ in range(5):
        [task] = service.tasks_for_report(routed_report(HERE[0] + round_ * 0.001, HERE[1]).id)
        first, a, b = citizens(3, prefix=f"Round {round_}")
        assignment.claim(task.id, first)  # one slot left
        db.session.commit()
        results = _race(app, [(task.id, a.id), (task.id, b.id)])
        assert sorted(r == "task_full" for r in results) == [False, True], results
        live = db.session.scalars(select(Claim).where(Claim.task_id == task.id, Claim.state == ClaimState.ACTIVE)).all()
        assert len(live) == 2


def test_one_citizen_claiming_two_tasks_at_once_gets_one(app, routed_report):
    tasks = [service.tasks_for_report(routed_report(HERE[0] + i * 0.001, HERE[1]).id)[0] for i in range(2)]
    [me] = citizens(1)
    results = _race(app, [(tasks[0].id, me.id), (tasks[1].id, me.id)])
    assert sorted(isinstance(r, int) for r in results) == [False, True], results
    assert "claim_held" in results
    assert db.session.scalar(select(db.func.count()).select_from(Claim).where(Claim.citizen_id == me.id)) == 1


def test_the_last_two_answers_arriving_together_close_the_task_once(app, city, routed_report):
    from backend import signals
    from backend.reports.models import Report
    from backend.tasks import answering
    from backend.tasks.models import Task, TaskState

    city["pothole"].verify_redundancy = 2
    db.session.commit()
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    a, b = citizens(2)
    for person in (a, b):
        assignment.claim(task.id, person)
    db.session.commit()
    closings = []
    receiver = lambda sender, outcome, answers: closings.append((sender.id, outcome, len(answers)))
    signals.task_closed.connect(receiver)
    barrier = threading.Barrier(2)
    errors = []

    def run(citizen_id):
        with app.app_context():
            citizen = db.session.get(Citizen, citizen_id)
            db.session.commit()
            barrier.wait(timeout=10)
            try:
                with unit_of_work():
                    answering.answer(task.id, citizen, "yes")
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(c.id,)) for c in (a, b)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        signals.task_closed.disconnect(receiver)
    assert errors == []
    assert closings == [(task.id, "verified", 2)]
    db.session.expire_all()
    assert db.session.get(Task, task.id).state == TaskState.CLOSED
    assert db.session.get(Report, report.id).verified is True
