"""RQ entry points of the tasks area: the periodic sweeps."""
from backend.tasks import assignment, campaigns


def expire_claims() -> int:
    return assignment.expire_claims()


def expire_tasks() -> int:
    """Tasks past their time, then campaigns past their window."""
    return assignment.expire_tasks() + campaigns.close_ended_campaigns()
