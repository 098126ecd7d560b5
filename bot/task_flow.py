"""/tasks: the micro-task flow, wired as one persistent ConversationHandler.

Location → nearby tasks (paged buttons) → claim (one at a time: release the held one or go on
with it) → the report's photo and description or the campaign's question → yes / no / can't tell
→ an optional photo → the answer, sent with the citizen's location. /cancel, stale buttons and
garbage are answered at every step. The outcome reaches the citizen later through the feedback channel.
"""
from __future__ import annotations

import secrets
import warnings

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, \
    filters
from telegram.warnings import PTBUserWarning

from bot.api_client import ApiError
from bot.guided_flow import hinter, show_page
from bot.report_draft import CANCEL_WORDS, NEW_MESSAGES
from bot.session import api, as_citizen, language, reply, texts
from bot.task_session import (HELD, HINTS, LIST, LOCATION, PAGE_SIZE, PHOTO, VERDICT, busy, button, buttons_for,
                              cancel, session, stale)

CAPTION_LIMIT = 1000  # Telegram allows 1024 characters under a photo


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    _ = texts(update, context)
    if context.user_data.get("draft"):
        await reply(update, _("You are in the middle of a report. Finish it, or send /cancel first."))
        return ConversationHandler.END
    context.user_data["task"] = {"nonce": secrets.token_hex(3)}
    return await ask_location(update, context)


async def ask_location(update: Update, context: ContextTypes.DEFAULT_TYPE, again: bool = False) -> str:
    _ = texts(update, context)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton(_("📍 Send my location"), request_location=True)],
                                    [KeyboardButton(_("Cancel"))]], resize_keyboard=True, one_time_keyboard=True)
    text = (_("Send your location with the button below.") if again else
            _("Where are you? Send your location and I will show the tasks near you."))
    await reply(update, text, reply_markup=keyboard)
    return LOCATION


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    point = update.message.venue.location if update.message.venue else update.message.location
    session(context).update(lat=point.latitude, long=point.longitude)
    _ = texts(update, context)
    await reply(update, _("Location received."), reply_markup=ReplyKeyboardRemove())
    return await show_tasks(update, context, 0)


# --- the list -------------------------------------------------------------------------
def distance_text(_, metres: float | None) -> str:
    if metres is None:
        return ""
    if metres >= 1000:
        return _("%(km)s km") % {"km": f"{metres / 1000:.1f}"}
    return _("%(m)s m") % {"m": int(round(metres))}


def task_title(_, task: dict) -> str:
    report = task.get("report") or {}
    if task["kind"] == "verify_report":
        return _("Check: %(what)s") % {"what": report.get("category_name", "")}
    if task["kind"] == "confirm_fix":
        return _("Fixed? %(what)s") % {"what": report.get("category_name", "")}
    return (task.get("campaign") or {}).get("title") or _("Campaign")


async def show_tasks(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int, edit: bool = False) -> str | int:
    _ = texts(update, context)
    current = session(context)
    lang = language(update, context)
    tasks = await as_citizen(update, context, lambda token: api(context).tasks_nearby(
        token, current["lat"], current["long"], lang))
    if not tasks:
        context.user_data.pop("task", None)
        await reply(update, _("There are no tasks near you right now. Try again later or somewhere else."),
                    reply_markup=ReplyKeyboardRemove())
        return ConversationHandler.END
    def label(task: dict) -> str:
        return " · ".join(x for x in (("✋ " if task.get("claimed_by_me") else "") + task_title(_, task),
                                      distance_text(_, task.get("distance_m")),
                                      _("+%(n)s points") % {"n": task["reward"]}) if x)

    await show_page(update, context, tasks, page, PAGE_SIZE,
                    lambda shown: [[button(current, label(t), "c", str(t["id"]))] for t in shown],
                    lambda text, to: button(current, text, "p", str(to)),
                    _("Tasks near you — choose one to take it:"), edit)
    return LIST


async def on_list_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str | int:
    if not arg.isdigit():
        await stale(update, context)
        return LIST
    if action == "p":
        return await show_tasks(update, context, int(arg), edit=True)
    return await take(update, context, int(arg))


# --- claiming ---------------------------------------------------------------------------
async def take(update: Update, context: ContextTypes.DEFAULT_TYPE, task_id: int) -> str | int:
    _ = texts(update, context)
    lang = language(update, context)
    try:
        claim = await as_citizen(update, context, lambda token: api(context).claim(token, task_id, lang))
    except ApiError as exc:
        if exc.status >= 500:
            raise
        if exc.code == "claim_held":
            return await offer_release(update, context, task_id, exc.message)
        await reply(update, exc.message)
        return await show_tasks(update, context, 0)
    session(context)["claimed"] = task_id
    return await show_task(update, context, claim["task"])


async def offer_release(update: Update, context: ContextTypes.DEFAULT_TYPE, wanted: int, message: str) -> str:
    _ = texts(update, context)
    current = session(context)
    lang = language(update, context)
    held = await as_citizen(update, context, lambda token: api(context).claimed_task(token, lang))
    if held is None:  # it ended meanwhile: nothing stands in the way any more
        return await take(update, context, wanted)
    current["held"] = held["task_id"]
    await reply(update, message + "\n" + _("You hold: %(task)s") % {"task": task_title(_, held["task"])},
                reply_markup=InlineKeyboardMarkup([
                    [button(current, _("Give it back and take the new one"), "rh", str(wanted))],
                    [button(current, _("Go on with the one I hold"), "kh")]]))
    return HELD


