"""Everything outside the report and task flows: /start (with deep links), /help, /my, /privacy,
/language, /points, stale buttons, anything else, and the error handler."""
from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from bot.api_client import ApiError
from bot.i18n import LANGUAGES, translator
from bot.points import points_command
from bot.session import api, as_citizen, fresh_login, language, login, refuse_button, reply, texts
from bot.wording import status_card, status_name

log = logging.getLogger(__name__)
MY_PAGE_SIZE = 5


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await fresh_login(update, context)
    _ = texts(update, context)
    argument = context.args[0] if context.args else ""
    if argument.startswith("r_") and argument[2:].isdigit():
        return await show_report(update, context, int(argument[2:]))
    if argument.startswith("link_"):
        return await link_account(update, context, argument[5:])
    await reply(update, "\n".join([
        _("Welcome to CrowdGov, the city's help desk in your chat."),
        _("Send /report to tell the city about a problem — a pothole, a broken light, rubbish."),
        _("We pass it to the department in charge and tell you here whenever it moves. /my lists your reports."),
    ]))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await reply(update, "\n".join([
        _("/report — report a problem"), _("/my — my reports and their status"),
        _("/tasks — check reports near me and earn points"), _("/points — my points, level, badges and rank"),
        _("/language — 中文 / English"), _("/privacy — what we keep, export or delete my data"),
        _("/cancel — stop what you are doing"),
    ]))


async def link_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    if not context.args:
        await reply(update, _("Send /link followed by the code the CrowdGov app shows under Account, e.g. /link ABCD2345."))
        return
    await link_account(update, context, "".join(context.args))


async def link_account(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    """Join this Telegram user to the app's account; the next login is that citizen."""
    _ = texts(update, context)
    try:
        answer = await as_citizen(update, context, lambda token: api(context).link(token, code, language(update, context)))
    except ApiError as exc:
        if exc.status in (403, 409, 422, 429):
            await reply(update, exc.message)
            return
        raise
    await login(update, context)
    await reply(update, _("Linked: this chat and the app are now one account, %(name)s.").replace(
        "%(name)s", answer["citizen"]["display_name"]))


async def show_report(update: Update, context: ContextTypes.DEFAULT_TYPE, report_id: int) -> None:
    _ = texts(update, context)
    try:
        report = await api(context).report(report_id, language(update, context))
    except ApiError as exc:
        if exc.status == 404:
            await reply(update, _("There is no report with that number."))
            return
        raise
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("👍 Me too — add my support"),
                                                           callback_data=f"sup:{report_id}")]])
    await reply(update, status_card(_, report), reply_markup=keyboard)


async def support_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    query = update.callback_query
    await query.answer()
    report_id = int(query.data.split(":", 1)[1])
    lang = language(update, context)
    try:
        answer = await as_citizen(update, context, lambda token: api(context).support(token, report_id, lang))
    except ApiError as exc:
        await reply(update, exc.message)
        return
    if answer["already_supporting"]:
        await reply(update, _("You already support this report."))
    else:
        await reply(update, _("Thank you! You now support this report and will hear when it changes."))


async def my_reports(update: Update, context: ContextTypes.DEFAULT_TYPE, page: int = 1) -> None:
    _ = texts(update, context)
    lang = language(update, context)
    result = await as_citizen(update, context,
                              lambda token: api(context).my_reports(token, page, MY_PAGE_SIZE, lang))
    if not result["items"]:
        await reply(update, _("You have not reported anything yet. Send /report to start."))
        return
    lines = [_("Your reports (page %(page)s of %(pages)s):") % {"page": result["page"], "pages": result["pages"]}]
    for r in result["items"]:
        lines.append(f"• {r['reference']} · {r.get('category_name', '')} — {status_name(_, r['status'])}\n  {r['public_url']}")
    nav = []
    if result["page"] > 1:
        nav.append(InlineKeyboardButton(_("◀ Previous"), callback_data=f"my:{result['page'] - 1}"))
    if result["page"] < result["pages"]:
        nav.append(InlineKeyboardButton(_("More ▶"), callback_data=f"my:{result['page'] + 1}"))
    await reply(update, "\n".join(lines), reply_markup=InlineKeyboardMarkup([nav]) if nav else None)


