"""Linking the Telegram account to the app's citizen, so one person has one history.

The app asks for a short code (shown on the phone, valid CODE_MINUTES); the person sends
`/link CODE` to the bot, and the bot presents it with that Telegram user's token. The Telegram
identity then moves to the app's citizen; the bot's next login lands there.

Decided: a Telegram citizen that already has a history of its own (reports, support, follows,
points, answers, subscriptions…) is not merged; the link is refused and says why. "History" is
read from the schema: any row of any table that points at the citizen, except the tables that
only describe the citizen (tokens, identities, contact, codes).

Against an attacker: the code is 8 characters from 32 (10^12), lives 10 minutes, serves once,
only its keyed hash is stored, and guesses are limited per citizen by the API. Only a citizen
that is a Telegram user (the bot's token) can use one, so another app account cannot take it.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from backend.accounts.contact_codes import CODE_MINUTES, code_digest
from backend.accounts.contact_models import CodePurpose, ContactCode
from backend.accounts.models import ApiToken, Channel, ChannelIdentity, Citizen
from backend.clock import utcnow
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen and typed again
CODE_LENGTH = 8
_DESCRIBING_TABLES = {"citizens", "api_tokens", "channel_identities", "citizen_contacts", "contact_codes",
                      "verified_contacts", "idempotency_keys"}


def _normalized(code: Any) -> str:
    return re.sub(r"[\s\-]", "", code).upper() if isinstance(code, str) else ""


def issue_link_code(citizen: Citizen) -> tuple[str, ContactCode]:
    """A new link code for the citizen (earlier ones stop working); the plain code is returned once."""
    now = utcnow()
    db.session.execute(update(ContactCode).where(
        ContactCode.citizen_id == citizen.id, ContactCode.purpose == CodePurpose.LINK,
        ContactCode.used_at.is_(None)).values(expires_at=now))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = ContactCode(citizen_id=citizen.id, purpose=CodePurpose.LINK, code_hash=code_digest(CodePurpose.LINK, "", code),
                      attempts=0, created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES))
    db.session.add(row)
    db.session.flush()
    return code, row


def telegram_identity(citizen: Citizen) -> ChannelIdentity | None:
    return next((i for i in citizen.identities if i.channel == Channel.TELEGRAM), None)


def history_tables(citizen: Citizen) -> list[str]:
    """The tables holding rows of the citizen's own history (empty: a citizen with no past)."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in _DESCRIBING_TABLES:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "citizens" and fk.column.name == "id":
                if db.session.scalar(select(func.count()).select_from(table).where(fk.parent == citizen.id)):
                    found.append(table.name)
                    break
    return found


def link_telegram(telegram_citizen: Citizen, code: Any) -> Citizen:
    """Attach the presenting Telegram user to the citizen who asked for the code; returns that citizen.

    The Telegram citizen is left an empty shell: no identity, its tokens revoked."""
    identity = telegram_identity(telegram_citizen)
    if identity is None:
        raise Forbidden("not_a_telegram_user", _("Only the Telegram bot can use a link code: send it to the bot."))
    row = db.session.scalar(select(ContactCode).where(
        ContactCode.purpose == CodePurpose.LINK, ContactCode.code_hash == code_digest(CodePurpose.LINK, "", _normalized(code)),
        ContactCode.used_at.is_(None), ContactCode.expires_at > utcnow()).with_for_update())
    if row is None:
        raise ValidationFailed("invalid_link_code", _("This link code is wrong or no longer valid. "
                                                      "Ask the app for a new one."), {"code": "wrong or expired"})
    target = db.session.get(Citizen, row.citizen_id)
    if target is None or target.deleted_at is not None:
        raise ValidationFailed("invalid_link_code", _("This link code is wrong or no longer valid. "
                                                      "Ask the app for a new one."), {"code": "wrong or expired"})
    if target.id == telegram_citizen.id:
        row.used_at = utcnow()
        return target
    if telegram_identity(target) is not None:
        raise Conflict("already_linked", _("That app account is already linked to a Telegram account."))
    if history_tables(telegram_citizen):
        raise Conflict("telegram_has_history", _("This Telegram account already has reports or points of its own, "
                                                 "so it cannot be joined to the app's account. Keep using both "
                                                 "separately."))
    row.used_at = utcnow()
    identity.citizen_id = target.id
    db.session.execute(update(ApiToken).where(ApiToken.citizen_id == telegram_citizen.id,
                                              ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow()))
    telegram_citizen.deleted_at = utcnow()
    db.session.flush()
    db.session.expire(telegram_citizen)
    db.session.expire(target)
    return target
