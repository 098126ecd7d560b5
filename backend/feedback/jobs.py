"""RQ entry points of the feedback area."""
from backend.feedback import delivery


def push(notification_id: int) -> str:
    return delivery.push(notification_id)


def sweep() -> int:
    return delivery.sweep()
