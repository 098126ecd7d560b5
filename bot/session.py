"""Per-user helpers every handler needs: the language, the API client, the citizen's token."""
from __future__ import annotations

from typing import Awaitable, Callable, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot.api_client import ApiClient, ApiError
from bot.i18n import normalize, translator

T = TypeVar("T")


def api(context: ContextTypes.DEFAULT_TYPE) -> ApiClient:
    return context.application.bot_data["api"]


def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    chosen = context.user_data.get("lang") if context.user_data is not None else None
    if chosen:
        return chosen
    user = update.effective_user
    return normalize(user.language_code if user else None, context.application.bot_data.get("default_language", "zh_Hans"))


def texts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Callable[[str], str]:
    return translator(language(update, context))


async def login(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Log the Telegram user in through the channel login (creating the citizen on first contact)."""
    user = update.effective_user
    answer = await api(context).channel_login(user.id, user.full_name or user.username or "", language(update, context))
    context.user_data["token"] = answer["token"]
    context.user_data.setdefault("lang", normalize(answer["citizen"].get("language"), language(update, context)))
    return answer["token"]


async def fresh_login(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """A new token for a user who (re)starts the bot; the channel login also makes a user who had
    blocked the bot reachable again. The old token is revoked, so tokens do not pile up."""
    old = context.user_data.get("token")
    if old:
        try:
            await api(context).revoke(old)
        except ApiError:
            pass  # already revoked or unknown: nothing to clean up
    return await login(update, context)


async def as_citizen(update: Update, context: ContextTypes.DEFAULT_TYPE,
                     call: Callable[[str], Awaitable[T]]) -> T:
    """Run `call(token)`; a revoked or unknown token is replaced once by a fresh login."""
    token = context.user_data.get("token") or await login(update, context)
    try:
        return await call(token)
    except ApiError as exc:
        if exc.status != 401:
            raise
    return await call(await login(update, context))


async def reply(update: Update, text: str, **kwargs) -> None:
    """Answer in the chat the update came from (a message or a button press)."""
    await update.effective_chat.send_message(text, **kwargs)


async def refuse_button(update: Update, context: ContextTypes.DEFAULT_TYPE, explanation: str) -> None:
    """A button that no longer does anything: a toast on the button, then `explanation` in the chat."""
    _ = texts(update, context)
    await update.callback_query.answer(_("This button is no longer active."))
    await reply(update, explanation)
