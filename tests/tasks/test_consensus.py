"""Redundancy and reputation-weighted consensus, by hand and through real tasks."""
import pytest
from sqlalchemy import select

from backend import signals
from backend.extensions import db
from backend.reports.models import EventKind, Report, ReportEvent
from backend.tasks import consensus, reputation, service
from backend.tasks.models import Outcome, Reputation, Task, TaskKind, TaskState, Verdict
from tests import factories as f
from tests.tasks.conftest import HERE

Y, N, C = Verdict.YES, Verdict.NO, Verdict.CANT_TELL


def test_tally_weighs_answers_and_ignores_cant_tell():
    t = consensus.tally([(Y, 0.9), (N, 0.3), (C, 0.8), (Y, 0.6)])
    assert (t.yes, t.no, t.answers) == (pytest.approx(1.5), pytest.approx(0.3), 4)
    assert t.leader == Y
    assert t.agreement == pytest.approx(1.5 / 1.8)


def test_a_trusted_minority_can_outweigh_a_majority():
    # Two newcomers (2/3 each) against one veteran with Beta(20, 1) -> 20/21.
    t = consensus.tally([(Y, 2 / 3), (Y, 2 / 3), (N, 20 / 21)])
    assert t.leader == Y  # 1.333 > 0.952
    assert consensus.decide(t, needed=3, threshold=0.66) is None  # 1.333/2.286 = 0.58: not enough agreement
    t = consensus.tally([(Y, 0.2), (Y, 0.2), (N, 20 / 21)])
    assert t.leader == N


def test_ties_and_nothing_decisive_have_no_leader():
    assert consensus.tally([(Y, 0.5), (N, 0.5)]).leader is None
    assert consensus.tally([(C, 0.5), (C, 0.9)]).leader is None
    assert consensus.tally([(C, 0.5)]).agreement == 0.0
    assert consensus.decide(consensus.tally([(Y, 0.5), (N, 0.5), (C, 0.7)]), needed=3, threshold=0.5) is None


def test_decide_needs_enough_answers_and_the_threshold():
    two_yes = consensus.tally([(Y, 0.7), (Y, 0.7)])
    assert consensus.decide(two_yes, needed=3, threshold=0.66) is None
    assert consensus.decide(two_yes, needed=2, threshold=0.66) == Y
    split = consensus.tally([(Y, 0.7), (Y, 0.7), (N, 0.7)])  # 2/3 = 0.667
    assert consensus.decide(split, needed=3, threshold=0.66) == Y
    assert consensus.decide(split, needed=3, threshold=0.7) is None


def test_a_routed_report_gets_one_verify_task_with_its_categorys_redundancy(city, routed_report):
    city["pothole"].verify_redundancy = 2
    db.session.commit()
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    assert (task.kind, task.state, task.redundancy) == (TaskKind.VERIFY_REPORT, TaskState.OPEN, 2)
    assert service.coordinates(task) == pytest.approx(HERE)
    assert service.create_verify_task(report) is None  # once per report


def test_routing_through_the_worker_creates_the_task(city, run_jobs):
    from backend.reports import service as reports

    report = reports.submit(category="pothole", lat=HERE[0], long=HERE[1], description="hole")
    assert service.tasks_for_report(report.id) == []
    run_jobs()
    assert [t.kind for t in service.tasks_for_report(report.id)] == [TaskKind.VERIFY_REPORT]


def test_three_agreeing_answers_verify_the_report_and_raise_reputations(routed_report):
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    closed = []
    receiver = lambda task, outcome, answers: closed.append((task.id, outcome, len(answers)))
    signals.task_closed.connect(receiver)
    try:
        first_two = f.task_answerers(task.id, ["yes", "yes"], *HERE)
        assert db.session.get(Task, task.id).state == TaskState.OPEN and closed == []
        last = f.task_answerers(task.id, ["no"], *HERE)
    finally:
        signals.task_closed.disconnect(receiver)
    task = db.session.get(Task, task.id)
    assert (task.state, task.outcome) == (TaskState.CLOSED, Outcome.VERIFIED)
    assert task.agreement == pytest.approx(2 / 3, abs=1e-3)
    assert closed == [(task.id, "verified", 3)]
    assert db.session.get(Report, report.id).verified is True
    for person in first_two:
        rep = reputation.get(person.id)
        assert (rep.alpha, rep.beta) == (3, 1)
    rep = reputation.get(last[0].id)
    assert (rep.alpha, rep.beta) == (2, 2)
    assert reputation.weight(last[0].id) == pytest.approx(0.5)
    assert [a.agreed for a in task.answers] == [True, True, False]


