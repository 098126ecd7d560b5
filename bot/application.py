"""Building and running the bot: long polling by default, a webhook when WEBHOOK_URL is set."""
from __future__ import annotations

import logging

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder

from bot import commands, report_flow, task_flow
from bot.api_client import ApiClient
from bot.i18n import translator
from bot.persistence import RedisPersistence
from bot.settings import BotSettings
from bot.update_order import PerChatOrder

log = logging.getLogger(__name__)


def build(settings: BotSettings) -> Application:
    async def post_init(application: Application) -> None:
        application.bot_data["api"] = ApiClient(settings.api_url, settings.channel_secret)
        application.bot_data["default_language"] = settings.default_language
        application.bot_data["public_url"] = settings.public_url or settings.api_url
        for lang, code in (("en", "en"), ("zh_Hans", "zh")):
            _ = translator(lang)
            await application.bot.set_my_commands([
                BotCommand("report", _("Report a problem")), BotCommand("my", _("My reports")),
                BotCommand("tasks", _("Tasks near me")), BotCommand("points", _("My points")),
                BotCommand("language", _("Language")), BotCommand("privacy", _("My data")),
                BotCommand("cancel", _("Cancel")), BotCommand("help", _("Help"))], language_code=code)

    async def post_shutdown(application: Application) -> None:
        client = application.bot_data.get("api")
        if client:
            await client.close()

    application = (ApplicationBuilder().token(settings.token)
                   .base_url(settings.bot_base_url).base_file_url(settings.file_base_url)
                   .persistence(RedisPersistence(settings.redis_url))
                   .concurrent_updates(PerChatOrder())
                   .post_init(post_init).post_shutdown(post_shutdown)
                   .build())
    application.add_handler(report_flow.conversation())
    application.add_handler(task_flow.conversation())
    for handler in commands.handlers():
        application.add_handler(handler)
    application.add_error_handler(commands.on_error)
    return application


def webhook_arguments(settings: BotSettings) -> dict:
    """Where the webhook listens and what Telegram is told: the path of WEBHOOK_URL is served
    locally (behind the deployment's HTTPS proxy); updates without the secret token are refused."""
    url = settings.webhook_url.rstrip("/")
    path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
    return {"listen": settings.webhook_listen, "port": settings.webhook_port, "url_path": path, "webhook_url": url,
            "secret_token": settings.webhook_secret or None, "allowed_updates": Update.ALL_TYPES}


def run(settings: BotSettings) -> None:
    application = build(settings)
    if settings.webhook_url:
        log.info("bot: webhook %s (listening on %s:%s)", settings.webhook_url, settings.webhook_listen,
                 settings.webhook_port)
        application.run_webhook(**webhook_arguments(settings))
    else:
        log.info("bot: long polling %s", settings.telegram_api_url)
        application.run_polling(allowed_updates=Update.ALL_TYPES)
