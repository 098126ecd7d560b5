"""/report: the guided flow, wired as one persistent ConversationHandler.

Location → description → category (the ones suggested from the description first) → attributes →
photos → nearby possible duplicates (ranked by meaning) → summary (confirm / edit / cancel). /cancel, stale buttons and garbage are answered at every step.
"""
from __future__ import annotations

import secrets
import warnings

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, \
    filters
from telegram.warnings import PTBUserWarning

from bot import report_finish as finish
from bot import report_steps as steps
from bot import task_session
from bot.guided_flow import hinter
from bot.report_draft import (ATTRIBUTE, CANCEL_WORDS, CATEGORY, CONFIRM, DESCRIPTION, DUPLICATES, EDIT, HINTS,
                              LOCATION, NEW_MESSAGES, PHOTOS, busy, buttons_for, cancel, stale)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    if context.user_data.get("task"):  # /tasks is under way: it comes first, like a report does
        await task_session.busy(update, context)
        return ConversationHandler.END
    context.user_data["draft"] = {"nonce": secrets.token_hex(3), "attributes": {}, "photos": []}
    return await steps.ask_location(update, context)


TEXT_ANSWER = filters.TEXT & ~filters.COMMAND & NEW_MESSAGES


def conversation() -> ConversationHandler:
    def state(name: str, *handlers):
        buttons = [CallbackQueryHandler(buttons_for(name, BUTTONS[name]), pattern=r"^r:")] if name in BUTTONS else []
        # Anything else said at this step gets the step's hint (never silence).
        garbage = MessageHandler(NEW_MESSAGES & ~filters.COMMAND & ~filters.Regex(CANCEL_WORDS), hint_for(name))
        return [*handlers, *buttons, garbage]

    with warnings.catch_warnings():
        # Per-chat tracking is meant: the draft's nonce, not the message, tells stale buttons apart.
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return _conversation(state)


def _conversation(state) -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("report", start)],
        states={
            LOCATION: state(LOCATION, MessageHandler((filters.LOCATION | filters.VENUE) & NEW_MESSAGES, steps.on_location)),
            CATEGORY: state(CATEGORY),
            ATTRIBUTE: state(ATTRIBUTE, MessageHandler(TEXT_ANSWER & ~filters.Regex(CANCEL_WORDS), steps.on_attribute_text)),
            PHOTOS: state(PHOTOS, MessageHandler(filters.PHOTO & NEW_MESSAGES, steps.on_photo),
                          MessageHandler(filters.Document.IMAGE & NEW_MESSAGES, steps.on_document)),
            DESCRIPTION: state(DESCRIPTION, MessageHandler(TEXT_ANSWER & ~filters.Regex(CANCEL_WORDS), steps.on_description)),
            DUPLICATES: state(DUPLICATES),
            CONFIRM: state(CONFIRM),
            EDIT: state(EDIT),
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(filters.Regex(CANCEL_WORDS) & NEW_MESSAGES, cancel),
            CommandHandler("report", start),
            CallbackQueryHandler(stale),
            MessageHandler(filters.COMMAND & NEW_MESSAGES, busy),
        ],
        name="report", persistent=True, allow_reentry=True,
    )


hint_for = hinter(HINTS, LOCATION, steps.ask_location)
BUTTONS = {CATEGORY: steps.on_category_button, ATTRIBUTE: steps.on_attribute_button, PHOTOS: steps.on_photos_button,
           DESCRIPTION: steps.on_description_button, DUPLICATES: finish.on_duplicate_button, CONFIRM: finish.on_confirm_button,
           EDIT: finish.on_edit_button}
