"""The end of /report: nearby duplicates, the summary, edit, confirm and sending."""
from __future__ import annotations

import hashlib
import json

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes, ConversationHandler

from bot import report_steps as steps
from bot.api_client import ApiError
from bot.report_draft import CONFIRM, DUPLICATES, EDIT, button, cancel, draft as _draft
from bot.session import api, as_citizen, language, reply, texts
from bot.wording import status_name


# --- duplicates -----------------------------------------------------------------------
async def offer_duplicates(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    _ = texts(update, context)
    draft = _draft(context)
    nearby = (await api(context).nearby(draft["lat"], draft["long"], draft.get("category"), language(update, context),
                                        draft.get("description") or ""))[:3]
    if not nearby:
        return await summary(update, context)
    lines = [_("Someone may have reported this already. Is it one of these?")]
    rows = []
    for r in nearby:
        lines.append(f"\n{r['reference']} · {r['category_name']} · {status_name(_, r['status'])} · "
                     + _("%(n)s supporters") % {"n": r["supporters"]}
                     + "\n" + r["reason"]
                     + (f"\n{r['description'][:120]}" if r.get("description") else ""))
        rows.append([button(draft, _("👍 This is it: %(ref)s — add my support") % {"ref": r["reference"]}, "d",
                             str(r["id"]))])
    rows.append([button(draft, _("No, mine is new"), "dn")])
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
    rows = [[button(draft, _("✅ Send"), "ok"), button(draft, _("✏️ Edit"), "ed"), button(draft, _("✖ Cancel"), "x")]]
    await reply(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
    return CONFIRM


async def on_confirm_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str):
    _ = texts(update, context)
    draft = _draft(context)
    if action == "x":
        return await cancel(update, context)
    if action == "ed":
        rows = [[button(draft, _("Place"), "e", "location"), button(draft, _("Category and details"), "e", "category")],
                [button(draft, _("Photos"), "e", "photos"), button(draft, _("Description"), "e", "description")],
                [button(draft, _("◀ Back"), "e", "back")]]
        await reply(update, _("What would you like to change?"), reply_markup=InlineKeyboardMarkup(rows))
        return EDIT
    return await send_report(update, context)


async def on_edit_button(update: Update, context: ContextTypes.DEFAULT_TYPE, action: str, arg: str) -> str:
    draft = _draft(context)
    draft["editing"] = arg != "back"
    if arg == "location":
        return await steps.ask_location(update, context)
    if arg == "category":
        return await steps.show_categories(update, context, 0)
    if arg == "photos":
        draft["photos"] = []
        return await steps.ask_photos(update, context)
    if arg == "description":
        return await steps.ask_description(update, context)
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
