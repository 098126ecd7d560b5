"""One-time codes (securing an account, signing in again, linking Telegram) and verified contacts.

Personal data like CitizenContact, but vouched for: an address here has received a code and the
citizen typed it back. CitizenContact stays what Open311 applications tell us (unverified).
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.clock import utcnow
from backend.extensions import db


class ContactKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"


class CodePurpose(enum.StrEnum):
    VERIFY = "verify"     # prove an address to secure the account
    SIGN_IN = "sign_in"   # a new phone signs in with a verified address
    LINK = "link"         # the bot attaches its Telegram user to the app's citizen


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class VerifiedContact(db.Model):
    """An address that secures one citizen's account (at most one e-mail and one phone each)."""

    __tablename__ = "verified_contacts"
    __table_args__ = (UniqueConstraint("kind", "address"), UniqueConstraint("citizen_id", "kind"))

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ContactKind] = mapped_column(_enum(ContactKind))
    address: Mapped[str] = mapped_column(String(200))
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContactCode(db.Model):
    """One code sent (or shown, for linking). Only a keyed hash is stored; one use; few attempts."""

    __tablename__ = "contact_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[CodePurpose] = mapped_column(_enum(CodePurpose))
    kind: Mapped[ContactKind | None] = mapped_column(_enum(ContactKind))
    address: Mapped[str | None] = mapped_column(String(200), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
