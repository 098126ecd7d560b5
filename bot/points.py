"""/points: balance, a level bar, badges, ranks, reputation, impact and the public leaderboard."""
from __future__ import annotations

from typing import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.session import api, as_citizen, language, reply, texts

BAR_LENGTH = 10


def level_bar(progress: float) -> str:
    filled = max(0, min(BAR_LENGTH, int(progress * BAR_LENGTH)))
    return "▓" * filled + "░" * (BAR_LENGTH - filled) + f" {int(progress * 100)}%"


def rank_text(_: Callable[[str], str], rank: int | None) -> str:
    return f"#{rank}" if rank else _("not ranked yet")


def standing_text(_: Callable[[str], str], points: dict) -> str:
    level = points["level"]
    lines = [_("⭐ Your points: %(n)s") % {"n": points["balance"]},
             _("Level %(rank)s · %(name)s") % {"rank": level["rank"], "name": level["name"]},
             level_bar(points["progress"])]
    if points.get("next_level"):
        lines.append(_("%(n)s more points to level %(rank)s · %(name)s") % {
            "n": points["points_to_next"], "rank": points["next_level"]["rank"], "name": points["next_level"]["name"]})
    else:
        lines.append(_("You have reached the highest level."))
    badges = points.get("badges") or []
    lines.append(_("Badges: %(list)s") % {"list": ", ".join("🏅 " + b["name"] for b in badges)} if badges
                 else _("Badges: none yet"))
    if points.get("hidden_from_boards"):
        lines.append(_("Rank: you are hidden from the public boards."))
    else:
        lines.append(_("Rank: %(all)s all time · %(week)s this week") % {
            "all": rank_text(_, points["rank"].get("all")), "week": rank_text(_, points["rank"].get("week"))})
    reputation = points["reputation"]
    lines.append(_("Reputation: %(score)s%% (checks agreeing with the others: %(agreed)s, disagreeing: %(disagreed)s)")
                 % {"score": int(round(reputation["score"] * 100)), "agreed": reputation["answers_agreed"],
                    "disagreed": reputation["answers_disagreed"]})
    impact = points["impact"]
    lines.append(_("Impact: %(fixed)s of your reports were fixed; your checks helped %(people)s people.")
                 % {"fixed": impact["reports_fixed"], "people": impact["people_helped"]})
    return "\n".join(lines)


async def points_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = texts(update, context)
    lang = language(update, context)
    points = await as_citizen(update, context, lambda token: api(context).my_points(token, lang))
    board = context.application.bot_data.get("public_url", "").rstrip("/") + "/leaderboard"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(_("🏆 Public leaderboard"), url=board)]])
    await reply(update, standing_text(_, points) + "\n" + _("Earn more with /tasks and /report."),
                reply_markup=keyboard)
