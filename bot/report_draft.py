"""What every step of /report shares: the draft kept in user_data, its buttons, stale and garbage answers.

Buttons carry `r:<nonce>:<action>[:<arg>]`; the nonce belongs to one draft, so a button
from an earlier draft or step is recognised as stale and answered, never acted on.
"""
from __future__ import annotations

from telegram import InlineKeyboardButton, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes, ConversationHandler, filters

from bot.guided_flow import earlier_step, make_button, router
from bot.session import reply, texts

LOCATION, CATEGORY, ATTRIBUTE, PHOTOS, DESCRIPTION, DUPLICATES, CONFIRM, EDIT = (
    "location", "category", "attribute", "photos", "description", "duplicates", "confirm", "edit")
PAGE_SIZE = 6
MAX_PHOTOS = 3
# Which button actions each step accepts.
ACTIONS = {CATEGORY: {"cp", "c"}, ATTRIBUTE: {"a", "am", "ad", "as"}, PHOTOS: {"pd"}, DESCRIPTION: {"ds"},
           DUPLICATES: {"d", "dn"}, CONFIRM: {"ok", "ed", "x"}, EDIT: {"e"}}
CANCEL_WORDS = r"^(Cancel|cancel|取消|✖ Cancel|✖ 取消)$"
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits (a live location moving) are not answers


def draft(context: ContextTypes.DEFAULT_TYPE) -> dict:
    return context.user_data.setdefault("draft", {})


def button(draft: dict, label: str, action: str, arg: str = "") -> InlineKeyboardButton:
    return make_button("r", draft, label, action, arg)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = texts(update, context)
    context.user_data.pop("draft", None)
    if update.callback_query:
        await update.callback_query.answer()
    await reply(update, _("Cancelled. Nothing was sent. Send /report to start again."), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


def N_(text: str) -> str:
    """Marks text for the catalogue; it is translated where it is shown."""
    return text


# What the bot says at each step when the answer makes no sense there.
HINTS = {
    LOCATION: N_("Please send the location with the button below (or share a place), or /cancel."),
    CATEGORY: N_("Please choose a category with the buttons above, or /cancel."),
    ATTRIBUTE: N_("Please answer the question above, or /cancel."),
    PHOTOS: N_("Please send a photo, or press the button above to go on, or /cancel."),
    DESCRIPTION: N_("Please describe the problem in a text message, or /cancel."),
    DUPLICATES: N_("Please tell me with the buttons above whether one of these is your problem, or /cancel."),
    CONFIRM: N_("Please press Send, Edit or Cancel above."),
    EDIT: N_("Please choose what to change with the buttons above, or /cancel."),
}


stale = earlier_step


async def busy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another command in the middle of a report: the report comes first (the state is kept)."""
    _ = texts(update, context)
    await reply(update, _("You are in the middle of a report. Finish it, or send /cancel first."))


buttons_for = router("r", "draft", ACTIONS)
