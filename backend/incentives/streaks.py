"""Days of activity (city time) and the streaks read from them.

A day counts when the citizen did something that was rewarded, dated by when they did it
(a report counts on the day it was submitted, even if it is validated later), so days may
arrive out of order; every check reads a bounded window around the new day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from backend.extensions import db
from backend.incentives.models import ActivityDay

STREAK_DAYS = 7


@dataclass(frozen=True)
class Activity:
    new_day: bool
    # The run of consecutive days that contains the day, capped at the window read.
    run: int
    # Monday of the day's week when every day of that week is now active.
    full_week: date | None


def note(citizen_id: int, day: date) -> Activity:
    inserted = db.session.scalar(
        insert(ActivityDay).values(citizen_id=citizen_id, day=day)
        .on_conflict_do_nothing(index_elements=[ActivityDay.citizen_id, ActivityDay.day])
        .returning(ActivityDay.day))
    if inserted is None:
        return Activity(False, 0, None)
    monday = day - timedelta(days=day.weekday())
    window_start = min(day - timedelta(days=STREAK_DAYS - 1), monday)
    window_end = max(day + timedelta(days=STREAK_DAYS - 1), monday + timedelta(days=6))
    days = set(db.session.scalars(select(ActivityDay.day).where(
        ActivityDay.citizen_id == citizen_id, ActivityDay.day.between(window_start, window_end))))
    run = 1
    for step in (-1, 1):
        probe = day + timedelta(days=step)
        while probe in days:
            run += 1
            probe += timedelta(days=step)
    full = all(monday + timedelta(days=n) in days for n in range(7))
    return Activity(True, run, monday if full else None)
