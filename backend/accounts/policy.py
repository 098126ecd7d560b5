"""Who may manage accounts (backend/policy.py explains the shape)."""
from __future__ import annotations

from backend.policy import Actor, Decision, admins_only


def may_manage_staff(actor: Actor) -> Decision:
    """Create staff accounts, change their role, department, password, or switch them off."""
    return admins_only(actor)


def may_manage_api_keys(actor: Actor) -> Decision:
    """Register Open311 applications and revoke their keys."""
    return admins_only(actor)
