"""Webhook mode: Telegram posts updates to WEBHOOK_URL with the secret token."""
import dataclasses

import httpx

from backend.embedded_services import free_port
from tests.bot.conftest import BotRunner, Chat


def test_the_bot_answers_updates_posted_to_its_webhook_and_refuses_a_wrong_secret(telegram, bot_settings):
    port = free_port()
    settings = dataclasses.replace(bot_settings, webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
                                   webhook_secret="s3cret-token", webhook_port=port)
    runner = BotRunner(settings).start()
    try:
        assert telegram.webhook == {"url": f"http://127.0.0.1:{port}/telegram/hook", "secret_token": "s3cret-token"}
        assert not [c for c in telegram.calls if c[0] == "getUpdates"]
        Chat(telegram, 9001, "en").send("/start", expect="Welcome to CrowdGov")
        forged = httpx.post(f"http://127.0.0.1:{port}/telegram/hook", json={"update_id": 99, "message": {}},
                            headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert forged.status_code == 403
    finally:
        runner.stop()
