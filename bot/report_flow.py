"""/report: the guided flow. Location → category → attributes → photos → description →
nearby duplicates → summary (confirm / edit / cancel).

Buttons carry `r:<nonce>:<action>[:<arg>]`; the nonce belongs to one draft, so a button
from an earlier draft or step is recognised as stale and answered, never acted on.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import warnings

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, \
    ReplyKeyboardRemove, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, ConversationHandler, MessageHandler, \
    filters

from telegram.warnings import PTBUserWarning

from bot.api_client import ApiError
from bot.session import api, as_citizen, language, reply, texts
from bot.wording import status_name

LOCATION, CATEGORY, ATTRIBUTE, PHOTOS, DESCRIPTION, DUPLICATES, CONFIRM, EDIT = (
    "location", "category", "attribute", "photos", "description", "duplicates", "confirm", "edit")
PAGE_SIZE = 6
MAX_PHOTOS = 3
# Which button actions each step accepts.
ACTIONS = {CATEGORY: {"cp", "c"}, ATTRIBUTE: {"a", "am", "ad", "as"}, PHOTOS: {"pd"}, DESCRIPTION: {"ds"},
           DUPLICATES: {"d", "dn"}, CONFIRM: {"ok", "ed", "x"}, EDIT: {"e"}}
CANCEL_WORDS = r"^(Cancel|cancel|取消|✖ Cancel|✖ 取消)$"
NEW_MESSAGES = filters.UpdateType.MESSAGE  # edits (a live location moving) are not answers


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict:
    return context.user_data.setdefault("draft", {})


def _button(draft: dict, label: str, action: str, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"r:{draft['nonce']}:{action}:{arg}"[:64])


# --- entry, cancel, stale, garbage ------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    context.user_data["draft"] = {"nonce": secrets.token_hex(3), "attributes": {}, "photos": []}
    return await ask_location(update, context)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = texts(update, context)
    context.user_data.pop("draft", None)
    if update.callback_query:
        await update.callback_query.answer()
    await reply(update, _("Cancelled. Nothing was sent. Send /report to start again."), reply_markup=ReplyKeyboardRemove())
    return ConversationHandler.END


HINTS = {
    LOCATION: "Please send the location with the button below (or share a place), or /cancel.",
    CATEGORY: "Please choose a category with the buttons above, or /cancel.",
    ATTRIBUTE: "Please answer the question above, or /cancel.",
    PHOTOS: "Please send a photo, or press the button above to go on, or /cancel.",
    DESCRIPTION: "Please describe the problem in a text message, or /cancel.",
    DUPLICATES: "Please tell me with the buttons above whether one of these is your problem, or /cancel.",
    CONFIRM: "Please press Send, Edit or Cancel above.",
    EDIT: "Please choose what to change with the buttons above, or /cancel.",
}


async def _hint(update: Update, context: ContextTypes.DEFAULT_TYPE, state: str) -> str:
    _ = texts(update, context)
    await reply(update, _("I did not understand that.") + " " + _(HINTS[state]))
    if state == LOCATION:
        return await ask_location(update, context, again=True)
    return state


def hint_for(state: str):
    async def hint(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
        return await _hint(update, context, state)
    return hint


async def stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an earlier draft or step (or from before a restart): say so, change nothing."""
    _ = texts(update, context)
    await update.callback_query.answer(_("This button is no longer active."))
    await reply(update, _("That button belongs to an earlier step. Please use the latest message, or /cancel."))


