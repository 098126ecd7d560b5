"""Securing the account with an e-mail or phone code, signing in again on a new phone, linking Telegram."""
import email
import json
import re
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.accounts.contact_models import ContactCode
from backend.accounts.models import Citizen
from backend.clock import travel
from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f
from tests.city_fixture import INSIDE


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def sms_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_DIR", str(tmp_path / "sms"))
    return tmp_path / "sms"


def mails_to(app, address):
    found = []
    for path in sorted(Path(app.config["MAIL_DIR"]).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def code_in_mail(app, address):
    body = mails_to(app, address)[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"\b(\d{6})\b", body).group(1)


def code_in_sms(sms_dir, phone):
    texts = [json.loads(p.read_text()) for p in sorted(sms_dir.glob("*.json"))]
    return re.search(r"\b(\d{6})\b", [t for t in texts if t["to"] == phone][-1]["text"]).group(1)


def register(client, name="App user"):
    answer = client.post("/api/v1/citizens", json={"display_name": name, "language": "en"})
    assert answer.status_code == 201
    return answer.json["token"], answer.json["citizen"]


def secure(app, client, token, address):
    assert client.post("/api/v1/me/contact", json={"email": address}, headers=bearer(token)).status_code == 202
    answer = client.post("/api/v1/me/contact/verify", json={"code": code_in_mail(app, address)}, headers=bearer(token))
    assert answer.status_code == 200, answer.json
    return answer.json


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


def test_an_email_code_secures_the_account_and_signs_in_again_on_a_new_phone(app, client, city):
    token, me = register(client)
    mine = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description="hole",
                          attributes={"size": "small"}, reporter=db.session.get(Citizen, me["id"]))
    db.session.commit()
    sent = client.post("/api/v1/me/contact", json={"email": " Li.Wei@Example.org "}, headers=bearer(token))
    assert sent.status_code == 202
    assert sent.json["pending"]["address"] == "li.wei@example.org" and sent.json["contacts"] == []
    message = mails_to(app, "li.wei@example.org")[-1]
    assert "CrowdGov" in message["Subject"]
    # Only a keyed hash of the code is stored.
    code = code_in_mail(app, "li.wei@example.org")
    stored = db.session.scalar(select(ContactCode))
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    verified = client.post("/api/v1/me/contact/verify", json={"code": code}, headers=bearer(token)).json
    assert [(c["kind"], c["address"]) for c in verified["contacts"]] == [("email", "li.wei@example.org")]
    assert verified["pending"] is None
    # The code served once.
    again = client.post("/api/v1/me/contact/verify", json={"code": code}, headers=bearer(token))
    assert again.status_code == 422 and again.json["code"] == "no_code"

    # A new phone: no token yet.
    asked = client.post("/api/v1/auth/code", json={"email": "LI.WEI@example.org"}, headers={"Accept-Language": "en"})
    assert asked.status_code == 202 and asked.json["sent"] is True
    signed = client.post("/api/v1/auth/code/verify",
                         json={"email": "li.wei@example.org", "code": code_in_mail(app, "li.wei@example.org")})
    assert signed.status_code == 200
    new_token = signed.json["token"]
    assert new_token != token and signed.json["citizen"]["id"] == me["id"]
    seen = client.get("/api/v1/me/reports", headers=bearer(new_token)).json
    assert [r["id"] for r in seen["items"]] == [mine.id]
    # The first phone keeps working too.
    assert client.get("/api/v1/me", headers=bearer(token)).json["id"] == me["id"]


def test_a_phone_code_goes_out_as_a_text_message_file(app, client, city, sms_dir):
    token, _me = register(client)
    assert client.post("/api/v1/me/contact", json={"phone": "+86 138-0013-8000"}, headers=bearer(token)).status_code == 202
    code = code_in_sms(sms_dir, "+8613800138000")
    answer = client.post("/api/v1/me/contact/verify", json={"code": code}, headers=bearer(token))
    assert answer.json["contacts"][0] == {**answer.json["contacts"][0], "kind": "phone", "address": "+8613800138000"}
    client.post("/api/v1/auth/code", json={"phone": "+8613800138000"})
    signed = client.post("/api/v1/auth/code/verify", json={"phone": "+86 13800138000", "code": code_in_sms(sms_dir, "+8613800138000")})
    assert signed.status_code == 200