def test_a_tie_asks_for_more_answers_then_gives_up_as_inconclusive(routed_report):
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    assert task.max_answers == 5
    people = f.task_answerers(task.id, ["yes", "no", "cant_tell"], *HERE)
    task = db.session.get(Task, task.id)
    assert (task.state, task.redundancy) == (TaskState.OPEN, 4)  # a tie: one more slot
    people += f.task_answerers(task.id, ["cant_tell"], *HERE)
    assert db.session.get(Task, task.id).redundancy == 5
    people += f.task_answerers(task.id, ["cant_tell"], *HERE)
    task = db.session.get(Task, task.id)
    assert (task.state, task.outcome, task.agreement) == (TaskState.CLOSED, Outcome.INCONCLUSIVE, None)
    assert db.session.get(Report, report.id).verified is False
    # Nobody was right or wrong: no reputation moved.
    assert db.session.scalar(select(db.func.count()).select_from(Reputation)) == 0


def test_a_split_vote_resolved_by_a_fourth_answer(routed_report, app):
    default, app.config["CONSENSUS_THRESHOLD"] = app.config["CONSENSUS_THRESHOLD"], 0.7
    try:
        report = routed_report()
        [task] = service.tasks_for_report(report.id)
        f.task_answerers(task.id, ["no", "no", "yes"], *HERE)
        assert db.session.get(Task, task.id).state == TaskState.OPEN  # 2/3 < 0.7
        f.task_answerers(task.id, ["no"], *HERE)
    finally:
        app.config["CONSENSUS_THRESHOLD"] = default
    task = db.session.get(Task, task.id)
    assert (task.outcome, task.agreement) == (Outcome.REFUTED, 0.75)


def test_refuted_reports_are_flagged_for_staff_not_hidden(routed_report):
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    f.task_answerers(task.id, ["no", "no", "no"], *HERE)
    report = db.session.get(Report, report.id)
    assert report.verified is False and report.hidden is False
    [flag] = [e for e in report.events if e.kind == EventKind.NOTE]
    assert flag.public is False and flag.data["flag"] == "refuted_by_citizens"
    assert service.verification_state(report.id)["state"] == "refuted"


def test_far_answers_count_less_and_say_why(routed_report):
    report = routed_report()
    [task] = service.tasks_for_report(report.id)
    # ~1.1 km north of the report.
    [far] = f.task_answerers(task.id, ["no"], HERE[0] + 0.01, HERE[1])
    f.task_answerers(task.id, ["yes", "yes"], *HERE)
    task = db.session.get(Task, task.id)
    far_answer = next(a for a in task.answers if a.citizen_id == far.id)
    assert far_answer.low_weight_reason == "far_from_target"
    assert far_answer.distance_m == pytest.approx(1112, abs=5)
    assert far_answer.weight == pytest.approx(2 / 3 * 0.25, abs=1e-4)
    near = [a for a in task.answers if a.citizen_id != far.id]
    assert all(a.low_weight_reason is None and a.weight == pytest.approx(2 / 3, abs=1e-4) for a in near)
    assert task.agreement == pytest.approx(4 / 3 / (4 / 3 + 1 / 6), abs=1e-3)


def test_staff_see_the_verification_state_and_citizens_a_localized_question(routed_report):
    report = routed_report()
    assert service.verification_state(report.id)["state"] == "pending"
    [task] = service.tasks_for_report(report.id)
    f.task_answerers(task.id, ["yes", "yes", "cant_tell"], *HERE)
    state = service.verification_state(report.id)
    assert state["state"] == "verified"
    assert state["tasks"][0]["verdicts"] == {"yes": 2, "no": 0, "cant_tell": 1}
    assert "citizen" not in str(state["tasks"][0]).lower()
    category = db.session.get(Report, report.id).category
    assert service.question(task, "en") == f"Is there really a problem here as reported ({category.name_en})?"
    assert service.question(task, "zh_Hans") == f"这里真的有报告所说的问题吗（{category.name_zh}）？"
