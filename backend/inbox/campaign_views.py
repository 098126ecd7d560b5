"""Coordinators' campaign pages: list, create (area drawn on a map or uploaded as GeoJSON),
edit, pause/resume/close, progress. Every rule, who may and the audit entry are
backend/tasks/campaigns.py's and backend/tasks/policy.py's."""
from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from geoalchemy2.shape import to_shape
from sqlalchemy import select

from backend.city.models import Category
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.inbox import display
from backend.inbox.auth import current_staff
from backend.inbox.pages import bp
from backend.inbox.reauth import fresh_sign_in_required
from backend.policy import require
from backend.tasks import campaigns
from backend.tasks.policy import may_see_campaigns
from backend.tasks.models import Campaign, CampaignState

FORM_FIELDS = (*campaigns.TEXT_FIELDS, "category", "starts_at", "ends_at", "redundancy", "reward_multiplier",
               "min_level", "target_count")
STATE_LABELS = {CampaignState.ACTIVE: _l("Active"), CampaignState.PAUSED: _l("Paused"), CampaignState.CLOSED: _l("Closed")}
MAX_UPLOAD = 5_000_000


def _area_text(campaign: Campaign) -> str:
    import json

    return json.dumps(to_shape(campaign.area).__geo_interface__)


def _form_of(campaign: Campaign | None) -> dict[str, str]:
    if campaign is None:
        return {"redundancy": "3", "reward_multiplier": "1", "target_count": "20"}
    category = db.session.get(Category, campaign.category_id) if campaign.category_id else None
    form = {f: getattr(campaign, f) or "" for f in campaigns.TEXT_FIELDS}
    return {**form, "category": category.code if category else "",
            "starts_at": display.local(campaign.starts_at, "%Y-%m-%dT%H:%M"),
            "ends_at": display.local(campaign.ends_at, "%Y-%m-%dT%H:%M"),
            "redundancy": str(campaign.redundancy), "reward_multiplier": f"{campaign.reward_multiplier:g}",
            "min_level": "" if campaign.min_level is None else str(campaign.min_level),
            "target_count": str(campaign.target_count), "area": _area_text(campaign)}


def _posted() -> dict[str, str]:
    form = {f: request.form.get(f, "").strip() for f in FORM_FIELDS}
    form["area"] = request.form.get("area", "").strip()
    upload = request.files.get("area_file")
    if upload and upload.filename:
        form["area"] = upload.read(MAX_UPLOAD).decode("utf-8", "replace")
    return form


def _page(campaign: Campaign | None, form: dict[str, str], errors: dict, status: int = 200):
    categories = list(db.session.scalars(select(Category).where(Category.active.is_(True)).order_by(Category.code)))
    return render_template(
        "inbox/coordinator/campaign.html", campaign=campaign, form=form, errors=errors, categories=categories,
        progress=campaigns.progress(campaign.id) if campaign else None, state_labels=STATE_LABELS,
        answered=bool(campaign and campaigns.answer_count(campaign.id))), status


@bp.get("/campaigns")
@login_required
def campaign_list():
    require(may_see_campaigns(current_staff()))
    rows = [(c, campaigns.progress(c.id)) for c in campaigns.list_campaigns()]
    return render_template("inbox/coordinator/campaigns.html", rows=rows, state_labels=STATE_LABELS)


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def campaign_new():
    require(may_see_campaigns(current_staff()))
    if request.method == "GET":
        return _page(None, _form_of(None), {})
    form = _posted()
    values = {k: v for k, v in form.items() if k not in ("min_level", "category") or v}
    try:
        campaign = campaigns.create_campaign(staff=current_staff(), **values)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _page(None, form, exc.fields, 422)
    flash(_("Campaign created with %(n)d task points.", n=campaigns.progress(campaign.id)["tasks"]), "success")
    return redirect(url_for("inbox.campaign_edit", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@login_required
def campaign_edit(campaign_id: int):
    require(may_see_campaigns(current_staff()))
    campaign = campaigns.get(campaign_id)
    if request.method == "GET":
        return _page(campaign, _form_of(campaign), {})
    form = _posted()
    current = _form_of(campaign)
    # Send only what changed: the area and the target may not change once citizens answered.
    values = {k: v for k, v in form.items() if v != current.get(k, "")}
    if "area" in values and not values["area"]:
        del values["area"]
    if not values:
        flash(_("Nothing changed."), "info")
        return redirect(url_for("inbox.campaign_edit", campaign_id=campaign.id))
    try:
        campaign = campaigns.update_campaign(current_staff(), campaign.id, **values)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _page(campaigns.get(campaign_id), form, exc.fields, 422)
    flash(_("Campaign saved."), "success")
    return redirect(url_for("inbox.campaign_edit", campaign_id=campaign.id))


@bp.post("/campaigns/<int:campaign_id>/state")
@login_required
@fresh_sign_in_required
def campaign_state(campaign_id: int):
    require(may_see_campaigns(current_staff()))
    action = request.form.get("action", "")
    if action not in campaigns.STATE_ACTIONS:
        raise NotFound("unknown_action", _("There is nothing here."))
    try:
        campaign = campaigns.change_state(current_staff(), campaign_id, action)
    except (Conflict, Forbidden) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("inbox.campaign_edit", campaign_id=campaign_id))
    flash(_("Campaign is now: %(state)s.", state=STATE_LABELS[campaign.state]), "success")
    return redirect(url_for("inbox.campaign_edit", campaign_id=campaign.id))


@bp.get("/campaigns/<int:campaign_id>/points.json")
@login_required
def campaign_points(campaign_id: int):
    """The campaign's task points with their figures, drawn on its map."""
    from flask import jsonify

    require(may_see_campaigns(current_staff()))
    return jsonify([{k: p[k] for k in ("id", "lat", "long", "state", "answers", "outcome")}
                    for p in campaigns.task_points(campaign_id)])