async def busy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another command in the middle of a report: the report comes first (the state is kept)."""
    _ = texts(update, context)
    await reply(update, _("You are in the middle of a report. Finish it, or send /cancel first."))


def _parse(update: Update, context: ContextTypes.DEFAULT_TYPE, state: str) -> tuple[str, str] | None:
    """(action, arg) of a button valid for this draft and step, else None."""
    parts = (update.callback_query.data or "").split(":", 3)
    draft = context.user_data.get("draft") or {}
    if len(parts) != 4 or parts[0] != "r" or parts[1] != draft.get("nonce") or parts[2] not in ACTIONS.get(state, ()):
        return None
    return parts[2], parts[3]


def buttons_for(state: str, handler):
    async def route(update: Update, context: ContextTypes.DEFAULT_TYPE):
        parsed = _parse(update, context, state)
        if parsed is None:
            await stale(update, context)
            return state
        await update.callback_query.answer()
        return await handler(update, context, *parsed)
    return route


# --- location -------------------------------------------------------------------------
async def ask_location(update: Update, context: ContextTypes.DEFAULT_TYPE, again: bool = False) -> str:
    _ = texts(update, context)
    keyboard = ReplyKeyboardMarkup([[KeyboardButton(_("📍 Send my location"), request_location=True)],
                                    [KeyboardButton(_("Cancel"))]], resize_keyboard=True, one_time_keyboard=True)
    if not again:
        await reply(update, _("Where is the problem? Press the button to send your location, or share a place "
                              "(📎 → Location). A live location works too."), reply_markup=keyboard)
    else:
        await reply(update, _("Send the location with the button below."), reply_markup=keyboard)
    return LOCATION


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    message = update.message
    venue = message.venue
    point = venue.location if venue else message.location
    lat, long = point.latitude, point.longitude
    try:
        where = await api(context).where(lat, long, language(update, context))
    except ApiError as exc:
        await reply(update, _("This location cannot be used: %(reason)s") % {"reason": exc.message})
        return LOCATION
    if not where["inside_service_area"]:
        await reply(update, _("Sorry, this place is outside the area the city serves. "
                              "Send another location, or /cancel."))
        return LOCATION
    draft = _draft(context)
    draft.update(lat=lat, long=long, address=f"{venue.title}, {venue.address}"[:300] if venue else None,
                 allowed=sorted({r["category"] for r in where["responsibilities"]}))
    await reply(update, _("Got it: %(place)s") % {"place": draft["address"] or f"{lat:.5f}, {long:.5f}"},
                reply_markup=ReplyKeyboardRemove())
    if draft.get("editing") and draft.get("category"):
        return await summary(update, context)
    return await show_categories(update, context, 0)


# --- category -------------------------------------------------------------------------
async def _categories(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[dict]:
    draft = _draft(context)
    everything = await api(context).categories(language(update, context))
    allowed = set(draft.get("allowed") or [])
    return [c for c in everything if not allowed or c["code"] in allowed] or everything


async def show_categories(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int, edit: bool = False) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    categories = await _categories(update, context)
    pages = max(1, -(-len(categories) // PAGE_SIZE))
    page = max(0, min(page, pages - 1))
    shown = categories[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    rows = [[_button(draft, c["name"], "c", c["code"]) for c in shown[i:i + 2]] for i in range(0, len(shown), 2)]
    nav = []
    if page > 0:
        nav.append(_button(draft, _("◀ Previous"), "cp", str(page - 1)))
    if page < pages - 1:
        nav.append(_button(draft, _("More ▶"), "cp", str(page + 1)))
    if nav:
        rows.append(nav)
    text = _("What kind of problem is it?") + (f" ({page + 1}/{pages})" if pages > 1 else "")
    if edit and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await reply(update, text, reply_markup=InlineKeyboardMarkup(rows))
    return CATEGORY


async def on_category_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    _ = texts(update, context)
    if action == "cp":
        return await show_categories(update, context, int(arg) if arg.isdigit() else 0, edit=True)
    chosen = next((c for c in await _categories(update, context) if c["code"] == arg), None)
    if chosen is None:
        await reply(update, _("That category is not available here. Please choose another."))
        return await show_categories(update, context, 0)
    draft = _draft(context)
    draft.update(category=chosen["code"], category_name=chosen["name"], attributes={}, attr_index=0,
                 attrs=sorted(chosen.get("attributes") or [], key=lambda a: a.get("order", 0)))
    await reply(update, _("Category: %(name)s") % {"name": chosen["name"]})
    return await ask_attribute(update, context)


# --- attributes -----------------------------------------------------------------------
LIST_TYPES = ("singlevaluelist", "multivaluelist")


async def ask_attribute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    attrs, index = draft.get("attrs") or [], draft.get("attr_index", 0)
    if index >= len(attrs):
        if draft.get("editing"):
            return await summary(update, context)
        return await ask_photos(update, context)
    definition = attrs[index]
    question = definition.get("description") or definition["code"]
    if not definition.get("required"):
        question += " " + _("(optional)")
    rows = []
    if definition["datatype"] == "singlevaluelist":
        rows = [[_button(draft, v["name"] or v["key"], "a", v["key"])] for v in definition["values"]]
    elif definition["datatype"] == "multivaluelist":
        picked = draft["attributes"].get(definition["code"]) or []
        rows = [[_button(draft, ("✓ " if v["key"] in picked else "") + (v["name"] or v["key"]), "am", v["key"])]
                for v in definition["values"]]
        rows.append([_button(draft, _("Done"), "ad")])
        question += "\n" + _("Choose one or more, then press Done.")
    else:
        question += "\n" + (_("Type a number.") if definition["datatype"] == "number" else _("Type your answer."))
    if not definition.get("required"):
        rows.append([_button(draft, _("Skip"), "as")])
    await reply(update, question, reply_markup=InlineKeyboardMarkup(rows) if rows else None)
    return ATTRIBUTE


def _current_attribute(context: ContextTypes.DEFAULT_TYPE) -> dict | None:
    draft = _draft(context)
    attrs, index = draft.get("attrs") or [], draft.get("attr_index", 0)
    return attrs[index] if index < len(attrs) else None


async def _next_attribute(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _draft(context)["attr_index"] = _draft(context).get("attr_index", 0) + 1
    return await ask_attribute(update, context)


async def on_attribute_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    definition = _current_attribute(context)
    if definition is None:
        await stale(update, context)
        return ATTRIBUTE
    keys = [v["key"] for v in definition.get("values", [])]
    if action == "as" and not definition.get("required"):
        return await _next_attribute(update, context)
    if action == "a" and definition["datatype"] == "singlevaluelist" and arg in keys:
        draft["attributes"][definition["code"]] = arg
        return await _next_attribute(update, context)
    if action == "am" and definition["datatype"] == "multivaluelist" and arg in keys:
        picked = draft["attributes"].setdefault(definition["code"], [])
        picked.remove(arg) if arg in picked else picked.append(arg)
        rows = [[_button(draft, ("✓ " if v["key"] in picked else "") + (v["name"] or v["key"]), "am", v["key"])]
                for v in definition["values"]] + [[_button(draft, _("Done"), "ad")]]
        if not definition.get("required"):
            rows.append([_button(draft, _("Skip"), "as")])
        await update.callback_query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
        return ATTRIBUTE
    if action == "ad" and definition["datatype"] == "multivaluelist":
        if definition.get("required") and not draft["attributes"].get(definition["code"]):
            await reply(update, _("Please choose at least one."))
            return ATTRIBUTE
        if not draft["attributes"].get(definition["code"]):
            draft["attributes"].pop(definition["code"], None)
        return await _next_attribute(update, context)
    await stale(update, context)
    return ATTRIBUTE


async def on_attribute_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    definition = _current_attribute(context)
    if definition is None or definition["datatype"] in LIST_TYPES:
        await reply(update, _("Please choose with the buttons above, or /cancel."))
        return ATTRIBUTE
    value = update.message.text.strip()
    if definition["datatype"] == "number":
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            await reply(update, _("That is not a number. Please type a number, like 12."))
            return ATTRIBUTE
        value = int(number) if number.is_integer() else number
    elif len(value) > 200:
        await reply(update, _("That is too long (at most 200 characters)."))
        return ATTRIBUTE
    _draft(context)["attributes"][definition["code"]] = value
    return await _next_attribute(update, context)


# --- photos ---------------------------------------------------------------------------
async def ask_photos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    await reply(update, _("Send up to 3 photos of the problem, one at a time — or skip."),
                reply_markup=InlineKeyboardMarkup([[_button(draft, _("Skip photos"), "pd")]]))
    return PHOTOS


async def on_photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    photos = draft.setdefault("photos", [])
    if len(photos) >= MAX_PHOTOS:
        await reply(update, _("You already sent 3 photos."))
        return await _after_photos(update, context)
    photos.append(update.message.photo[-1].file_id)
    if len(photos) >= MAX_PHOTOS:
        await reply(update, _("Photo %(n)s of 3 received.") % {"n": len(photos)})
        return await _after_photos(update, context)
    await reply(update, _("Photo %(n)s of 3 received. Send another, or press Done.") % {"n": len(photos)},
                reply_markup=InlineKeyboardMarkup([[_button(draft, _("Done"), "pd")]]))
    return PHOTOS


async def on_photos_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    return await _after_photos(update, context)


async def _after_photos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    if _draft(context).get("editing"):
        return await summary(update, context)
    return await ask_description(update, context)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    await reply(update, _("Please send the picture as a photo, not as a file."))
    return PHOTOS


# --- description ----------------------------------------------------------------------
async def ask_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    await reply(update, _("Describe the problem in a few words."),
                reply_markup=InlineKeyboardMarkup([[_button(draft, _("Skip"), "ds")]]))
    return DESCRIPTION


async def on_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _draft(context)["description"] = update.message.text.strip()
    return await _after_description(update, context)


async def on_description_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    _draft(context)["description"] = ""
    return await _after_description(update, context)


async def _after_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    if _draft(context).get("editing"):
        return await summary(update, context)
    return await offer_duplicates(update, context)


# --- duplicates -----------------------------------------------------------------------
async def offer_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    nearby = (await api(context).nearby(draft["lat"], draft["long"], draft["category"], language(update, context)))[:3]
    if not nearby:
        return await summary(update, context)
    lines = [_("Someone may have reported this already. Is it one of these?")]
    rows = []
    for r in nearby:
        lines.append(f"\n{r['reference']} · {status_name(_, r['status'])} · "
                     + _("%(m)s m away") % {"m": int(r["distance_m"])} + " · "
                     + _("%(n)s supporters") % {"n": r["supporters"]}
                     + (f"\n{r['description'][:120]}" if r.get("description") else ""))
        rows.append([_button(draft, _("👍 This is it: %(ref)s — add my support") % {"ref": r["reference"]}, "d",
                             str(r["id"]))])
    rows.append([_button(draft, _("No, mine is new"), "dn")])
    await reply(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
    return DUPLICATES


async def on_duplicate_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str):
    _ = texts(update, context)
    if action == "dn":
        return await summary(update, context)
    lang = language(update, context)
    report_id = int(arg)
    answer = await as_citizen(update, context, lambda token: api(context).support(token, report_id, lang))
    report = await api(context).report(report_id, lang)
    if answer["already_supporting"]:
        text = _("You already support %(ref)s.") % {"ref": report["reference"]}
    else:
        text = _("Thank you! Your support was added to %(ref)s (%(n)s supporters). "
                 "You will get a message here whenever it changes.") % {"ref": report["reference"],
                                                                         "n": answer["supporters"]}
    context.user_data.pop("draft", None)
    await reply(update, text + "\n" + report["public_url"])
    return ConversationHandler.END


# --- summary, confirm, edit -----------------------------------------------------------
async def summary(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    draft["editing"] = False
    names = {a["code"]: a for a in draft.get("attrs") or []}
    lines = [_("Please check your report:"),
             _("Category: %(name)s") % {"name": draft.get("category_name", "")},
             _("Place: %(place)s") % {"place": draft.get("address") or f"{draft['lat']:.5f}, {draft['long']:.5f}"}]
    for code, value in (draft.get("attributes") or {}).items():
        definition = names.get(code, {})
        labels = {v["key"]: v["name"] for v in definition.get("values", [])}
        shown = ", ".join(labels.get(v, v) for v in value) if isinstance(value, list) else labels.get(value, value)
        lines.append(f"{definition.get('description') or code}: {shown}")
    lines.append(_("Photos: %(n)s") % {"n": len(draft.get("photos") or [])})
    lines.append(_("Description: %(text)s") % {"text": draft.get("description") or "—"})
    rows = [[_button(draft, _("✅ Send"), "ok"), _button(draft, _("✏️ Edit"), "ed"), _button(draft, _("✖ Cancel"), "x")]]
    await reply(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
    return CONFIRM


async def on_confirm_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str):
    _ = texts(update, context)
    draft = _draft(context)
    if action == "x":
        return await cancel(update, context)
    if action == "ed":
        rows = [[_button(draft, _("Place"), "e", "location"), _button(draft, _("Category and details"), "e", "category")],
                [_button(draft, _("Photos"), "e", "photos"), _button(draft, _("Description"), "e", "description")],
                [_button(draft, _("◀ Back"), "e", "back")]]
        await reply(update, _("What would you like to change?"), reply_markup=InlineKeyboardMarkup(rows))
        return EDIT
    return await send_report(update, context)


async def on_edit_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    draft = _draft(context)
    draft["editing"] = arg != "back"
    if arg == "location":
        return await ask_location(update, context)
    if arg == "category":
        return await show_categories(update, context, 0)
    if arg == "photos":
        draft["photos"] = []
        return await ask_photos(update, context)
    if arg == "description":
        return await ask_description(update, context)
    return await summary(update, context)


async def send_report(update: Update, context: ContextTypes.DEFAULT_TYPE):
    _ = texts(update, context)
    draft = _draft(context)
    lang = language(update, context)
    photos = []
    for file_id in draft.get("photos") or []:
        file = await context.bot.get_file(file_id)
        photos.append(bytes(await file.download_as_bytearray()))
    fields = {k: draft.get(k) for k in ("category", "lat", "long", "description", "attributes", "address")}
    # The same draft sent twice (a double tap, a retry after a timeout) is one report.
    key = "tg-" + hashlib.sha256(json.dumps([update.effective_user.id, draft["nonce"], fields, draft.get("photos")],
                                            sort_keys=True, default=str).encode()).hexdigest()[:40]
    try:
        created = await as_citizen(update, context,
                                   lambda token: api(context).submit(token, lang, fields, photos, key))
    except ApiError as exc:
        if exc.status >= 500:
            raise
        await reply(update, _("The report could not be sent: %(reason)s") % {"reason": exc.message} + "\n"
                    + _("Press Edit to change it, or Cancel."))
        return CONFIRM
    context.user_data.pop("draft", None)
    await reply(update, _("Thank you! Your report %(ref)s was received.") % {"ref": created["reference"]} + "\n"
                + _("Follow it here: %(url)s") % {"url": created["public_url"]} + "\n"
                + _("I will tell you here whenever its status changes."))
    return ConversationHandler.END


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
            LOCATION: state(LOCATION, MessageHandler((filters.LOCATION | filters.VENUE) & NEW_MESSAGES, on_location)),
            CATEGORY: state(CATEGORY),
            ATTRIBUTE: state(ATTRIBUTE, MessageHandler(TEXT_ANSWER & ~filters.Regex(CANCEL_WORDS), on_attribute_text)),
            PHOTOS: state(PHOTOS, MessageHandler(filters.PHOTO & NEW_MESSAGES, on_photo),
                          MessageHandler(filters.Document.IMAGE & NEW_MESSAGES, on_document)),
            DESCRIPTION: state(DESCRIPTION, MessageHandler(TEXT_ANSWER & ~filters.Regex(CANCEL_WORDS), on_description)),
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


BUTTONS = {CATEGORY: on_category_button, ATTRIBUTE: on_attribute_button, PHOTOS: on_photos_button,
           DESCRIPTION: on_description_button, DUPLICATES: on_duplicate_button, CONFIRM: on_confirm_button,
           EDIT: on_edit_button}
