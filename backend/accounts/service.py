"""Citizens and staff: creation, channel identities, passwords."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from backend.accounts.models import Channel, ChannelIdentity, Citizen, StaffRole, StaffUser
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
