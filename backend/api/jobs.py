"""RQ entry points of the citizen API."""
from backend.api import idempotency


def forget_old_idempotency_keys() -> int:
    return idempotency.forget_old()
