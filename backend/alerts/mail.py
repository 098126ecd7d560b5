"""Sending e-mail: through SMTP when SMTP_URL is set, else as files under MAIL_DIR (var/mail/).

SMTP_URL forms: `smtp://[user:password@]host[:port]` (port 25; add `?starttls=1` for STARTTLS),
`smtp+starttls://…` (port 587), `smtps://…` (implicit TLS, port 465).
"""
from __future__ import annotations

import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from backend.clock import utcnow

TIMEOUT_SECONDS = 30


class MailNotSent(Exception):
    """The server refused or could not be reached; the outbox tries again later."""


def compose(*, to: str, subject: str, body: str, unsubscribe_url: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=_domain())
    message["Auto-Submitted"] = "auto-generated"
    if unsubscribe_url:
        # RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body)
    return message


def _domain() -> str:
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def send(message: EmailMessage) -> str:
    """Hand the message over; returns where it went (a file path or the SMTP host)."""
    url = current_app.config.get("SMTP_URL") or ""
    if not url:
        return _to_file(message)
    return _to_smtp(url, message)


def _to_file(message: EmailMessage) -> str:
    directory = Path(current_app.config["MAIL_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    stem = utcnow().strftime("%Y%m%dT%H%M%S%f") + "-" + re.sub(r"[^A-Za-z0-9]+", "", message["Message-ID"])[:40]
    path = directory / f"{stem}.eml"
    partial = path.with_suffix(".part")
    partial.write_bytes(message.as_bytes())
    os.replace(partial, path)  # a reader never sees half a message
    return str(path)


def _to_smtp(url: str, message: EmailMessage) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise MailNotSent(f"SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {scheme}://")
    starttls = scheme == "smtp+starttls" or parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
    port = parts.port or (465 if scheme == "smtps" else 587 if scheme == "smtp+starttls" else 25)
    host = parts.hostname or "localhost"
    try:
        if scheme == "smtps":
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with client:
            if starttls:
                client.starttls(context=ssl.create_default_context())
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            client.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailNotSent(f"{type(exc).__name__}: {exc}") from exc
    return host
