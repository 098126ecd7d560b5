"""Securing the account with an e-mail or phone code, signing in again with one, linking Telegram."""
from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from backend.accounts import contact_codes, linking
from backend.accounts.contact_codes import CODE_MINUTES
from backend.api import errors, limits
from backend.api.authentication import citizen_required, current_citizen, forget_citizen, require_citizen
from backend.api.citizens import citizen_view
from backend.api.schemas import CitizenOut, In, TokenOut
from backend.schema_fields import Text
from backend.transaction import keep_despite_error_status

blp = Blueprint("Signing in", __name__, url_prefix="/api/v1",
                description="Securing the account with a code, signing in on a new phone, linking Telegram")
errors.register(blp)
limits.apply(blp)
BEARER = [{"bearer": []}]


class ContactIn(In):
    email = Text(max_length=200, multiline=False, load_default=None, metadata={"description": "An e-mail address"})
    phone = Text(max_length=40, multiline=False, load_default=None,
                 metadata={"description": "A phone number (digits, + allowed); give either this or email"})


class CodeIn(In):
    code = Text(max_length=20, multiline=False, required=True, metadata={"description": "The code as received"})


class SignInIn(ContactIn):
    code = Text(max_length=20, multiline=False, required=True, metadata={"description": "The 6-digit code"})


class ContactOut(Schema):
    kind = fields.String(metadata={"description": "email or phone"})
    address = fields.String()
    verified_at = fields.DateTime()


class PendingOut(Schema):
    kind = fields.String()
    address = fields.String()
    expires_at = fields.DateTime()


class ContactsOut(Schema):
    contacts = fields.List(fields.Nested(ContactOut), metadata={"description": "Addresses that secure the account"})
    pending = fields.Nested(PendingOut, allow_none=True, metadata={"description": "A code sent, not yet typed back"})
    telegram_linked = fields.Boolean()


class CodeSentOut(Schema):
    sent = fields.Boolean()
    expires_in_minutes = fields.Integer()
    message = fields.String()


class LinkCodeOut(Schema):
    code = fields.String(metadata={"description": "Send `/link CODE` to the bot; shown once"})
    expires_at = fields.DateTime()
    bot_url = fields.String(allow_none=True, metadata={"description": "The bot, with the code as its start argument"})


class LinkedOut(Schema):
    citizen = fields.Nested(CitizenOut)


def _address_key() -> str:
    """Per address, whether or not it belongs to anyone (a limit that only known addresses hit
    would tell them apart)."""
    body = request.get_json(silent=True)
    body = body if isinstance(body, dict) else {}
    try:
        kind, address = contact_codes.contact_of(body.get("email"), body.get("phone"))
    except Exception:  # noqa: BLE001  (an invalid body is refused by the view; it still counts per IP)
        return "invalid"
    return f"{kind.value}:{address}"


def _per_address() -> str:
    return current_app.config["CONTACT_CODE_RATE_PER_ADDRESS"]


def _per_ip() -> str:
    return current_app.config["CONTACT_CODE_RATE_PER_IP"]


def _verify_per_ip() -> str:
    return current_app.config["CONTACT_VERIFY_RATE_PER_IP"]


def _caller_key() -> str:
    citizen = current_citizen()
    return f"citizen:{citizen.id}" if citizen else get_remote_address()


codes_per_address = limits.limiter.limit(_per_address, key_func=_address_key, scope="contact-code-address")
codes_per_ip = limits.limiter.limit(_per_ip, key_func=get_remote_address, scope="contact-code-ip")
verify_per_ip = limits.limiter.limit(_verify_per_ip, key_func=get_remote_address, scope="contact-verify-ip")
# Link codes are guessed by someone who is a bot user: per citizen (the bot is one IP for everyone).
links_per_citizen = limits.limiter.limit("10 per hour", key_func=_caller_key, scope="link-code-use")


def _contacts(citizen) -> dict:
    pending = contact_codes.pending_contact(citizen)
    return {"contacts": [{"kind": c.kind.value, "address": c.address, "verified_at": c.verified_at}
                         for c in contact_codes.verified_contacts(citizen)],
            "pending": {"kind": pending.kind.value, "address": pending.address, "expires_at": pending.expires_at}
            if pending else None,
            "telegram_linked": linking.telegram_identity(citizen) is not None}


@blp.get("/me/contact")
@blp.response(200, ContactsOut)
@blp.doc(security=BEARER)
@citizen_required
def my_contact():
    """The e-mail or phone that secures my account, a code waiting, and whether Telegram is linked."""
    return _contacts(require_citizen())


@blp.post("/me/contact")
@codes_per_address
@codes_per_ip
@blp.arguments(ContactIn)
@blp.response(202, ContactsOut)
@blp.doc(security=BEARER)
@citizen_required
def secure_with_contact(data):
    """Send a 6-digit code to an e-mail or phone, to secure my account with it."""
    citizen = require_citizen()
    kind, address = contact_codes.contact_of(data.get("email"), data.get("phone"))
    contact_codes.send_verification(citizen, kind, address)
    return _contacts(citizen)


@blp.post("/me/contact/verify")
@verify_per_ip
@blp.arguments(CodeIn)
@blp.response(200, ContactsOut)
@blp.doc(security=BEARER)
@citizen_required
def verify_contact(data):
    """Type the code back: the address now secures my account."""
    citizen = require_citizen()
    keep_despite_error_status()  # a wrong code's attempt stays counted
    contact_codes.confirm_verification(citizen, data["code"])
    return _contacts(citizen)


@blp.post("/auth/code")
@codes_per_address
@codes_per_ip
@blp.arguments(ContactIn)
@blp.response(202, CodeSentOut)
def send_sign_in_code(data):
    """Sign in on a new phone: a code to the account's verified e-mail or phone (same answer if unknown)."""
    kind, address = contact_codes.contact_of(data.get("email"), data.get("phone"))
    contact_codes.send_sign_in(kind, address, request.accept_languages.best)
    return {"sent": True, "expires_in_minutes": CODE_MINUTES,
            "message": _("If this address secures an account, a code is on its way.")}


@blp.post("/auth/code/verify")
@verify_per_ip
@blp.arguments(SignInIn)
@blp.response(200, TokenOut)
def sign_in_with_code(data):
    """Sign in with the code: a new bearer token for the same account (reports, points, follows)."""
    kind, address = contact_codes.contact_of(data.get("email"), data.get("phone"))
    keep_despite_error_status()  # a wrong code's attempt stays counted
    citizen, token = contact_codes.sign_in(kind, address, data["code"])
    return {"token": token, "citizen": citizen_view(citizen)}


@blp.post("/me/link-code")
@blp.response(201, LinkCodeOut)
@blp.doc(security=BEARER)
@citizen_required
def link_code():
    """A code (valid 10 minutes) to send to the Telegram bot as /link CODE, joining the two accounts."""
    code, row = linking.issue_link_code(require_citizen())
    bot = (current_app.config.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@")
    return {"code": code, "expires_at": row.expires_at, "bot_url": f"https://t.me/{bot}?start=link_{code}" if bot else None}


@blp.post("/auth/link")
@links_per_citizen
@blp.arguments(CodeIn)
@blp.response(200, LinkedOut)
@blp.doc(security=BEARER)
@citizen_required
def link_telegram(data):
    """The bot, with its user's token: attach that Telegram user to the app account of the code."""
    citizen = linking.link_telegram(require_citizen(), data["code"])
    forget_citizen()
    return {"citizen": citizen_view(citizen)}
