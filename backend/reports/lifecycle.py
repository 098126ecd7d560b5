"""Which status may follow which (DESIGN.md, the report lifecycle)."""
from backend.reports.models import ReportStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.SUBMITTED: frozenset({S.OPEN, S.REJECTED, S.DUPLICATE}),
    S.OPEN: frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS, S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    S.IN_PROGRESS: frozenset({S.RESOLVED, S.REJECTED, S.DUPLICATE}),
    # Citizens saying the fix did not happen send it back to work.
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
    S.REJECTED: frozenset(),
    S.DUPLICATE: frozenset(),
}


def allowed(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]
