"""Links into the app that other pages offer ("report a problem here", "get updates")."""
from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def report_here(lat: float | None = None, long: float | None = None) -> str:
    """The app's report form, at a place when one is given (else it asks the browser where it is)."""
    base = url_for("webapp.shell") + "#/report"
    return f"{base}?lat={lat:.6f}&long={long:.6f}" if lat is not None and long is not None else base


def report_in_app(report_id: int) -> str:
    return url_for("webapp.shell") + f"#/r/{report_id}"


def telegram_bot_url() -> str | None:
    username = (current_app.config.get("TELEGRAM_BOT_USERNAME") or "").lstrip("@")
    return f"https://t.me/{username}" if username else None


def template_helpers() -> dict[str, Any]:
    return {"app_report_here": report_here, "app_report_url": report_in_app, "telegram_bot_url": telegram_bot_url,
            "app_url": lambda: url_for("webapp.shell")}
