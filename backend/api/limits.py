"""Rate limits on Redis (Flask-Limiter): per citizen when a token is presented, per IP otherwise.

The bot speaks for many citizens from one address, so authenticated requests count per
citizen only, and a channel login with the right secret is not limited per IP.
Redis being down does not stop the API (swallow_errors): the limits pause with it.
"""
from __future__ import annotations

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from backend.accounts import service as accounts
from backend.api.authentication import current_citizen

limiter = Limiter(key_func=get_remote_address, key_prefix="crowdgov-rl", headers_enabled=True,
                  swallow_errors=True, strategy="moving-window")


def init_app(app) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 2})
    limiter.init_app(app)


def citizen_key() -> str:
    citizen = current_citizen()
    return f"citizen:{citizen.id}" if citizen else get_remote_address()


def _is_trusted_channel() -> bool:
    if request.endpoint and request.endpoint.endswith("channel_login"):
        body = request.get_json(silent=True) or {}
        return accounts.channel_secret_valid(body.get("channel_secret") if isinstance(body, dict) else None)
    return False


def per_ip_limit() -> str:
    return current_app.config["API_RATE_LIMIT_PER_IP"]


def per_citizen_limit() -> str:
    return current_app.config["API_RATE_LIMIT_PER_CITIZEN"]


def report_limit() -> str:
    return current_app.config["API_RATE_LIMIT_REPORTS"]


def apply(blueprint) -> None:
    """Both limits on every view of the blueprint."""
    limiter.limit(per_ip_limit, key_func=get_remote_address, scope="api-ip",
                  exempt_when=lambda: current_citizen() is not None or _is_trusted_channel())(blueprint)
    limiter.limit(per_citizen_limit, key_func=citizen_key, scope="api-citizen",
                  exempt_when=lambda: current_citizen() is None)(blueprint)


reports_per_citizen = limiter.limit(report_limit, key_func=citizen_key, scope="api-reports", methods=["POST"])
