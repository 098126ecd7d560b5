"""Sending a text message: POSTed as JSON {"to", "text"} to SMS_URL (an SMS gateway's webhook) when
set, else written as a file under SMS_DIR (var/sms/), as mail.py does for e-mail without SMTP_URL.

This machine has no SMS gateway: without SMS_URL nothing reaches a phone, the files are what a
developer (or a test) reads.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import httpx
from flask import current_app

from backend.clock import utcnow

TIMEOUT_SECONDS = 15


class SmsNotSent(Exception):
    """The gateway refused or could not be reached."""


def send(to: str, text: str) -> str:
    """Hand the message over; returns where it went (a file path or the gateway's host)."""
    url = current_app.config.get("SMS_URL") or ""
    if not url:
        return _to_file(to, text)
    try:
        response = httpx.post(url, json={"to": to, "text": text}, timeout=TIMEOUT_SECONDS)
    except httpx.HTTPError as exc:
        raise SmsNotSent(f"{type(exc).__name__}: {exc}") from exc
    if response.status_code >= 300:
        raise SmsNotSent(f"the gateway answered {response.status_code}")
    return httpx.URL(url).host


def _to_file(to: str, text: str) -> str:
    directory = Path(current_app.config["SMS_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}.json"
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"to": to, "text": text, "at": utcnow().isoformat()}, ensure_ascii=False))
    os.replace(partial, path)  # a reader never sees half a message
    return str(path)
