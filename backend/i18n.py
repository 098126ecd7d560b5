"""The two languages and how a request, a citizen or a Telegram user picks one."""
from __future__ import annotations

from flask import current_app, has_request_context, request

LANGUAGES = ("zh_Hans", "en")


def normalize_language(tag: str | None, default: str = "zh_Hans") -> str:
    """Map any language tag (zh-CN, zh-hans, en-GB, en_US …) onto one of ours."""
    if not tag:
        return default
    primary = tag.replace("_", "-").split("-")[0].lower()
    if primary == "en":
        return "en"
    if primary == "zh":
        return "zh_Hans"
    return default


def requested_language() -> str | None:
    """The language the current request asks for (`lang=`, the cookie, Accept-Language), or None."""
    if not has_request_context():
        return None
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    for tag, _quality in request.accept_languages:
        if tag.split("-")[0].lower() in ("zh", "en"):
            return normalize_language(tag)
    return None


def select_locale() -> str:
    return requested_language() or current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_Hans")
