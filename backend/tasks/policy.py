"""Who may run campaigns (backend/policy.py explains the shape). Citizens' own limits on tasks
(a blocked account, one's own report, a campaign's level) are rules of assignment.py."""
from __future__ import annotations

from backend.policy import Actor, Decision, city_wide_only
from backend.tasks.models import Campaign


def may_see_campaigns(actor: Actor) -> Decision:
    """The coordinators' campaign pages (list, progress, task points); "not found" for everyone else."""
    return city_wide_only(actor, conceal=True)


def may_open_campaign(actor: Actor) -> Decision:
    return city_wide_only(actor)


def may_edit_campaign(actor: Actor, campaign: Campaign) -> Decision:
    """Change a campaign's texts, window, area or reward, or pause, resume or close it."""
    return city_wide_only(actor)
