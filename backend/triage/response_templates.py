"""Bilingual response templates: what admins write once and staff pick in a public note."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from backend.accounts.models import StaffUser
from backend.audit import service as audit
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.policy import require
from backend.triage.policy import may_manage_templates
from backend.triage.models import ResponseTemplate, TemplateUse

_CODE = re.compile(r"^[a-z0-9_]{2,60}$")
FIELDS = ("title_en", "title_zh", "body_en", "body_zh")


def active(use: str | None = None) -> list[ResponseTemplate]:
    query = select(ResponseTemplate).where(ResponseTemplate.active.is_(True)).order_by(ResponseTemplate.use, ResponseTemplate.code)
    if use:
        query = query.where(ResponseTemplate.use == use)
    return list(db.session.scalars(query))


def every() -> list[ResponseTemplate]:
    return list(db.session.scalars(select(ResponseTemplate).order_by(ResponseTemplate.use, ResponseTemplate.code)))


def save(staff: StaffUser, form: dict, template_id: int | None = None) -> ResponseTemplate:
    require(may_manage_templates(staff))
    code = (form.get("code") or "").strip().lower()
    errors = {}
    if not _CODE.match(code):
        errors["code"] = _("2 to 60 lowercase letters, digits or _.")
    use = form.get("use") or TemplateUse.NOTE
    if use not in TemplateUse.ALL:
        errors["use"] = _("Choose where it is offered.")
    values = {f: (form.get(f) or "").strip() for f in FIELDS}
    for f, v in values.items():
        if not v:
            errors[f] = _("Required.")
        elif len(v) > (120 if f.startswith("title") else 2000):
            errors[f] = _("Too long.")
    if errors:
        raise ValidationFailed("invalid_template", _("Some fields need attention."), errors)
    values |= {"code": code, "use": use, "active": bool(form.get("active"))}
    template, before = audit.edit_coded_record(
        ResponseTemplate, template_id, values, taken=Conflict("code_taken", _("Another template has this code.")),
        missing=NotFound("template_not_found", _("There is no such response template.")))
    db.session.flush()
    audit.record(staff, "template.save", "response_template", template.id, before=before, after=values)
    return template
