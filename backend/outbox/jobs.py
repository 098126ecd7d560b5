"""RQ entry points of the outbox."""
from backend.outbox import service


def deliver(message_id: int) -> str:
    return service.deliver(message_id)


def sweep() -> int:
    return service.sweep()
