"""A category attribute's texts in one language.

Definitions (Category.attributes, checked by city.service) carry each text twice,
`description_en`/`description_zh` and each list value's `name_en`/`name_zh`; older or hand-made
definitions may carry only `description`/`name`, which then serves both languages.
"""
from __future__ import annotations

from typing import Any


def localized(item: dict, base: str, language: str) -> str:
    """`item[base_zh]` or `item[base_en]` as the language asks, else whichever text it has."""
    suffix = "zh" if language.startswith("zh") else "en"
    return str(item.get(f"{base}_{suffix}") or item.get(base) or item.get(f"{base}_en") or item.get(f"{base}_zh") or "")


def attribute_label(definition: dict, language: str) -> str:
    """The question an attribute asks, or its code when it has no text."""
    return localized(definition, "description", language) or str(definition.get("code", ""))


def attribute_value(definition: dict, value: Any, language: str) -> str:
    """A stored value as a reader sees it: list keys by their names, lists joined."""
    names = {str(v.get("key")): localized(v, "name", language) for v in definition.get("values", [])}
    items = value if isinstance(value, list) else [value]
    return ", ".join(names.get(str(item)) or str(item) for item in items)
