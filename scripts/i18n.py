"""Keep an area's catalogues in step with its code.

  python scripts/i18n.py update DIR SOURCE...   extract SOURCE's messages, create/update DIR/{zh_Hans,en}
  python scripts/i18n.py missing DIR            list zh_Hans messages without a translation
  python scripts/i18n.py set DIR FILE.json      merge {"msgid": "中文"} into DIR's zh_Hans catalogue

Each area keeps its catalogue in backend/<area>/translations (the foundation's in
backend/translations, the bot's in bot/translations); Flask-Babel merges them all.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

MAPPING = [("**.py", "python"), ("**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
# The web app's scripts (backend/webapp/static/js) call t("msgid", {params}).
JS_MAPPING = [("**.js", "javascript")]
JS_KEYWORDS = {"t": None}


def _po(directory: Path, locale: str) -> Path:
    return directory / locale / "LC_MESSAGES" / "messages.po"


def _load(path: Path, locale: str) -> Catalog:
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=locale)
    return Catalog(locale=locale)


def _save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        write_po(f, catalog, width=120, omit_header=False)


def update(directory: Path, sources: list[str]) -> None:
    template = Catalog()
    for source in sources:
        src = Path(source)
        if src.is_file():
            from babel.messages.extract import extract_from_file
            method = {".html": "jinja2", ".js": "javascript"}.get(src.suffix, "python")
            found = ((str(src), lineno, msg, comments, ctx) for lineno, msg, comments, ctx in
                     extract_from_file(method, str(src), keywords=JS_KEYWORDS if method == "javascript" else KEYWORDS))
        else:
            found = [(str(src / name), lineno, msg, comments, ctx)
                     for mapping, keywords in ((MAPPING, KEYWORDS), (JS_MAPPING, JS_KEYWORDS))
                     for name, lineno, msg, comments, ctx in extract_from_dir(str(src), mapping, keywords=keywords)]
        for filename, lineno, message, comments, context in found:
            template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    for locale in ("zh_Hans", "en"):
        path = _po(directory, locale)
        catalog = _load(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _save(catalog, path)
    print(f"{len(template)} messages in {directory}; {len(missing(directory))} without a Chinese translation")


def missing(directory: Path) -> list[str]:
    catalog = _load(_po(directory, "zh_Hans"), "zh_Hans")
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]


def set_translations(directory: Path, mapping: dict) -> None:
    path = _po(directory, "zh_Hans")
    catalog = _load(path, "zh_Hans")
    for msgid, text in mapping.items():
        message = catalog.get(msgid)
        if message is None:
            print(f"not in catalogue (run update first): {msgid!r}", file=sys.stderr)
            continue
        message.string = tuple(text) if isinstance(text, list) else text
        message.flags.discard("fuzzy")
    _save(catalog, path)


if __name__ == "__main__":
    command, directory = sys.argv[1], Path(sys.argv[2])
    if command == "update":
        update(directory, sys.argv[3:])
    elif command == "missing":
        print("\n".join(missing(directory)))
    elif command == "set":
        set_translations(directory, json.loads(Path(sys.argv[3]).read_text()))
    else:
        sys.exit(__doc__)
