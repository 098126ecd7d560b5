"""`crowdgov bot` finds everything but the token in the web process's configuration."""
from backend.cli.processes import bot_command, bot_settings


def test_the_bot_takes_the_api_url_channel_secret_and_redis_from_the_local_configuration(app, monkeypatch):
    for name in ("API_URL", "BOT_CHANNEL_SECRET", "REDIS_URL", "TELEGRAM_API_URL", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", "42:abc")
    monkeypatch.setitem(app.config, "TELEGRAM_API_URL", "http://bot-api.internal:8081")
    settings = bot_settings(app.config)
    assert settings.token == "42:abc"
    assert settings.channel_secret == app.config["BOT_CHANNEL_SECRET"] and settings.channel_secret
    assert settings.api_url == app.config["API_URL"]
    assert settings.redis_url == app.config["REDIS_URL"]
    assert settings.bot_base_url == "http://bot-api.internal:8081/bot"
    assert settings.file_base_url == "http://bot-api.internal:8081/file/bot"
    assert settings.webhook_url == ""


def test_without_a_token_the_bot_says_what_to_set(app, monkeypatch):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_TOKEN", "")
    result = app.test_cli_runner().invoke(bot_command)
    assert result.exit_code != 0
    assert "Set TELEGRAM_BOT_TOKEN" in result.output
