"""Who may read the audit log (backend/policy.py explains the shape)."""
from __future__ import annotations

from backend.policy import Actor, Decision, admins_only


def may_read_audit_log(actor: Actor) -> Decision:
    return admins_only(actor)
