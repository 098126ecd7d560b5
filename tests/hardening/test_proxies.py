"""TRUSTED_PROXY_HOPS: behind n trusted proxies the per-address limits see the client; with 0 (the
default) a forged X-Forwarded-For changes nothing."""
from __future__ import annotations

import pytest

from backend import create_app
from tests.staff_city import PASSWORD, csrf_from

PROXY = "10.0.0.2"
ATTACKER, COLLEAGUE = "203.0.113.9", "198.51.100.7"


@pytest.fixture
def behind_one_proxy(app):
    """The same application (database, Redis, queue) deployed behind one trusted reverse proxy."""
    keep = ("TESTING", "SQLALCHEMY_DATABASE_URI", "REDIS_URL", "RQ_QUEUE", "MEDIA_DIR", "WTF_CSRF_ENABLED")
    return create_app({**{name: app.config[name] for name in keep}, "TRUSTED_PROXY_HOPS": 1})


def _signer(application, remote: str, forwarded: str | None = None):
    """A browser that signs in from `remote` (the proxy's address, or its own), with this X-Forwarded-For."""
    client = application.test_client()
    client.environ_base.update({"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})})
    with application.app_context():
        token = csrf_from(client.get("/inbox/login").text)

    def attempt(email: str, password: str, forged: str | None = None) -> int:
        headers = {"X-Forwarded-For": forged} if forged else {}
        with application.app_context():
            return client.post("/inbox/login", data={"email": email, "password": password, "csrf_token": token},
                               headers=headers).status_code

    return attempt


def _twenty_bad_logins(attempt, forge: bool = False) -> None:
    for i in range(20):  # twenty different accounts: the per-address lockout, not the per-e-mail one
        assert attempt(f"nobody{i}@city.example", "guess", forged=f"192.0.2.{i}" if forge else None) == 401


def test_without_trusted_hops_a_forged_forwarded_for_does_not_escape_the_address_lockout(app, town):
    attacker = _signer(app, ATTACKER)
    _twenty_bad_logins(attacker, forge=True)
    assert attacker("roads@city.example", PASSWORD, forged="192.0.2.200") == 429
    assert _signer(app, COLLEAGUE, forwarded=ATTACKER)("parks@city.example", PASSWORD) == 302


def test_behind_a_trusted_proxy_one_clients_bad_logins_do_not_lock_out_the_others(behind_one_proxy, town):
    attacker = _signer(behind_one_proxy, PROXY, forwarded=ATTACKER)
    _twenty_bad_logins(attacker)
    assert attacker("roads@city.example", PASSWORD) == 429  # the attacker's own address is locked
    assert _signer(behind_one_proxy, PROXY, forwarded=COLLEAGUE)("parks@city.example", PASSWORD) == 302
    # Only the nearest hop is believed: a client prepending addresses of its own is still itself.
    assert _signer(behind_one_proxy, PROXY, forwarded=f"{COLLEAGUE}, {ATTACKER}")("roads@city.example", PASSWORD) == 429


def test_with_the_default_every_client_behind_a_proxy_shares_its_address(app, town):
    """What TRUSTED_PROXY_HOPS is for: untrusted, the proxy's address is all the app sees."""
    _twenty_bad_logins(_signer(app, PROXY, forwarded=ATTACKER))
    assert _signer(app, PROXY, forwarded=COLLEAGUE)("parks@city.example", PASSWORD) == 429


def _api_answers(application, remote: str, forwarded_for: list[str | None]) -> list[int]:
    client = application.test_client()
    answers = []
    for forwarded in forwarded_for:
        environ = {"REMOTE_ADDR": remote, **({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {})}
        answers.append(client.get("/api/v1/categories", environ_base=environ).status_code)
    return answers


def test_api_rate_limits_count_the_client_behind_a_trusted_proxy_and_ignore_forgeries_otherwise(
        app, behind_one_proxy, city, monkeypatch):
    for application in (app, behind_one_proxy):
        monkeypatch.setitem(application.config, "API_RATE_LIMIT_PER_IP", "3 per minute")
    forged = [f"192.0.2.{i}" for i in range(4)]
    assert _api_answers(app, ATTACKER, forged) == [200, 200, 200, 429]
    # Behind the proxy (the same Redis counts): one client uses up its own allowance, not the others'.
    busy, quiet = "203.0.113.50", "203.0.113.51"
    assert _api_answers(behind_one_proxy, PROXY, [busy] * 4) == [200, 200, 200, 429]
    assert _api_answers(behind_one_proxy, PROXY, [quiet]) == [200]
