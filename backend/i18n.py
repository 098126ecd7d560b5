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


def remember_language(response, code: str) -> None:
    """The language cookie that select_locale reads (for a year)."""
    response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax",
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))


def language_switch(code: str, default: str):
    """A language switch's answer (public pages and staff inbox alike): back to the page it came from
    when `next` names a path of this site, else default; the language remembered when it is one of ours."""
    from flask import redirect

    from backend.safe_redirect import safe_next

    response = redirect(safe_next(request.args.get("next"), default))
    if code in LANGUAGES:
        remember_language(response, code)
    return response