def test_wrong_codes_run_out_and_then_even_the_right_one_is_refused(app, client, city):
    token, _me = register(client)
    client.post("/api/v1/me/contact", json={"email": "a@example.org"}, headers=bearer(token))
    code = code_in_mail(app, "a@example.org")
    answers = [client.post("/api/v1/me/contact/verify", json={"code": wrong(code)},
                           headers={**bearer(token), "Accept-Language": "en"}) for _ in range(5)]
    assert [a.json["code"] for a in answers] == ["wrong_code"] * 4 + ["too_many_attempts"]
    assert "4 tries left" in answers[0].json["message"]
    right = client.post("/api/v1/me/contact/verify", json={"code": code}, headers=bearer(token))
    assert right.json["code"] == "too_many_attempts"
    # Signing in: the same after five wrong codes.
    secure(app, client, token, "a@example.org")
    client.post("/api/v1/auth/code", json={"email": "a@example.org"})
    code = code_in_mail(app, "a@example.org")
    for _ in range(5):
        assert client.post("/api/v1/auth/code/verify", json={"email": "a@example.org", "code": wrong(code)}).status_code == 422
    refused = client.post("/api/v1/auth/code/verify", json={"email": "a@example.org", "code": code})
    assert refused.status_code == 422 and refused.json["code"] == "invalid_code"


def test_an_expired_code_is_refused(app, client, city):
    token, _me = register(client)
    client.post("/api/v1/me/contact", json={"email": "late@example.org"}, headers=bearer(token))
    code = code_in_mail(app, "late@example.org")
    travel(timedelta(minutes=11))
    answer = client.post("/api/v1/me/contact/verify", json={"code": code}, headers=bearer(token))
    assert answer.status_code == 422 and answer.json["code"] in ("code_expired", "no_code")


def test_an_expired_sign_in_code_is_refused(app, client, city):
    token, _me = register(client)
    secure(app, client, token, "late@example.org")
    client.post("/api/v1/auth/code", json={"email": "late@example.org"})
    code = code_in_mail(app, "late@example.org")
    travel(timedelta(minutes=11))
    answer = client.post("/api/v1/auth/code/verify", json={"email": "late@example.org", "code": code})
    assert answer.status_code == 422 and answer.json["code"] == "invalid_code"


def test_asking_for_a_sign_in_code_does_not_tell_who_has_an_account(app, client, city):
    token, _me = register(client)
    secure(app, client, token, "known@example.org")
    known = client.post("/api/v1/auth/code", json={"email": "known@example.org"})
    unknown = client.post("/api/v1/auth/code", json={"email": "nobody@example.org"})
    assert (known.status_code, known.json) == (unknown.status_code, unknown.json)
    assert mails_to(app, "nobody@example.org") == []
    tries = [client.post("/api/v1/auth/code/verify", json={"email": a, "code": "123456"}).json
             for a in ("known@example.org", "nobody@example.org")]
    assert tries[0] == tries[1] or tries[0]["code"] == tries[1]["code"] == "invalid_code"
    assert tries[1]["code"] == "invalid_code"


def test_codes_are_limited_per_address_whether_known_or_not(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_CODE_RATE_PER_ADDRESS", "2 per hour")
    statuses = [client.post("/api/v1/auth/code", json={"email": "nobody@example.org"},
                            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code for i in range(3)]
    assert statuses == [202, 202, 429]
    assert client.post("/api/v1/auth/code", json={"email": "other@example.org"}).status_code == 202


def test_codes_are_limited_per_ip(app, client, city, monkeypatch):
    monkeypatch.setitem(app.config, "CONTACT_CODE_RATE_PER_IP", "2 per hour")
    statuses = [client.post("/api/v1/auth/code", json={"email": f"n{i}@example.org"}).status_code for i in range(3)]
    assert statuses == [202, 202, 429]


def test_an_address_secures_one_account_only(app, client, city):
    first, _a = register(client, "First")
    second, _b = register(client, "Second")
    secure(app, client, first, "shared@example.org")
    client.post("/api/v1/me/contact", json={"email": "shared@example.org"}, headers=bearer(second))
    answer = client.post("/api/v1/me/contact/verify", json={"code": code_in_mail(app, "shared@example.org")},
                         headers={**bearer(second), "Accept-Language": "en"})
    assert answer.status_code == 409 and answer.json["code"] == "contact_in_use"
    assert "sign in with a code" in answer.json["message"]
    assert client.get("/api/v1/me/contact", headers=bearer(second)).json["contacts"] == []


def test_bad_addresses_are_refused(client, city):
    token, _me = register(client)
    for body in ({}, {"email": "not an address"}, {"phone": "12"}, {"email": "a@example.org", "phone": "+8613800138000"}):
        assert client.post("/api/v1/me/contact", json=body, headers=bearer(token)).status_code == 422


def telegram_login(app, client, external_id, name="Telegram user"):
    answer = client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": external_id,
        "display_name": name})
    assert answer.status_code == 200
    return answer.json["token"], answer.json["citizen"]


