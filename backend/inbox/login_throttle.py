"""Login throttling: after too many failed attempts for one e-mail (or from one address),
refuse logins for a while, even with the right password.

Counters live in Redis with the lockout as expiry. When Redis is unreachable logins still
work (staff must not be locked out of the inbox by a cache outage); a warning is logged.
"""
from __future__ import annotations

import hashlib
import logging

from flask import current_app
from redis.exceptions import RedisError

from backend.jobqueue import redis_connection

log = logging.getLogger(__name__)
# One address may try several accounts (a shared office), so it gets more attempts.
ADDRESS_FACTOR = 4


def _keys(email: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"crowdgov:login:email:{digest}", f"crowdgov:login:addr:{address}"


def locked_for(email: str, address: str) -> int:
    """Seconds until a login may be tried again; 0 when it may be tried now."""
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    email_key, addr_key = _keys(email, address)
    try:
        conn = redis_connection()
        failures = [int(conn.get(email_key) or 0), int(conn.get(addr_key) or 0)]
        if failures[0] >= limit:
            return max(conn.ttl(email_key), 1)
        if failures[1] >= limit * ADDRESS_FACTOR:
            return max(conn.ttl(addr_key), 1)
    except RedisError as exc:
        log.warning("login throttling unavailable: %s", exc)
    return 0


def record_failure(email: str, address: str) -> None:
    lockout = current_app.config["LOGIN_LOCKOUT_SECONDS"]
    try:
        pipe = redis_connection().pipeline()
        for key in _keys(email, address):
            pipe.incr(key)
            pipe.expire(key, lockout)
        pipe.execute()
    except RedisError as exc:
        log.warning("login failure not counted: %s", exc)


def record_success(email: str, address: str) -> None:
    try:
        redis_connection().delete(_keys(email, address)[0])
    except RedisError:
        pass
