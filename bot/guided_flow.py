"""What the guided flows (/report, /tasks) share: their inline buttons and the answer to garbage.

Buttons carry `<prefix>:<nonce>:<action>:<arg>`. The nonce belongs to one run of a flow (kept in user_data under the flow's key), so a button
from an earlier run or another step is recognised as stale and answered, never acted on.
"""
from __future__ import annotations

from typing import Awaitable, Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.session import refuse_button, reply, texts

Handler = Callable[..., Awaitable]


def make_button(prefix: str, run: dict, label: str, action: str, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{prefix}:{run['nonce']}:{action}:{arg}"[:64])


async def earlier_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button from an earlier run or step (or from before a restart): say so, change nothing."""
    _ = texts(update, context)
    await refuse_button(update, context,
                        _("That button belongs to an earlier step. Please use the latest message, or /cancel."))


def parse(update: Update, context: ContextTypes.DEFAULT_TYPE, prefix: str, key: str,
          allowed: set[str]) -> tuple[str, str] | None:
    """(action, arg) of a button valid for the flow's current run and step, else None."""
    parts = (update.callback_query.data or "").split(":", 3)
    run = context.user_data.get(key) or {}
    if len(parts) != 4 or parts[0] != prefix or parts[1] != run.get("nonce") or parts[2] not in allowed:
        return None
    return parts[2], parts[3]


def router(prefix: str, key: str, actions: dict[str, set[str]]) -> Callable[[str, Handler], Handler]:
    """`router(...)(state, handler)`: the step's button handler, called as handler(update, context, action, arg)."""
    def buttons_for(state: str, handler: Handler) -> Handler:
        async def route(update: Update, context: ContextTypes.DEFAULT_TYPE):
            parsed = parse(update, context, prefix, key, actions.get(state, set()))
            if parsed is None:
                await earlier_step(update, context)
                return state
            await update.callback_query.answer()
            return await handler(update, context, *parsed)
        return route
    return buttons_for


def hinter(hints: dict[str, str], location_state: str, ask_location: Handler) -> Callable[[str], Handler]:
    """`hinter(...)(state)`: what a step answers to anything it cannot use (never silence): its hint,
    and at the location step the location button again."""
    def hint_for(state: str) -> Handler:
        async def hint(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
            _ = texts(update, context)
            await reply(update, _("I did not understand that.") + " " + _(hints[state]))
            if state == location_state:
                return await ask_location(update, context, again=True)
            return state
        return hint
    return hint_for


async def show_page(update: Update, context: ContextTypes.DEFAULT_TYPE, items: list, page: int, size: int,
                    rows_of: Callable[[list], list], page_button: Callable[[str, int], InlineKeyboardButton],
                    heading: str, edit: bool) -> None:
    """One page of `items` as button rows (`rows_of(shown)`) with ◀ / ▶ under them; turning the
    page edits the message in place."""
    _ = texts(update, context)
    pages = max(1, -(-len(items) // size))
    page = max(0, min(page, pages - 1))
    rows = rows_of(items[page * size:(page + 1) * size])
    nav = ([page_button(_("◀ Previous"), page - 1)] if page > 0 else []) + \
          ([page_button(_("More ▶"), page + 1)] if page < pages - 1 else [])
    if nav:
        rows.append(nav)
    text = heading + (f" ({page + 1}/{pages})" if pages > 1 else "")
    if edit and update.callback_query:
        await update.callback_query.edit_message_text(text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await reply(update, text, reply_markup=InlineKeyboardMarkup(rows))
