"""Who may do what: the small core every area's policy is written with (after CKAN's auth functions).

Each area that has actions keeps a `policy.py` beside its services with one function per action,
named `may_<action>(actor, subject=None)`, answering a `Decision`. The service calls `require()` on
it before it changes anything, so the staff web, the API, the CLI and jobs cannot differ; the
interfaces never test a role themselves, and the inbox asks the same functions (`may()` in its
templates) which buttons to show. tests/test_policy_matrix.py holds every answer as one table.

An actor is a signed-in staff member, a citizen, or None (anonymous). Only the area policies and
this module read a staff member's role.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from flask_babel import gettext as _

from backend.accounts.models import Citizen, StaffRole, StaffUser
from backend.errors import Forbidden, NotFound

Actor = Union[StaffUser, Citizen, None]
CITY_WIDE = (StaffRole.COORDINATOR, StaffRole.ADMIN)


@dataclass(frozen=True)
class Decision:
    """Allowed, or denied with a stable code and a message for people. Falsy when denied.

    `conceal` asks for the denial to be told as "not found": what an actor may not see must not
    be confirmed to exist (department staff asking for another department's report)."""

    allowed: bool
    code: str = ""
    message: str = ""
    conceal: bool = False

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True)


def deny(code: str, message: str, *, conceal: bool = False) -> Decision:
    return Decision(False, code, str(message), conceal)


def require(decision: Decision) -> None:
    """Raise the denial: `Forbidden`, or `NotFound` when it asks to be concealed."""
    if not decision:
        raise (NotFound if decision.conceal else Forbidden)(decision.code, decision.message)


def active_staff(actor: Actor) -> StaffUser | None:
    """The actor as a staff member who may still act, or None."""
    return actor if isinstance(actor, StaffUser) and actor.active else None


def staff_only(actor: Actor, *, conceal: bool = False) -> Decision:
    if active_staff(actor) is None:
        return deny("staff_only", _("Only signed-in staff may do this."), conceal=conceal)
    return ALLOW


def is_city_wide(actor: Actor) -> bool:
    staff = active_staff(actor)
    return staff is not None and staff.role in CITY_WIDE


def city_wide_only(actor: Actor, *, conceal: bool = False, message: str | None = None) -> Decision:
    """Coordinators and admins (their work spans every department)."""
    if not is_city_wide(actor):
        return deny("coordinators_only", message or _("Only coordinators and admins may do this."), conceal=conceal)
    return ALLOW


def admins_only(actor: Actor) -> Decision:
    staff = active_staff(actor)
    if staff is None or staff.role != StaffRole.ADMIN:
        return deny("admins_only", _("Only admins may do this."))
    return ALLOW


@functools.cache
def every_policy() -> dict[str, Callable[..., Decision]]:
    """Every area's `may_*` functions by name (backend/<area>/policy.py; names are unique across areas),
    for the inbox's templates and the matrix test."""
    found: dict[str, Callable[..., Decision]] = {}
    root = Path(__file__).parent
    for path in sorted(root.glob("*/policy.py")):
        module = importlib.import_module(f"backend.{path.parent.name}.policy")
        for name, fn in vars(module).items():
            if name.startswith("may_") and callable(fn) and fn.__module__ == module.__name__:
                if name in found:
                    raise RuntimeError(f"two policies are called {name}: {found[name].__module__} and {module.__name__}")
                found[name] = fn
    return found


def may(actor: Actor, action: str, subject: object = None) -> bool:
    """`may_<action>(actor[, subject])` by name: what a page asks to decide which buttons to show."""
    fn = every_policy()[f"may_{action}"]
    return bool(fn(actor) if subject is None else fn(actor, subject))
