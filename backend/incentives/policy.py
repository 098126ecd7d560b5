"""Who may tune the incentives (backend/policy.py explains the shape)."""
from __future__ import annotations

from flask_babel import gettext as _

from backend.policy import Actor, Decision, city_wide_only


def may_see_point_rules(actor: Actor) -> Decision:
    """The coordinators' page of point rules; "not found" for everyone else."""
    return city_wide_only(actor, conceal=True)


def may_edit_point_rules(actor: Actor) -> Decision:
    return city_wide_only(actor, message=_("Only coordinators may change the point rules."))