async def my_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await my_reports(update, context, 1)


async def my_page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.callback_query.answer()
    await my_reports(update, context, int(update.callback_query.data.split(":", 1)[1]))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await reply(update, "\n".join([
        _("What we keep: your Telegram id and name, your language, your reports (place, category, photos, "
          "description) and the reports you support."),
        _("Reports are public without your name. You can take a copy of your data or delete it."),
    ]), reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(_("📄 Export my data"), callback_data="pv:export")],
                                           [InlineKeyboardButton(_("🗑 Delete my data"), callback_data="pv:delete")]]))


async def privacy_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    query = update.callback_query
    await query.answer()
    action = query.data.split(":", 1)[1]
    lang = language(update, context)
    if action == "export":
        data = await as_citizen(update, context, lambda token: api(context).export(token, lang))
        await update.effective_chat.send_document(InputFile(data, filename="crowdgov-my-data.json"),
                                                  caption=_("Everything we hold about you."))
    elif action == "delete":
        await reply(update, _("Delete all your data? Your reports stay public without your name. "
                              "This cannot be undone."),
                    reply_markup=InlineKeyboardMarkup([[
                        InlineKeyboardButton(_("Yes, delete"), callback_data="pv:delete-yes"),
                        InlineKeyboardButton(_("No, keep it"), callback_data="pv:delete-no")]]))
    elif action == "delete-yes":
        await as_citizen(update, context, lambda token: api(context).delete_me(token, lang))
        context.user_data.clear()
        await reply(update, _("Your data was deleted. If you write again, you start afresh."))
    else:
        await reply(update, _("Nothing was deleted."))


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await reply(update, _("Choose your language:"), reply_markup=InlineKeyboardMarkup([[
        InlineKeyboardButton("中文", callback_data="lang:zh_Hans"), InlineKeyboardButton("English", callback_data="lang:en")]]))


async def language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    await query.answer()
    chosen = query.data.split(":", 1)[1]
    if chosen not in LANGUAGES:
        return await stale_button(update, context)
    context.user_data["lang"] = chosen
    await as_citizen(update, context, lambda token: api(context).update_me(token, language=chosen))
    _ = translator(chosen)
    # Each catalogue says this in its own language ("I will speak Chinese" in the Chinese one).
    await reply(update, _("From now on I will speak English."))


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await reply(update, _("There is nothing to cancel. Send /report to report a problem."))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    await refuse_button(update, context, _("That button is no longer active. Send /report to report a problem, or /help."))


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    if update.message and (update.message.location or update.message.photo):
        await reply(update, _("To report a problem, send /report first and I will ask for the place and photos."))
        return
    await reply(update, _("I did not understand that. Send /report to report a problem, /my for your reports, "
                          "or /help."))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with context; tell the user politely (never a stack trace, never silence)."""
    where = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error("bot error while handling %s", where, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat:
        _ = texts(update, context) if update.effective_user else translator("zh_Hans")
        try:
            await update.effective_chat.send_message(
                _("Sorry, something went wrong on our side. Please try again in a moment."))
        except Exception:  # the chat may be gone; the log has it
            log.warning("could not tell the user about the error", exc_info=True)


def handlers() -> list:
    """The global handlers, after the report conversation (first match wins)."""
    return [
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("my", my_command),
        CommandHandler("privacy", privacy),
        CommandHandler("language", language_command),
        CommandHandler("points", points_command),
        CommandHandler("link", link_command),
        CommandHandler("cancel", nothing_to_cancel),
        CallbackQueryHandler(my_page_button, pattern=r"^my:\d+$"),
        CallbackQueryHandler(privacy_button, pattern=r"^pv:(export|delete|delete-yes|delete-no)$"),
        CallbackQueryHandler(language_button, pattern=r"^lang:"),
        CallbackQueryHandler(support_button, pattern=r"^sup:\d+$"),
        CallbackQueryHandler(stale_button),
        MessageHandler(filters.UpdateType.MESSAGE, anything_else),
    ]
