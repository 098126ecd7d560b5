"""Reputation: how often a citizen's answers agreed with the crowd, as Beta(alpha, beta).

A newcomer starts from the prior Beta(2, 1) (expected accuracy 2/3): trusted a little,
so one early disagreement does not silence them. Each decided answer adds one to alpha
(agreed) or beta (disagreed); "can't tell" and inconclusive tasks change nothing.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend.clock import utcnow
from backend.extensions import db
from backend.tasks.models import Reputation

PRIOR_ALPHA = 2.0
PRIOR_BETA = 1.0


def get(citizen_id: int, *, lock: bool = False) -> Reputation:
    """The citizen's reputation (the prior when they never answered; stored on first update)."""
    query = select(Reputation).where(Reputation.citizen_id == citizen_id)
    if lock:
        query = query.with_for_update()
    rep = db.session.scalar(query)
    if rep is None:
        rep = Reputation(citizen_id=citizen_id, alpha=PRIOR_ALPHA, beta=PRIOR_BETA,
                         answers_agreed=0, answers_disagreed=0, updated_at=utcnow())
    return rep


def weight(citizen_id: int) -> float:
    """The weight a citizen's answer carries: their expected accuracy."""
    return get(citizen_id).score


def record(citizen_id: int, agreed: bool) -> Reputation:
    # Two tasks closing at once may both meet a newcomer: create the row without racing.
    db.session.execute(insert(Reputation).values(citizen_id=citizen_id, alpha=PRIOR_ALPHA, beta=PRIOR_BETA,
                                                 answers_agreed=0, answers_disagreed=0, updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["citizen_id"]))
    rep = get(citizen_id, lock=True)
    if agreed:
        rep.alpha += 1
        rep.answers_agreed += 1
    else:
        rep.beta += 1
        rep.answers_disagreed += 1
    rep.updated_at = utcnow()
    return rep
