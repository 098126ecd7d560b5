"""No password, token, channel secret or API key ever reaches the logs, at any level."""
import logging
import re

from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f
from tests.fakes.telegram_api import FakeTelegram
from tests.staff_city import PASSWORD


def _logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


def test_logins_keys_and_pushes_log_no_secret(app, client, town, sign_in, run_jobs, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG)
    fake = FakeTelegram(token="987654:SECRET-bot-token-XYZ").start()
    try:
        monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setitem(app.config, "TELEGRAM_API_URL", fake.url)
        monkeypatch.setitem(app.config, "TELEGRAM_PER_CHAT_INTERVAL_MS", 0)

        admin = sign_in(town["admin"])  # a staff login with the password
        page = admin.post("/inbox/admin/api-keys", {"name": "City app"}).text
        api_key = re.search(r"<code[^>]*>([^<]+)</code>", page).group(1).strip()
        wrong = client.post("/inbox/login", data={"email": town["roads_staff"].email,
                                                  "password": "wrong-password-Q7"})  # refused (CSRF or password)
        assert wrong.status_code in (200, 400, 401)

        secret = app.config["BOT_CHANNEL_SECRET"]
        login = client.post("/api/v1/auth/channel-login", json={
            "channel": "telegram", "channel_secret": secret, "external_id": 7001, "display_name": "Chen"})
        assert login.status_code == 200
        token = login.json["token"]
        client.post("/api/v1/auth/channel-login", json={
            "channel": "telegram", "channel_secret": "guessed-secret-1234", "external_id": 7002, "display_name": "X"})
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

        reporter = f.telegram_citizen(7003, language="en")
        db.session.commit()
        reports.submit(category="pothole", lat=31.20, long=121.42, description="deep", reporter=reporter)
        run_jobs()  # routes it and pushes the "received"/"routed" messages with the bot token
        assert fake.texts_to(7003), "the push really went out"
    finally:
        fake.stop()

    logs = _logged(caplog)
    assert logs, "the test must see the application's logging"
    for what, value in {"password": PASSWORD, "wrong password": "wrong-password-Q7", "API key": api_key,
                        "citizen token": token, "channel secret": secret, "guessed secret": "guessed-secret-1234",
                        "bot token": fake.token, "bot token secret half": fake.token.split(":")[1]}.items():
        assert value not in logs, f"the {what} was logged"
