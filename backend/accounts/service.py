"""Citizens and staff: creation, channel identities, passwords."""
from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from backend.accounts.models import ApiKey, ApiToken, Channel, ChannelIdentity, Citizen, StaffRole, StaffUser
from backend.clock import utcnow
from backend.extensions import db
from backend.i18n import normalize_language

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


def issue_token(citizen: Citizen, label: str = "") -> str:
    """A new bearer token for the citizen; the plain value is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    db.session.add(ApiToken(citizen=citizen, token_hash=_digest(token), label=label[:80]))
    return token


def citizen_for_token(token: str) -> Citizen | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)))
    if row is None or row.citizen.deleted_at is not None:
        return None
    row.last_used_at = utcnow()
    return row.citizen


def revoke_token(token: str) -> bool:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)))
    if row is None:
        return False
    row.revoked_at = utcnow()
    return True


def create_api_key(name: str, created_by_staff_id: int | None = None) -> tuple[ApiKey, str]:
    """Register an application; returns the key row and the plain key (shown once)."""
    plain = "cg_" + secrets.token_urlsafe(24)
    key = ApiKey(name=name.strip()[:120], key_hash=_digest(plain), created_by_staff_id=created_by_staff_id)
    db.session.add(key)
    return key, plain


def api_key_valid(plain: str | None) -> ApiKey | None:
    if not plain:
        return None
    return db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(plain), ApiKey.revoked_at.is_(None)))
