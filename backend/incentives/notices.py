"""Congratulations for a badge or a level, handed to the feedback area to push on the citizen's channel."""
from __future__ import annotations

from typing import Callable

from flask_babel import force_locale

from backend.feedback import service as feedback


def in_both_languages(render: Callable[[str], str]) -> dict:
    """"text_en"/"text_zh" for the payload: the feed and the pusher show them as they are."""
    texts = {}
    for language, key in (("en", "text_en"), ("zh_Hans", "text_zh")):
        with force_locale(language):
            texts[key] = str(render(language))
    return texts


def congratulate(citizen_id: int, kind: str, code: str, payload: dict) -> int | None:
    """One notification per (citizen, kind, code), ever: a retried award tells nobody twice.

    kind is "badge" or "level"; the subject key is "<kind>:<code>". The feedback area pushes it.
    """
    return feedback.notify(citizen_id, kind=kind, subject_key=f"{kind}:{code}", payload=payload)
