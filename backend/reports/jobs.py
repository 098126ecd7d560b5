"""RQ entry points of the reports area."""
from backend.reports import service


def route_report(report_id: int) -> str:
    report = service.route(report_id)
    return report.status.value if report else "missing"
