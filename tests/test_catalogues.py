"""Every text a user can meet is in both languages: each message the code asks gettext for (Python,
Jinja templates, the web app's t()) has a Chinese translation in the catalogue that serves it."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}


def _asked(source: Path, mapping: list, keywords: dict) -> set[str]:
    found = set()
    for _name, _line, message, _comments, _context in extract_from_dir(str(source), mapping, keywords=keywords):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _translated(directories: list[Path]) -> set[str]:
    known = set()
    for directory in directories:
        with (directory / "zh_Hans" / "LC_MESSAGES" / "messages.po").open("rb") as f:
            for message in read_po(f, locale="zh_Hans"):
                text = message.string if isinstance(message.string, str) else all(message.string) and message.string[0]
                if message.id and text and not message.fuzzy:
                    known.add(message.id if isinstance(message.id, str) else message.id[0])
    return known


BACKEND_CATALOGUES = [ROOT / "backend" / "translations",
                      *sorted(p.parent for p in (ROOT / "backend").glob("*/translations/zh_Hans"))]


@pytest.mark.parametrize("door, source, mapping, keywords, catalogues", [
    # Flask-Babel merges the foundation's and every area's catalogue for the server's texts.
    ("server", ROOT / "backend", [("static/**", "ignore"), ("**.py", "python"), ("**.html", "jinja2")], KEYWORDS,
     BACKEND_CATALOGUES),
    ("web app", ROOT / "backend" / "webapp" / "static" / "js", [("**.js", "javascript")], {"t": None},
     [ROOT / "backend" / "webapp" / "translations"]),
    ("bot", ROOT / "bot", [("**.py", "python")], KEYWORDS, [ROOT / "bot" / "translations"]),
])
def test_every_message_has_a_chinese_translation(door, source, mapping, keywords, catalogues):
    asked = _asked(source, mapping, keywords)
    assert len(asked) > 50, f"{door}: the extractor found almost nothing ({len(asked)})"
    missing = sorted(asked - _translated(catalogues))
    assert not missing, f"{door}: {len(missing)} messages without a Chinese translation, e.g. {missing[:10]}"
