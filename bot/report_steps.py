"""The steps of /report that build the draft: place, description, category (the suggested ones
first), attributes, photos."""
from __future__ import annotations

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import report_finish as finish
from bot.api_client import ApiError
from bot.guided_flow import show_page
from bot.report_draft import (ATTRIBUTE, CATEGORY, DESCRIPTION, LOCATION, MAX_PHOTOS, PAGE_SIZE, PHOTOS, button,
                              draft as _draft, stale)
from bot.session import api, language, reply, texts


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
        return await finish.summary(update, context)
    return await ask_description(update, context)


# --- category -------------------------------------------------------------------------
async def _categories(update: Update, context: ContextTypes.DEFAULT_TYPE) -> list[dict]:
    """The categories handled at the place, the ones suggested from the description first."""
    draft = _draft(context)
    everything = await api(context).categories(language(update, context))
    allowed = set(draft.get("allowed") or [])
    shown = [c for c in everything if not allowed or c["code"] in allowed] or everything
    order = {code: i for i, code in enumerate(draft.get("suggested") or [])}
    return sorted(shown, key=lambda c: order.get(c["code"], len(order)))


async def show_categories(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int, edit: bool = False) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    categories = await _categories(update, context)
    heading = _("What kind of problem is it?")
    names = {c["code"]: c["name"] for c in categories}
    suggested = [names[code] for code in draft.get("suggested") or [] if code in names]
    if suggested:
        heading += "\n" + _("💡 Suggested from your description: %(names)s") % {"names": ", ".join(suggested)}
    await show_page(update, context, categories, page, PAGE_SIZE,
                    lambda shown: [[button(draft, c["name"], "c", c["code"]) for c in shown[i:i + 2]]
                                   for i in range(0, len(shown), 2)],
                    lambda label, to: button(draft, label, "cp", str(to)), heading, edit)
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
            return await finish.summary(update, context)
        return await ask_photos(update, context)
    definition = attrs[index]
    question = definition.get("description") or definition["code"]
    if not definition.get("required"):
        question = _("%(question)s (optional)") % {"question": question}
    rows = []
    if definition["datatype"] == "singlevaluelist":
        rows = [[button(draft, v["name"] or v["key"], "a", v["key"])] for v in definition["values"]]
    elif definition["datatype"] == "multivaluelist":
        picked = draft["attributes"].get(definition["code"]) or []
        rows = [[button(draft, ("✓ " if v["key"] in picked else "") + (v["name"] or v["key"]), "am", v["key"])]
                for v in definition["values"]]
        rows.append([button(draft, _("Done"), "ad")])
        question += "\n" + _("Choose one or more, then press Done.")
    else:
        question += "\n" + (_("Type a number.") if definition["datatype"] == "number" else _("Type your answer."))
    if not definition.get("required"):
        rows.append([button(draft, _("Skip"), "as")])
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
        rows = [[button(draft, ("✓ " if v["key"] in picked else "") + (v["name"] or v["key"]), "am", v["key"])]
                for v in definition["values"]] + [[button(draft, _("Done"), "ad")]]
        if not definition.get("required"):
            rows.append([button(draft, _("Skip"), "as")])
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
                reply_markup=InlineKeyboardMarkup([[button(draft, _("Skip photos"), "pd")]]))
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
                reply_markup=InlineKeyboardMarkup([[button(draft, _("Done"), "pd")]]))
    return PHOTOS


async def on_photos_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    return await _after_photos(update, context)


async def _after_photos(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    if _draft(context).get("editing"):
        return await finish.summary(update, context)
    return await finish.offer_duplicates(update, context)


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    await reply(update, _("Please send the picture as a photo, not as a file."))
    return PHOTOS


# --- description ----------------------------------------------------------------------
async def ask_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    await reply(update, _("Describe the problem in a few words."),
                reply_markup=InlineKeyboardMarkup([[button(draft, _("Skip"), "ds")]]))
    return DESCRIPTION


async def on_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _draft(context)["description"] = update.message.text.strip()
    return await _after_description(update, context)


async def on_description_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    _draft(context)["description"] = ""
    return await _after_description(update, context)


# Suggestions this unsure are not worth putting first.
SUGGEST_FROM = 0.15


async def _after_description(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    draft = _draft(context)
    draft["suggested"] = []
    if draft.get("description"):
        try:
            answer = await api(context).suggest(draft["description"], draft["lat"], draft["long"],
                                                language(update, context))
        except ApiError as exc:  # e.g. a description too long: the citizen still chooses, and hears why at sending
            if exc.status >= 500:
                raise
            answer = {"understood": False, "suggestions": []}
        if answer["understood"]:
            draft["suggested"] = [s["category"] for s in answer["suggestions"] if s["confidence"] >= SUGGEST_FROM]
    if draft.get("editing"):
        return await finish.summary(update, context)
    return await show_categories(update, context, 0)
