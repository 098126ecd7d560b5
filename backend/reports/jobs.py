"""RQ entry points of the reports area."""
from backend.reports import service


def route_report(report_id: int) -> str:
    report = service.route(report_id)
    return report.status.value if report else "missing"


def forget_old_idempotency_keys() -> int:
    from backend.reports import idempotency

    return idempotency.forget_old()
def escalate_overdue() -> int:
    from backend.reports import sla

    return sla.escalate_overdue()


def fold_map_grid() -> int:
    from backend.reports import map_grid

    return map_grid.fold()
