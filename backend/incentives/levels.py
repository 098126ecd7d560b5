"""Levels: bilingual names and the balance at which each begins (data, in ascending order)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    rank: int  # 1 for the first level; campaigns may require a minimum rank
    code: str
    threshold: int
    name_en: str
    name_zh: str

    def name(self, language: str) -> str:
        return self.name_zh if language.startswith("zh") else self.name_en

    def as_dict(self, language: str) -> dict:
        return {"rank": self.rank, "code": self.code, "threshold": self.threshold, "name": self.name(language)}


LEVELS: tuple[Level, ...] = (
    Level(1, "newcomer", 0, "Newcomer", "新手市民"),
    Level(2, "neighbour", 50, "Good Neighbour", "热心邻里"),
    Level(3, "watcher", 200, "Street Watcher", "街巷观察员"),
    Level(4, "guardian", 600, "City Guardian", "城市守护者"),
    Level(5, "pioneer", 1500, "Civic Pioneer", "城市先锋"),
    Level(6, "hero", 5000, "City Hero", "城市英雄"),
)
BY_CODE = {level.code: level for level in LEVELS}


def level_for(balance: int) -> Level:
    reached = LEVELS[0]
    for level in LEVELS:
        if balance >= level.threshold:
            reached = level
    return reached


def next_level(level: Level) -> Level | None:
    return LEVELS[level.rank] if level.rank < len(LEVELS) else None


def progress(balance: int) -> dict:
    """Where a balance stands between its level and the next, for a progress bar."""
    current = level_for(balance)
    upcoming = next_level(current)
    if upcoming is None:
        return {"level": current, "next": None, "points_to_next": 0, "fraction": 1.0}
    span = upcoming.threshold - current.threshold
    done = max(0, balance - current.threshold)
    return {"level": current, "next": upcoming, "points_to_next": upcoming.threshold - balance,
            "fraction": round(done / span, 3)}
