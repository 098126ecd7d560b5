"""Rate limits on Redis: per IP without a token, per citizen with one; 429 with Retry-After."""
from tests import factories as f


def test_anonymous_callers_are_limited_per_ip(client, app, monkeypatch, city):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_IP", "3 per minute")
    answers = [client.get("/api/v1/categories").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/categories", headers={"Accept-Language": "en"})
    assert limited.status_code == 429
    assert limited.json["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another address is not affected.
    other = client.get("/api/v1/categories", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_citizens_are_limited_each_on_their_own(client, app, monkeypatch, city):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_IP", "1 per minute")
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_CITIZEN", "2 per minute")
    a, b = f.api_token(f.citizen("A")), f.api_token(f.citizen("B"))
    first = [client.get("/api/v1/me", headers={"Authorization": f"Bearer {a}"}).status_code for _ in range(3)]
    assert first == [200, 200, 429]
    # Same address, another citizen (the bot speaks for many people from one address).
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {b}"}).status_code == 200


def test_report_creation_has_its_own_per_citizen_limit(client, app, monkeypatch, city):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_REPORTS", "1 per hour")
    token = f.api_token(f.citizen("A"))
    body = {"category": "pothole", "lat": 31.22, "long": 121.47, "attributes": {"size": "small"}}
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/reports", json=body, headers=headers).status_code == 201
    limited = client.post("/api/v1/reports", json=body, headers=headers)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 60
    assert client.get("/api/v1/me", headers=headers).status_code == 200


def test_the_bot_logging_many_users_in_is_not_limited_per_ip(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_IP", "2 per minute")
    for user in range(4):
        response = client.post("/api/v1/auth/channel-login", json={
            "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": user,
            "display_name": f"user {user}"})
        assert response.status_code == 200
    for attempt in range(3):
        last = client.post("/api/v1/auth/channel-login", json={
            "channel": "telegram", "channel_secret": "guessing", "external_id": attempt, "display_name": "x"})
    assert last.status_code == 429


def test_the_api_keeps_working_while_redis_is_down(client, city, redis_server):
    redis_server.stop()
    assert client.get("/api/v1/categories").status_code == 200
