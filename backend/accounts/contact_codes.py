"""One-time codes by e-mail or text message: securing an account with an address, and signing in
again with it on a new phone.

Codes are 6 digits, live CODE_MINUTES, allow MAX_ATTEMPTS guesses, serve once, and only a keyed
hash (HMAC with SECRET_KEY) is stored: a copy of the database alone does not let anyone try the
million codes offline. Asking for a new code retires the earlier ones of the same purpose.

Signing in never tells whether an address is known: asking for a code answers the same either
way, and every failure to sign in is the same "wrong or no longer valid" refusal.
How many codes an address or a caller may ask for is the API's limit (backend/api/sign_in.py).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import select, update

from backend.accounts import data_rights
from backend.accounts.contact_models import CodePurpose, ContactCode, ContactKind, VerifiedContact
from backend.accounts.models import Citizen
from backend.accounts.service import issue_token
from backend.alerts import mail, sms
from backend.clock import utcnow
from backend.errors import Conflict, DomainError, ValidationFailed
from backend.extensions import db
from backend.i18n import normalize_language

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_PHONE_NOISE = re.compile(r"[\s\-().]")


class NotDelivered(DomainError):
    status = 503


def code_digest(purpose: CodePurpose, address: str, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose.value}:{address}:{code}".encode(), hashlib.sha256).hexdigest()


def contact_of(email: Any = None, phone: Any = None) -> tuple[ContactKind, str]:
    """The one address given, in the form we store and compare (e-mail lower-cased, phone digits)."""
    given_email = isinstance(email, str) and email.strip() != ""
    given_phone = isinstance(phone, str) and phone.strip() != ""
    if given_email == given_phone:
        raise ValidationFailed("invalid_contact", _("Give an e-mail address or a phone number."),
                               {"email": "an e-mail address or a phone number", "phone": "or this"})
    if given_email:
        address = email.strip().lower()
        if len(address) > 200 or not _EMAIL.match(address):
            raise ValidationFailed("invalid_email", _("This is not an e-mail address."), {"email": "name@example.org"})
        return ContactKind.EMAIL, address
    digits = _PHONE_NOISE.sub("", phone.strip())
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        raise ValidationFailed("invalid_phone", _("This is not a phone number."), {"phone": "6 to 15 digits, + allowed"})
    return ContactKind.PHONE, digits


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _retire(citizen_id: int | None, purpose: CodePurpose, address: str | None = None) -> None:
    query = update(ContactCode).where(ContactCode.purpose == purpose, ContactCode.used_at.is_(None))
    query = query.where(ContactCode.address == address) if address is not None else query.where(
        ContactCode.citizen_id == citizen_id)
    db.session.execute(query.values(expires_at=utcnow()))


def _store(citizen: Citizen, purpose: CodePurpose, kind: ContactKind | None, address: str | None,
           code: str, hashed_address: str | None = None) -> ContactCode:
    now = utcnow()
    row = ContactCode(citizen_id=citizen.id, purpose=purpose, kind=kind, address=address,
                      code_hash=code_digest(purpose, hashed_address if hashed_address is not None else address or "", code),
                      attempts=0, created_at=now, expires_at=now + timedelta(minutes=CODE_MINUTES))
    db.session.add(row)
    return row


def _deliver(kind: ContactKind, address: str, code: str, language: str) -> None:
    with force_locale(normalize_language(language)):
        text = _("Your CrowdGov code is %(code)s. It is valid for %(minutes)d minutes. "
                 "If you did not ask for it, ignore this message.", code=code, minutes=CODE_MINUTES)
        subject = _("Your CrowdGov code: %(code)s", code=code)
    try:
        if kind == ContactKind.EMAIL:
            mail.send(mail.compose(to=address, subject=subject, body=text))
        else:
            sms.send(address, text)
    except (mail.MailNotSent, sms.SmsNotSent) as exc:
        current_app.logger.warning("account code not delivered (%s): %s", kind.value, exc)
        raise NotDelivered("code_not_sent", _("The code could not be sent just now. Try again in a few minutes."))


def verified_contacts(citizen: Citizen) -> list[VerifiedContact]:
    return list(db.session.scalars(select(VerifiedContact).where(VerifiedContact.citizen_id == citizen.id)
                                   .order_by(VerifiedContact.kind)))


def pending_contact(citizen: Citizen) -> ContactCode | None:
    """The live code this citizen is waiting for to secure the account, if any."""
    return db.session.scalar(select(ContactCode).where(
        ContactCode.citizen_id == citizen.id, ContactCode.purpose == CodePurpose.VERIFY,
        ContactCode.used_at.is_(None), ContactCode.expires_at > utcnow()).order_by(ContactCode.id.desc()).limit(1))


def send_verification(citizen: Citizen, kind: ContactKind, address: str) -> ContactCode:
    """Send a code to the address the citizen wants to secure the account with.

    Whether another account already uses the address is told only once the code comes back,
    so this door does not reveal who has an account."""
    _retire(citizen.id, CodePurpose.VERIFY)
    code = _new_code()
    row = _store(citizen, CodePurpose.VERIFY, kind, address, code)
    _deliver(kind, address, code, citizen.language)
    return row


def _live_code(query) -> ContactCode | None:
    return db.session.scalar(query.where(ContactCode.used_at.is_(None)).order_by(ContactCode.id.desc())
                             .limit(1).with_for_update())


def _matches(row: ContactCode, code: Any, address: str) -> bool:
    """Counts the attempt; True when the code is right (compared in constant time)."""
    row.attempts += 1
    typed = re.sub(r"\s", "", code) if isinstance(code, str) else ""
    return hmac.compare_digest(row.code_hash, code_digest(row.purpose, address, typed))


def confirm_verification(citizen: Citizen, code: Any) -> VerifiedContact:
    """The citizen typed the code back: the address now secures their account (replacing an
    earlier address of the same kind)."""
    row = _live_code(select(ContactCode).where(ContactCode.citizen_id == citizen.id,
                                               ContactCode.purpose == CodePurpose.VERIFY))
    if row is None:
        raise ValidationFailed("no_code", _("Ask for a code first."), {"code": "ask for a code first"})
    if row.expires_at <= utcnow():
        raise ValidationFailed("code_expired", _("This code has expired. Ask for a new one."), {"code": "expired"})
    if row.attempts >= MAX_ATTEMPTS:
        raise ValidationFailed("too_many_attempts", _("Too many wrong codes. Ask for a new one."),
                               {"code": "too many attempts"})
    if not _matches(row, code, row.address or ""):
        left = MAX_ATTEMPTS - row.attempts
        if left <= 0:
            raise ValidationFailed("too_many_attempts", _("Too many wrong codes. Ask for a new one."),
                                   {"code": "too many attempts"})
        raise ValidationFailed("wrong_code", _("This code is not right. %(left)d tries left.", left=left),
                               {"code": "wrong code"})
    row.used_at = utcnow()
    taken = db.session.scalar(select(VerifiedContact).where(VerifiedContact.kind == row.kind,
                                                            VerifiedContact.address == row.address))
    if taken is not None and taken.citizen_id != citizen.id:
        raise Conflict("contact_in_use", _("This address already secures another account. To use that account "
                                           "on this phone, sign in with a code instead."))
    contact = taken or db.session.scalar(select(VerifiedContact).where(VerifiedContact.citizen_id == citizen.id,
                                                                       VerifiedContact.kind == row.kind))
    if contact is None:
        contact = VerifiedContact(citizen_id=citizen.id, kind=row.kind)
        db.session.add(contact)
    contact.address, contact.verified_at = row.address, utcnow()
    db.session.flush()
    return contact


def _owner(kind: ContactKind, address: str) -> Citizen | None:
    return db.session.scalar(select(Citizen).join(VerifiedContact, VerifiedContact.citizen_id == Citizen.id).where(
        VerifiedContact.kind == kind, VerifiedContact.address == address, Citizen.deleted_at.is_(None)))


def send_sign_in(kind: ContactKind, address: str, language: str | None) -> None:
    """A code to sign in again, sent only if the address secures an account; the caller answers
    the same either way."""
    citizen = _owner(kind, address)
    if citizen is None:
        return
    _retire(None, CodePurpose.SIGN_IN, address)
    code = _new_code()
    _store(citizen, CodePurpose.SIGN_IN, kind, address, code)
    _deliver(kind, address, code, language or citizen.language)


def sign_in(kind: ContactKind, address: str, code: Any, label: str = "code sign-in") -> tuple[Citizen, str]:
    """A new bearer token for the citizen the address secures, if the code is right."""
    refused = ValidationFailed("invalid_code", _("This code is wrong or no longer valid. Ask for a new one."),
                               {"code": "wrong or no longer valid"})
    row = _live_code(select(ContactCode).where(ContactCode.purpose == CodePurpose.SIGN_IN,
                                               ContactCode.kind == kind, ContactCode.address == address))
    if row is None or row.expires_at <= utcnow() or row.attempts >= MAX_ATTEMPTS:
        raise refused
    if not _matches(row, code, address):
        raise refused
    citizen = db.session.get(Citizen, row.citizen_id)
    owner = _owner(kind, address)
    if citizen is None or owner is None or owner.id != citizen.id:
        raise refused  # the address moved to another account or was erased since the code was sent
    row.used_at = utcnow()
    return citizen, issue_token(citizen, label)


def _export(citizen: Citizen) -> list[dict[str, Any]]:
    return [{"kind": c.kind.value, "address": c.address, "verified_at": c.verified_at.isoformat()}
            for c in verified_contacts(citizen)]


def _erase(citizen: Citizen) -> None:
    db.session.execute(VerifiedContact.__table__.delete().where(VerifiedContact.citizen_id == citizen.id))
    db.session.execute(ContactCode.__table__.delete().where(ContactCode.citizen_id == citizen.id))


data_rights.register_export("verified_contacts", _export)
data_rights.register_erasure(_erase)
