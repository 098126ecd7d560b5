"""What every step of /tasks shares: the session kept in user_data, its buttons, cancel, stale and busy answers.

Buttons carry `t:<nonce>:<action>[:<arg>]`; the nonce belongs to one /tasks session, so a
button from an earlier session is recognised as stale and answered, never acted on.
"""
from __future__ import annotations

from telegram import InlineKeyboardButton, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.api_client import ApiError
from bot.report_draft import N_
from bot.guided_flow import earlier_step, make_button, router
from bot.session import api, as_citizen, language, reply, texts

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
    return make_button("t", session, label, action, arg)


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


stale = earlier_step


async def busy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another command in the middle of /tasks: the task comes first (the state is kept)."""
    _ = texts(update, context)
    await reply(update, _("You are in the middle of a task. Finish it, or send /cancel first."))


buttons_for = router("t", "task", ACTIONS)