async def on_held_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str | int:
    _ = texts(update, context)
    current = session(context)
    lang = language(update, context)
    held = current.get("held")
    if action == "kh":
        claim = await as_citizen(update, context, lambda token: api(context).claimed_task(token, lang))
        if claim is None:
            await reply(update, _("That task is no longer yours (the claim ended)."))
            return await show_tasks(update, context, 0)
        current["claimed"] = claim["task_id"]
        return await show_task(update, context, claim["task"])
    if held:
        try:
            await as_citizen(update, context, lambda token: api(context).release(token, held, lang))
        except ApiError as exc:
            if exc.status >= 500:
                raise  # a 4xx means the claim already ended: the new one can be taken
        await reply(update, _("The task you held was given back."))
    return await take(update, context, int(arg)) if arg.isdigit() else await show_tasks(update, context, 0)


async def show_task(update: Update, context: ContextTypes.DEFAULT_TYPE, task: dict) -> str:
    _ = texts(update, context)
    current = session(context)
    current["kind"] = task["kind"]
    report = task.get("report") or {}
    campaign = task.get("campaign") or {}
    lines = [_("This task is yours now."), task_title(_, task)]
    if report:
        lines.append(f"{report.get('reference', '')} · {report.get('category_name', '')}")
        if report.get("description"):
            lines.append(report["description"][:500])
    elif campaign.get("instructions"):
        lines.append(campaign["instructions"][:500])
    lines.append("")
    lines.append(task["question"])
    text = "\n".join(lines)[:CAPTION_LIMIT]
    keyboard = InlineKeyboardMarkup([
        [button(current, _("✅ Yes"), "v", "yes"), button(current, _("❌ No"), "v", "no"),
         button(current, _("🤷 Can't tell"), "v", "cant_tell")],
        [button(current, _("Give this task back"), "rl")]])
    photos = report.get("photos") or []
    if photos:
        try:
            await update.effective_chat.send_photo(photos[0]["thumbnail_url"], caption=text, reply_markup=keyboard)
            return VERDICT
        except TelegramError:
            pass  # Telegram could not fetch the picture (e.g. a private host): the text still asks
    await reply(update, text, reply_markup=keyboard)
    return VERDICT


# --- answering --------------------------------------------------------------------------
async def on_verdict_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str | int:
    _ = texts(update, context)
    current = session(context)
    if action == "rl":
        return await cancel(update, context)
    if arg not in ("yes", "no", "cant_tell"):
        await stale(update, context)
        return VERDICT
    current["verdict"] = arg
    await reply(update, _("Thank you. If you can, send a photo of what you see — or skip."),
                reply_markup=InlineKeyboardMarkup([[button(current, _("Skip photo"), "ps")]]))
    return PHOTO


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | int:
    file = await context.bot.get_file(update.message.photo[-1].file_id)
    return await send_answer(update, context, bytes(await file.download_as_bytearray()))


async def on_photo_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str | int:
    return await send_answer(update, context, None)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    await reply(update, _("Please send the picture as a photo, not as a file."))
    return PHOTO


async def send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, photo: bytes | None) -> str | int:
    _ = texts(update, context)
    current = session(context)
    lang = language(update, context)
    task_id = current["claimed"]
    try:
        result = await as_citizen(update, context, lambda token: api(context).answer_task(
            token, task_id, lang, current["verdict"], current.get("lat"), current.get("long"), photo))
    except ApiError as exc:
        if exc.status >= 500:
            raise
        context.user_data.pop("task", None)
        await reply(update, _("Your answer was not accepted: %(reason)s") % {"reason": exc.message} + "\n"
                    + _("Send /tasks to look for another task."))
        return ConversationHandler.END
    context.user_data.pop("task", None)
    lines = [_("Thank you! Your answer was accepted.")]
    if result.get("low_weight_reason"):
        lines.append(_("It counts less because you were far from the place."))
    lines.append(_("I will tell you here when the check is complete. Send /tasks for another task."))
    await reply(update, "\n".join(lines))
    return ConversationHandler.END


# --- wiring -----------------------------------------------------------------------------
hint_for = hinter(HINTS, LOCATION, ask_location)
BUTTONS = {LIST: on_list_button, HELD: on_held_button, VERDICT: on_verdict_button, PHOTO: on_photo_button}


def conversation() -> ConversationHandler:
    def state(name: str, *handlers):
        buttons = [CallbackQueryHandler(buttons_for(name, BUTTONS[name]), pattern=r"^t:")] if name in BUTTONS else []
        garbage = MessageHandler(NEW_MESSAGES & ~filters.COMMAND & ~filters.Regex(CANCEL_WORDS), hint_for(name))
        return [*handlers, *buttons, garbage]

    with warnings.catch_warnings():
        # Per-chat tracking is meant: the session's nonce, not the message, tells stale buttons apart.
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CommandHandler("tasks", start)],
            states={
                LOCATION: state(LOCATION, MessageHandler((filters.LOCATION | filters.VENUE) & NEW_MESSAGES, on_location)),
                LIST: state(LIST),
                HELD: state(HELD),
                VERDICT: state(VERDICT),
                PHOTO: state(PHOTO, MessageHandler(filters.PHOTO & NEW_MESSAGES, on_photo),
                             MessageHandler(filters.Document.IMAGE & NEW_MESSAGES, on_document)),
            },
            fallbacks=[
                CommandHandler("cancel", cancel),
                MessageHandler(filters.Regex(CANCEL_WORDS) & NEW_MESSAGES, cancel),
                CommandHandler("tasks", start),
                CallbackQueryHandler(stale),
                MessageHandler(filters.COMMAND & NEW_MESSAGES, busy),
            ],
            name="tasks", persistent=True, allow_reentry=True,
        )
