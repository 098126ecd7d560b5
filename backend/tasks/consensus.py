"""Reputation-weighted consensus: when a task has enough answers, does the crowd agree?

The arithmetic (`tally`, `decide`) is pure so it can be checked by hand; `evaluate`
applies it to a task under the caller's row lock.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from flask import current_app
from sqlalchemy import update

from backend import signals
from backend.clock import utcnow
from backend.extensions import db
from backend.tasks import outcomes, reputation
from backend.tasks.models import Claim, ClaimState, Outcome, Task, TaskKind, TaskState, Verdict

OUTCOMES: dict[TaskKind, dict[Verdict, Outcome]] = {
    TaskKind.VERIFY_REPORT: {Verdict.YES: Outcome.VERIFIED, Verdict.NO: Outcome.REFUTED},
    TaskKind.CONFIRM_FIX: {Verdict.YES: Outcome.FIX_CONFIRMED, Verdict.NO: Outcome.FIX_DENIED},
    TaskKind.CAMPAIGN: {Verdict.YES: Outcome.YES, Verdict.NO: Outcome.NO},
}


@dataclass(frozen=True)
class Tally:
    yes: float
    no: float
    answers: int

    @property
    def leader(self) -> Verdict | None:
        """The side with more weight; None on a tie or when nobody could tell."""
        if self.yes > self.no:
            return Verdict.YES
        if self.no > self.yes:
            return Verdict.NO
        return None

    @property
    def agreement(self) -> float:
        """The leading side's share of the weight of decisive (yes/no) answers."""
        total = self.yes + self.no
        return max(self.yes, self.no) / total if total > 0 else 0.0


def tally(votes: Iterable[tuple[Verdict, float]]) -> Tally:
    yes = no = 0.0
    n = 0
    for verdict, weight in votes:
        n += 1
        if verdict == Verdict.YES:
            yes += weight
        elif verdict == Verdict.NO:
            no += weight
    return Tally(yes=yes, no=no, answers=n)


def decide(t: Tally, *, needed: int, threshold: float) -> Verdict | None:
    """The agreed verdict once `needed` answers are in and the leader's share reaches `threshold`."""
    if t.answers < needed or t.leader is None or t.agreement < threshold:
        return None
    return t.leader


def evaluate(task: Task) -> Outcome | None:
    """After an answer: close the task, ask for one more answer, or give up as inconclusive."""
    answers = list(task.answers)
    t = tally((a.verdict, a.weight) for a in answers)
    if t.answers < task.redundancy:
        return None
    verdict = decide(t, needed=task.redundancy, threshold=current_app.config["CONSENSUS_THRESHOLD"])
    if verdict is not None:
        return close(task, OUTCOMES[task.kind][verdict], t, verdict)
    if task.redundancy < task.max_answers:
        # A tie or a split vote: one more independent answer breaks it.
        task.redundancy += 1
        return None
    return close(task, Outcome.INCONCLUSIVE, t, None)


def close(task: Task, outcome: Outcome, t: Tally, verdict: Verdict | None) -> Outcome:
    now = utcnow()
    task.state = TaskState.CLOSED
    task.outcome = outcome
    task.agreement = round(t.agreement, 4) if verdict is not None else None
    task.closed_at = now
    answers = list(task.answers)
    for a in answers:
        if verdict is None or a.verdict == Verdict.CANT_TELL:
            continue
        a.agreed = a.verdict == verdict
        if a.citizen_id is not None:
            reputation.record(a.citizen_id, a.agreed)
    # Slots still held are pointless now.
    db.session.execute(update(Claim).where(Claim.task_id == task.id, Claim.state == ClaimState.ACTIVE)
                       .values(state=ClaimState.RELEASED, ended_at=now))
    db.session.flush()
    outcomes.apply(task)
    signals.task_closed.send(task, outcome=outcome.value, answers=answers)
    return outcome