def test_the_bot_links_its_user_to_the_app_account(app, client, city):
    app_token, app_me = register(client)
    issued = client.post("/api/v1/me/link-code", headers=bearer(app_token))
    assert issued.status_code == 201 and re.fullmatch(r"[A-Z2-9]{8}", issued.json["code"])
    bot_token, bot_me = telegram_login(app, client, 4242)
    assert bot_me["id"] != app_me["id"]
    linked = client.post("/api/v1/auth/link", json={"code": issued.json["code"].lower()}, headers=bearer(bot_token))
    assert linked.status_code == 200 and linked.json["citizen"]["id"] == app_me["id"]
    # The bot's next login is the app's citizen; the old Telegram token is revoked.
    assert client.get("/api/v1/me", headers=bearer(bot_token)).status_code == 401
    _again, citizen = telegram_login(app, client, 4242)
    assert citizen["id"] == app_me["id"]
    assert client.get("/api/v1/me/contact", headers=bearer(app_token)).json["telegram_linked"] is True


def test_a_link_code_serves_once(app, client, city):
    app_token, _app_me = register(client)
    code = client.post("/api/v1/me/link-code", headers=bearer(app_token)).json["code"]
    first, _ = telegram_login(app, client, 1)
    assert client.post("/api/v1/auth/link", json={"code": code}, headers=bearer(first)).status_code == 200
    second, _ = telegram_login(app, client, 2)
    replayed = client.post("/api/v1/auth/link", json={"code": code}, headers=bearer(second))
    assert replayed.status_code == 422 and replayed.json["code"] == "invalid_link_code"


def test_a_link_code_is_for_the_bot_only_and_expires(app, client, city):
    app_token, _ = register(client)
    code = client.post("/api/v1/me/link-code", headers=bearer(app_token)).json["code"]
    other_app, _ = register(client, "Another app user")
    stolen = client.post("/api/v1/auth/link", json={"code": code}, headers=bearer(other_app))
    assert stolen.status_code == 403 and stolen.json["code"] == "not_a_telegram_user"
    travel(timedelta(minutes=11))
    bot_token, _ = telegram_login(app, client, 7)
    late = client.post("/api/v1/auth/link", json={"code": code}, headers=bearer(bot_token))
    assert late.status_code == 422


def test_guessing_link_codes_is_limited(app, client, city):
    bot_token, _ = telegram_login(app, client, 9)
    statuses = [client.post("/api/v1/auth/link", json={"code": f"AAAA{i:04d}"}, headers=bearer(bot_token)).status_code
                for i in range(11)]
    assert statuses == [422] * 10 + [429]


def test_a_telegram_account_with_its_own_history_is_not_joined(app, client, city):
    app_token, _ = register(client)
    code = client.post("/api/v1/me/link-code", headers=bearer(app_token)).json["code"]
    bot_token, bot_me = telegram_login(app, client, 55)
    reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description="from the bot",
                   attributes={"size": "small"}, reporter=db.session.get(Citizen, bot_me["id"]))
    db.session.commit()
    answer = client.post("/api/v1/auth/link", json={"code": code}, headers={**bearer(bot_token), "Accept-Language": "en"})
    assert answer.status_code == 409 and answer.json["code"] == "telegram_has_history"
    assert client.get("/api/v1/me", headers=bearer(bot_token)).json["id"] == bot_me["id"]


def test_the_doors_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/me/contact", "/api/v1/me/contact/verify", "/api/v1/auth/code", "/api/v1/auth/code/verify",
                 "/api/v1/me/link-code", "/api/v1/auth/link"):
        assert path in paths
