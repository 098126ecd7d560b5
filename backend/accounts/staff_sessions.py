"""Staff sign-ins bound to the browser they were made in, and how recently the password was given.

A Flask session is a signed cookie: copied to another browser it works there too, and signing out only
deletes the copy in the browser that signed out. So each sign-in is a row (StaffSignIn) that the session
names, and the browser must present, besides the session, the sign-in's key (a second HttpOnly cookie
the session does not contain; only its hash is stored) from the same kind of browser. Signing out ends
the row: every copy of the cookies stops working at once. Sensitive actions also ask that the password
was given recently (`is_fresh`); `confirm` records a re-authentication.

No HTTP here: the staff web passes in the key and the user agent.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, or_

from backend.accounts.models import StaffSignIn, StaffUser
from backend.clock import utcnow
from backend.extensions import db

# The browser's engine and system, coarse enough to survive its updates (versions are ignored).
# Order matters: Chrome's user agent names Safari too, Android's names Linux.
_BROWSERS = (("Edg/", "edge"), ("OPR/", "opera"), ("Firefox", "firefox"), ("FxiOS", "firefox"), ("CriOS", "chrome"),
             ("Chrome", "chrome"), ("Chromium", "chrome"), ("Safari", "safari"))
_SYSTEMS = (("Android", "android"), ("iPhone", "ios"), ("iPad", "ios"), ("Windows", "windows"),
            ("Mac OS X", "macos"), ("Macintosh", "macos"), ("CrOS", "chromeos"), ("Linux", "linux"))


def browser_family(user_agent: str | None) -> str:
    """"chrome/linux", "firefox/windows", … ; "other/other" when the user agent names none we know."""
    ua = user_agent or ""

    def first(table) -> str:
        return next((name for token, name in table if token in ua), "other")

    return f"{first(_BROWSERS)}/{first(_SYSTEMS)}"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(staff: StaffUser, user_agent: str | None, lifetime: timedelta) -> tuple[StaffSignIn, str]:
    """A new sign-in of staff in this browser; returns it and the key the browser must keep."""
    now = utcnow()
    # The member's finished sign-ins are of no more use (the audit log keeps the sign-ins themselves).
    db.session.execute(delete(StaffSignIn).where(
        StaffSignIn.staff_id == staff.id, or_(StaffSignIn.ended_at.is_not(None), StaffSignIn.expires_at < now)))
    key = secrets.token_urlsafe(32)
    sign_in = StaffSignIn(staff_id=staff.id, key_hash=_hash(key), browser=browser_family(user_agent),
                          created_at=now, confirmed_at=now, expires_at=now + lifetime)
    db.session.add(sign_in)
    db.session.flush()
    return sign_in, key


def find(sign_in_id: int, staff: StaffUser, key: str | None, user_agent: str | None) -> StaffSignIn | None:
    """The sign-in when this browser may act on it: not ended, not expired, its key, its kind of browser."""
    sign_in = db.session.get(StaffSignIn, sign_in_id)
    if sign_in is None or sign_in.staff_id != staff.id or sign_in.ended_at is not None:
        return None
    if sign_in.expires_at <= utcnow() or not key or not hmac.compare_digest(sign_in.key_hash, _hash(key)):
        return None
    return sign_in if sign_in.browser == browser_family(user_agent) else None


def is_fresh(sign_in: StaffSignIn, minutes: float) -> bool:
    """Whether the password was given within the last `minutes`."""
    return utcnow() - sign_in.confirmed_at <= timedelta(minutes=minutes)


def confirm(sign_in: StaffSignIn) -> None:
    """The password was given again (a re-authentication)."""
    sign_in.confirmed_at = utcnow()
    db.session.flush()


def end(sign_in: StaffSignIn) -> None:
    """Sign out: this sign-in stops working in every browser that holds its cookies."""
    sign_in.ended_at = utcnow()
    db.session.flush()
