"""The labelled examples a classifier learns from.

Every category teaches its own words first (names, descriptions, keywords and attribute texts,
in both languages), so a new city with no history still gets suggestions and a new category is
suggested from the day it exists. Then every routed report is an example of its category: the
citizen chose it and a department took it; triaged reports (staff acknowledged, worked on or
closed them under that category) count double. Rejected and hidden reports teach nothing.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from backend.city.models import Category
from backend.extensions import db
from backend.reports.models import Report, ReportStatus

MAX_REPORT_EXAMPLES = 20_000
TRIAGED = (ReportStatus.ACKNOWLEDGED, ReportStatus.IN_PROGRESS, ReportStatus.RESOLVED, ReportStatus.CLOSED,
           ReportStatus.DUPLICATE)
ROUTED_WEIGHT, TRIAGED_WEIGHT, SEED_WEIGHT = 1.0, 2.0, 2.0
_KEYWORD_SPLIT = re.compile(r"[,，、;；/\n]+")


@dataclass
class Example:
    text: str
    category: str
    weight: float
    report_id: int | None = None


def seed_texts(category: Category) -> list[str]:
    texts = [category.name_en, category.name_zh, category.description_en, category.description_zh]
    texts += [k.strip() for k in _KEYWORD_SPLIT.split(category.keywords or "")]
    for definition in category.attributes or []:
        texts += [definition.get("description_en", ""), definition.get("description_zh", "")]
        texts += [v.get(f"name_{lang}", "") for v in definition.get("values") or [] for lang in ("en", "zh")]
    return [t.strip() for t in texts if t and t.strip()]


def _distinctive_seeds(categories: list[Category]) -> list[Example]:
    """Seed texts of each category, less those several categories share ("Yes", "否")."""
    per_category = {c.code: seed_texts(c) for c in categories}
    shared = Counter(t for texts in per_category.values() for t in set(texts))
    return [Example(t, code, SEED_WEIGHT) for code, texts in per_category.items() for t in dict.fromkeys(texts)
            if shared[t] == 1]


def _eligible():
    return (Report.department_id.is_not(None), Report.status != ReportStatus.REJECTED, Report.hidden.is_(False),
            Report.description != "", Category.active.is_(True))


def collect() -> list[Example]:
    categories = list(db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.code)))
    examples = _distinctive_seeds(categories)
    rows = db.session.execute(
        select(Report.id, Report.description, Report.status, Category.code).join(Category, Category.id == Report.category_id)
        .where(*_eligible()).order_by(Report.id.desc()).limit(MAX_REPORT_EXAMPLES)).all()
    examples += [Example(text, code, TRIAGED_WEIGHT if status in TRIAGED else ROUTED_WEIGHT, report_id)
                 for report_id, text, status, code in rows]
    return examples


def fingerprint() -> str:
    """Changes whenever what `collect` would return may have changed (a category's texts, a new,
    re-triaged or re-worded report), without reading every example."""
    categories = db.session.execute(select(Category.code, Category.name_en, Category.name_zh, Category.description_en,
                                           Category.description_zh, Category.keywords, Category.attributes)
                                    .where(Category.active.is_(True)).order_by(Category.code)).all()
    count, last_id, last_change = db.session.execute(
        select(func.count(), func.max(Report.id), func.max(Report.updated_at))
        .join(Category, Category.id == Report.category_id).where(*_eligible())).one()
    source = repr([tuple(map(str, c)) for c in categories]) + f"|{count}|{last_id}|{last_change}"
    return hashlib.sha256(source.encode()).hexdigest()
