"""Who may change the city's map of responsibilities (backend/policy.py explains the shape)."""
from __future__ import annotations

from backend.policy import Actor, Decision, admins_only


def may_manage_departments(actor: Actor) -> Decision:
    return admins_only(actor)


def may_manage_areas(actor: Actor) -> Decision:
    """Upload or replace a department's area (routing follows it at once)."""
    return admins_only(actor)


def may_manage_categories(actor: Actor) -> Decision:
    """Categories, their departments, SLA, attributes and sensitivity."""
    return admins_only(actor)
