"""Words of a description, the same for training, suggestion and duplicate ranking.

Chinese runs are cut by jieba (its dictionary ships in the wheel) and also kept as character
unigrams and bigrams, so an unknown word still shares characters with a known one; Latin words
are lowercased and also split into 4-character pieces, so "flicker" meets "flickering".
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+")
# A word token is marked so that it never collides with a 4-gram.
WORD_PREFIX = "w:"
_jieba = None
_jieba_lock = threading.Lock()


def _segmenter():
    """jieba, its dictionary loaded once per process (about a second, so not at import)."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _jieba = tokenizer
    return _jieba


def normalize(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").lower().strip()


def language_of(text: str | None) -> str:
    """'zh' when the text holds Chinese characters, else 'en' (the two languages the city speaks)."""
    return "zh" if _HAN.search(text or "") else "en"


def words(text: str | None) -> list[str]:
    """The whole words only: jieba's words and Latin words, marked with WORD_PREFIX."""
    clean = normalize(text)
    out = [WORD_PREFIX + w for run in _HAN.findall(clean) for w in _segmenter().lcut(run) if w.strip()]
    out += [WORD_PREFIX + w for w in _WORD.findall(clean)]
    return out


def tokens(text: str | None) -> list[str]:
    """Every feature token of a text: words, Chinese characters and bigrams, Latin 4-grams."""
    clean = normalize(text)
    out = words(clean)
    for run in _HAN.findall(clean):
        out += list(run)
        out += [run[i:i + 2] for i in range(len(run) - 1)]
    for word in _WORD.findall(clean):
        padded = f"<{word}>"
        out += [padded[i:i + 4] for i in range(len(padded) - 3)]
    return out


def digest_source(text: str | None) -> str:
    """What an embedding is computed from: the text as stored, trimmed (so a digest compares equal)."""
    return (text or "").strip()
