"""Who may see past the public projection (backend/policy.py explains the shape)."""
from __future__ import annotations

from backend.policy import Actor, Decision, city_wide_only


def may_see_city_map(actor: Actor) -> Decision:
    """The coordinators' map of the whole city, hidden reports included; "not found" for everyone else."""
    return city_wide_only(actor, conceal=True)
