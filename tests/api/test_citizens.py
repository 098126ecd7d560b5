"""Registration, the bot's channel login, tokens, the profile."""
import pytest
from sqlalchemy import func, select

from backend.accounts.models import ApiToken, Citizen
from backend.extensions import db


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_register_returns_a_token_stored_only_as_a_hash(client):
    response = client.post("/api/v1/citizens", json={"display_name": "Wang Lei", "language": "en"})
    assert response.status_code == 201
    token = response.json["token"]
    assert response.json["citizen"]["display_name"] == "Wang Lei"
    assert response.json["citizen"]["language"] == "en"
    stored = db.session.scalar(select(ApiToken))
    assert stored.token_hash != token and token not in stored.token_hash
    me = client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200 and me.json["id"] == response.json["citizen"]["id"]


@pytest.mark.parametrize("body, field", [
    ({}, "display_name"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "   "}, "display_name"),
    ({"display_name": "x" * 81}, "display_name"),
    ({"display_name": 12}, "display_name"),
    ({"display_name": "ok", "language": 5}, "language"),
])
def test_bad_registrations_are_refused(client, body, field):
    response = client.post("/api/v1/citizens", json=body)
    assert response.status_code == 422
    assert field in response.json["fields"]
    assert db.session.scalar(select(func.count()).select_from(Citizen)) == 0


def login(client, app, external_id=424242, secret=None, name="Telegram User", language="zh-hans"):
    return client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": secret or app.config["BOT_CHANNEL_SECRET"],
        "external_id": external_id, "display_name": name, "language": language})


def test_channel_login_creates_the_citizen_once(client, app):
    first = login(client, app)
    assert first.status_code == 200
    second = login(client, app, name="Renamed")
    assert second.json["citizen"]["id"] == first.json["citizen"]["id"]
    assert second.json["token"] != first.json["token"]
    assert first.json["citizen"]["language"] == "zh_Hans"
    assert db.session.scalar(select(func.count()).select_from(Citizen)) == 1
    other = login(client, app, external_id="99")
    assert other.json["citizen"]["id"] != first.json["citizen"]["id"]


def test_channel_login_with_a_wrong_secret_is_forbidden(client, app):
    response = login(client, app, secret="guess")
    assert response.status_code == 403
    assert response.json["code"] == "bad_channel_secret"
    assert db.session.scalar(select(func.count()).select_from(Citizen)) == 0


@pytest.mark.parametrize("change", [{"channel": "whatsapp"}, {"external_id": ""}, {"external_id": True},
                                    {"external_id": {"id": 1}}, {"channel_secret": ""}])
def test_channel_login_bad_inputs(client, app, change):
    body = {"channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 1,
            "display_name": "A", **change}
    response = client.post("/api/v1/auth/channel-login", json=body)
    assert response.status_code == 422, response.json


def test_a_revoked_token_no_longer_works(client):
    token = client.post("/api/v1/citizens", json={"display_name": "A"}).json["token"]
    assert client.post("/api/v1/auth/revoke", headers=bearer(token)).status_code == 204
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json["code"] == "unauthorized"


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer nonsense", "Basic abc", "bearer  "])
def test_missing_or_bad_tokens_are_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401


def test_patch_me(client):
    token = client.post("/api/v1/citizens", json={"display_name": "A"}).json["token"]
    response = client.patch("/api/v1/me", json={"display_name": "Li Na", "language": "en-GB"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.json["display_name"] == "Li Na" and response.json["language"] == "en"
    assert client.patch("/api/v1/me", json={"language": "fr"}, headers=bearer(token)).status_code == 422
    assert client.patch("/api/v1/me", json={"display_name": ""}, headers=bearer(token)).status_code == 422


def test_api_messages_are_translated(client):
    assert client.get("/api/v1/me", headers={"Accept-Language": "zh-CN"}).json["message"] == \
        "需要有效的访问令牌（Authorization: Bearer …）。"
    assert client.get("/api/v1/me", headers={"Accept-Language": "en"}).json["message"] == \
        "A valid bearer token is needed (Authorization: Bearer …)."
