"""RQ entry points of the triage area."""
from backend.triage import sla


def escalate_overdue() -> int:
    return sla.escalate_overdue()
