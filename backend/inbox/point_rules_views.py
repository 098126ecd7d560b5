"""The coordinators' page for the incentives point rules (backend/incentives/rules.py, which audits)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from backend.errors import Forbidden, ValidationFailed
from backend.extensions import db
from backend.inbox.auth import current_staff
from backend.inbox.pages import bp
from backend.inbox.reauth import fresh_sign_in_required
from backend.incentives import rules
from backend.incentives.policy import may_see_point_rules
from backend.policy import require


@bp.route("/point-rules", methods=["GET", "POST"])
@login_required
@fresh_sign_in_required
def point_rules():
    require(may_see_point_rules(current_staff()))
    errors: dict[str, str] = {}
    if request.method == "POST":
        staff = current_staff()
        before = {row["reason"]: row["amount"] for row in rules.table()}
        changed: dict[str, int] = {}
        try:
            for reason, was in before.items():
                text = request.form.get(reason, "").strip()
                if text == "" or text == str(was):
                    continue
                try:
                    value = int(text)
                except ValueError:
                    raise ValidationFailed("invalid_amount", _("The amount must be a whole number."),
                                           {reason: _("The amount must be a whole number.")}) from None
                try:
                    changed[reason] = rules.set_amount(reason, value, staff=staff)
                except ValidationFailed as exc:
                    raise ValidationFailed(exc.code, exc.message, {reason: exc.message}) from None
        except (ValidationFailed, Forbidden) as exc:
            db.session.rollback()
            flash(exc.message, "error")
            errors = exc.fields
        else:
            flash(_("Point rules saved.") if changed else _("Nothing changed."), "success" if changed else "info")
            return redirect(url_for("inbox.point_rules"))
    return render_template("inbox/coordinator/point_rules.html", rows=rules.table(), errors=errors, form=request.form)
