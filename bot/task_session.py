"""What every step of /tasks shares: the session kept in user_data, its buttons, cancel, stale and busy answers.

Buttons carry `t:<nonce>:<action>[:<arg>]`; the nonce belongs to one /tasks session, so a
button from an earlier session is recognised as stale and answered, never acted on.
"""
from __future__ import annotations

from telegram import InlineKeyboardButton, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.api_client import ApiError
from bot.report_draft import N_
from bot.session import api, as_citizen, language, refuse_button, reply, texts

LOCATION, LIST, HELD, VERDICT, PHOTO = "t_location", "t_list", "t_held", "t_verdict", "t_photo"
PAGE_SIZE = 5
# Which button actions each step accepts.
ACTIONS = {LIST: {"p", "c"}, HELD: {"rh", "kh"}, VERDICT: {"v", "rl"}, PHOTO: {"ps"}}

# What the bot says at each step when the answer makes no sense there.
HINTS = {
    LOCATION: N_("Please send your location with the button below, or /cancel."),
    LIST: N_("Please choose a task with the buttons above, or /cancel."),
    HELD: N_("Please choose with the buttons above what to do with the task you hold, or /cancel."),
    VERDICT: N_("Please answer with the buttons above: yes, no or can't tell, or /cancel."),
    PHOTO: N_("Please send a photo, or press Skip above, or /cancel."),
}


def session(context: ContextTypes.DEFAULT_TYPE) -> dict:
    return context.user_data.setdefault("task", {})


def button(session: dict, label: str, action: str, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"t:{session['nonce']}:{action}:{arg}"[:64])


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Stop /tasks; a task claimed in this session is given back so that its slot is free again."""
    _ = texts(update, context)
    held = context.user_data.pop("task", {}).get("claimed")
    if update.callback_query:
        await update.callback_query.answer()
    text = _("Cancelled. Send /tasks to start again.")
    if held:
        lang = language(update, context)
        try:
            await as_citizen(update, context, lambda token: api(context).release(token, held, lang))
            text = _("Cancelled. The task you held was given back. Send /tasks to start again.")
        except ApiError:
            pass  # the claim already ended (expired or answered): nothing to give back
    await reply(update, text, reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await refuse_button(update, context,
                        _("That button belongs to an earlier step. Please use the latest message, or /cancel."))


async def busy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another command in the middle of /tasks: the task comes first (the state is kept)."""
    _ = texts(update, context)
    await reply(update, _("You are in the middle of a task. Finish it, or send /cancel first."))


def parse(update: Update, context: ContextTypes.DEFAULT_TYPE, state: str) -> tuple[str, str] | None:
    """(action, arg) of a button valid for this session and step, else None."""
    parts = (update.callback_query.data or "").split(":", 3)
    current = context.user_data.get("task") or {}
    if len(parts) != 4 or parts[0] != "t" or parts[1] != current.get("nonce") or parts[2] not in ACTIONS.get(state, ()):
        return None
    return parts[2], parts[3]


def buttons_for(state: str, handler):
    async def route(update: Update, context: ContextTypes.DEFAULT_TYPE):
        parsed = parse(update, context, state)
        if parsed is None:
            await stale(update, context)
            return state
        await update.callback_query.answer()
        return await handler(update, context, *parsed)
    return route
