"""Citizens and staff: creation, channel identities, passwords."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from backend.accounts.models import (ApiKey, ApiToken, Channel, ChannelIdentity, Citizen, CitizenContact, StaffRole,
                                     StaffUser)
from backend.clock import utcnow
from backend.errors import Forbidden, ValidationFailed
from backend.extensions import db
from backend.i18n import LANGUAGES, normalize_language

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(staff: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(staff.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_staff(*, email: str, name: str, password: str, role: StaffRole, department_id: int | None = None,
                 language: str = "zh_Hans") -> StaffUser:
    staff = StaffUser(email=email.strip().lower(), name=name, password_hash=hash_password(password), role=role,
                      department_id=department_id, language=normalize_language(language), active=True)
    db.session.add(staff)
    return staff


def staff_by_email(email: str) -> StaffUser | None:
    return db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))


def citizen_by_identity(channel: Channel, external_id: str) -> Citizen | None:
    return db.session.scalar(
        select(Citizen).join(ChannelIdentity).where(ChannelIdentity.channel == channel,
                                                    ChannelIdentity.external_id == external_id)
    )


def create_citizen(display_name: str, language: str | None = None, *,
                   identity: tuple[Channel, str] | None = None) -> Citizen:
    citizen = Citizen(display_name=display_name.strip()[:80], language=normalize_language(language))
    if identity:
        citizen.identities.append(ChannelIdentity(channel=identity[0], external_id=identity[1]))
    db.session.add(citizen)
    return citizen


def _digest(secret: str) -> str:
    # Tokens are long random strings, so a fast hash is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


TOKEN_USE_RESOLUTION = timedelta(hours=1)


def issue_token(citizen: Citizen, label: str = "") -> str:
    """A new bearer token for the citizen; the plain value is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(citizen=citizen, token_hash=_digest(token), label=label[:80]))
    return token


def citizen_for_token(token: str) -> Citizen | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)))
    if row is None or row.citizen.deleted_at is not None:
        return None
    now = utcnow()
    # "Last used" is for the citizen's list of signed-in devices, to the hour: writing it on every
    # request would make every read a write (a row lock and a WAL record per API call).
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.citizen


def revoke_token(token: str) -> bool:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    return True


def create_api_key(name: str, created_by_staff_id: int | None = None, *,
                   open311_extended_statuses: bool = False) -> tuple[ApiKey, str]:
    """Register an application; returns the key row and the plain key (shown once)."""
    plain = "cg_" + secrets.token_urlsafe(24)
    key = ApiKey(name=name.strip()[:120], key_hash=_digest(plain), created_by_staff_id=created_by_staff_id,
                 open311_extended_statuses=open311_extended_statuses)
    db.session.add(key)
    return key, plain


def set_open311_extended_statuses(key_id: int, enabled: bool) -> ApiKey | None:
    """Whether the application's servicerequestupdates carry mySociety's extended states (FixMyStreet)."""
    key = db.session.get(ApiKey, key_id)
    if key is not None:
        key.open311_extended_statuses = enabled
    return key


def api_key_valid(plain: str | None) -> ApiKey | None:
    if not plain:
        return None
    return db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(plain), ApiKey.revoked_at.is_(None)))


def check_display_name(display_name: Any) -> str:
    name = display_name.strip() if isinstance(display_name, str) else ""
    if not name or len(name) > 80:
        raise ValidationFailed("invalid_display_name", _("A name needs 1 to 80 characters."),
                               {"display_name": "1 to 80 characters"})
    return name


def register_citizen(display_name: Any, language: str | None, label: str = "mobile") -> tuple[Citizen, str]:
    """A new citizen with a bearer token (the plain token is returned once)."""
    citizen = create_citizen(check_display_name(display_name), language)
    db.session.flush()
    token = issue_token(citizen, label)
    return citizen, token


def channel_secret_valid(secret: str | None) -> bool:
    expected = current_app.config["BOT_CHANNEL_SECRET"]
    return bool(secret) and hmac.compare_digest(str(secret).encode(), expected.encode())


def channel_login(secret: str | None, channel: Channel, external_id: Any, display_name: Any,
                  language: str | None) -> tuple[Citizen, str]:
    """A channel adapter (the bot) vouches for one of its users: their citizen and a new token.

    The citizen is created on first contact.
    """
    if not channel_secret_valid(secret):
        raise Forbidden("bad_channel_secret", _("This channel is not allowed to log citizens in."))
    external = str(external_id).strip() if isinstance(external_id, (str, int)) and not isinstance(external_id, bool) else ""
    if not external or len(external) > 200:
        raise ValidationFailed("invalid_external_id", _("The channel user id is missing or too long."),
                               {"external_id": "1 to 200 characters"})
    # Erasure removes identities, so a forgotten person who writes again is a new citizen.
    citizen = citizen_by_identity(channel, external)
    if citizen is None:
        citizen = create_citizen(check_display_name(display_name), language, identity=(channel, external))
        db.session.flush()
    else:
        # Writing to us again (e.g. /start after unblocking the bot) makes the person reachable again.
        for identity in citizen.identities:
            if identity.channel == channel and identity.external_id == external:
                identity.blocked = False
    token = issue_token(citizen, f"{channel.value} login")
    return citizen, token


def update_citizen(citizen: Citizen, *, display_name: Any = None, language: str | None = None) -> Citizen:
    if display_name is not None:
        citizen.display_name = check_display_name(display_name)
    if language is not None:
        chosen = normalize_language(language, "") if isinstance(language, str) else ""
        if chosen not in LANGUAGES:
            raise ValidationFailed("invalid_language", _("Choose zh_Hans or en."), {"language": "zh_Hans or en"})
        citizen.language = chosen
    return citizen


def open311_citizen(api_key_id: int, *, email: str | None = None, account_id: str | None = None,
                   device_id: str | None = None, contact: dict[str, str | None]) -> Citizen | None:
    """The citizen an Open311 application speaks for, created on first use; None when it names nobody.

    Identities belong to the key that created them: the same e-mail under two keys is two
    citizens, so one application can never act as another's citizen (the e-mail is the
    application's word, not verified by us). The first of e-mail, account id, device id is
    the identity. Contact details (personal data, never published) fill what is empty and
    never change what is stored: a later submission cannot rename someone or move their phone.
    """
    if email:
        channel, external = Channel.OPEN311_EMAIL, email.lower()
    elif account_id:
        channel, external = Channel.OPEN311_ACCOUNT, account_id
    elif device_id:
        channel, external = Channel.OPEN311_DEVICE, device_id
    else:
        return None
    scoped = f"{api_key_id}:{external}"
    citizen = citizen_by_identity(channel, scoped)
    if citizen is None:
        citizen = create_citizen("Open311", None, identity=(channel, scoped))
        db.session.flush()
    limits = {"first_name": 100, "last_name": 100, "email": 200, "phone": 50}
    values = {k: v.strip()[:limits[k]] for k, v in contact.items() if k in limits and v and v.strip()}
    row = citizen.contact
    if row is None and values:
        row = CitizenContact(citizen_id=citizen.id)
        db.session.add(row)
    for field, value in values.items():
        if not getattr(row, field):
            setattr(row, field, value)
    return citizen
