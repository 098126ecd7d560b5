"""The bot's texts: gettext catalogues in bot/translations, loaded with Babel (no Flask here)."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable

from babel.support import NullTranslations, Translations

LANGUAGES = ("zh_Hans", "en")
DIRECTORY = Path(__file__).parent / "translations"


def normalize(tag: str | None, default: str = "zh_Hans") -> str:
    """Telegram's language_code (zh-hans, zh-CN, en-GB …) onto one of ours."""
    if not tag:
        return default
    primary = tag.replace("_", "-").split("-")[0].lower()
    return {"en": "en", "zh": "zh_Hans"}.get(primary, default)


@lru_cache(maxsize=None)
def _catalogue(language: str) -> NullTranslations:
    return Translations.load(str(DIRECTORY), [language], domain="messages")


def translator(language: str) -> Callable[[str], str]:
    """`_ = translator(lang)`; then `_("text")` (use `% {...}` for placeholders)."""
    return _catalogue(normalize(language)).gettext
