"""Admin pages: departments, areas (GeoJSON upload with a preview), categories, staff,
API keys, response templates and the audit log. Who may open each page is asked of the policy
of the area whose rules it edits (the same one its service asks); rules live in the areas."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from backend import parameters
from backend.accounts import policy as accounts_policy, staff_admin
from backend.accounts.models import StaffRole, StaffUser
from backend.audit import service as audit
from backend.audit.policy import may_read_audit_log
from backend.city import policy as city_policy
from backend.city import admin as city_admin
from backend.city.models import Area, Category, Department
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.i18n import LANGUAGES
from backend.inbox.auth import current_staff
from backend.policy import require
from backend.triage import response_templates
from backend.triage.policy import may_manage_templates
from backend.triage.models import ResponseTemplate, TemplateUse
from backend.inbox.reauth import fresh_sign_in_response

bp = Blueprint("inbox_admin", __name__, url_prefix="/inbox/admin")
RECOVERABLE = (ValidationFailed, Conflict, Forbidden)


PAGE_POLICIES = {
    "inbox_admin.home": city_policy.may_manage_departments,
    "inbox_admin.departments": city_policy.may_manage_departments,
    "inbox_admin.areas": city_policy.may_manage_areas,
    "inbox_admin.area": city_policy.may_manage_areas,
    "inbox_admin.categories": city_policy.may_manage_categories,
    "inbox_admin.staff": accounts_policy.may_manage_staff,
    "inbox_admin.api_keys": accounts_policy.may_manage_api_keys,
    "inbox_admin.templates": may_manage_templates,
    "inbox_admin.audit_log": may_read_audit_log,
}


@bp.before_request
@login_required
def _ask_the_policy():
    rule = PAGE_POLICIES.get(request.endpoint or "")
    if rule is None:
        abort(404)
    require(rule(current_staff()))


bp.before_request(fresh_sign_in_response)  # after the role check: every admin page needs a recent password


def _failed(exc) -> dict:
    db.session.rollback()
    flash(exc.message, "error")
    return exc.fields


def _save(save, saved_message: str, list_endpoint: str):
    """Run a POSTed form's rule: on success go back to the list (the request commits); on a domain
    error roll back and return the field errors for the form shown again. Returns (response, errors)."""
    try:
        save()
    except RECOVERABLE as exc:
        return None, _failed(exc)
    flash(saved_message, "success")
    return redirect(url_for(list_endpoint)), {}


def _get_or_404(model, object_id):
    found = db.session.get(model, object_id) if object_id is not None else None
    if object_id is not None and found is None:
        abort(404)
    return found


@bp.get("/")
def home():
    return redirect(url_for("inbox_admin.departments"))


@bp.route("/departments", methods=["GET", "POST"])
@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
def departments(department_id: int | None = None):
    department = _get_or_404(Department, department_id)
    errors: dict = {}
    if request.method == "POST":
        done, errors = _save(lambda: city_admin.save_department(current_staff(), request.form, department_id),
                             _("Department saved."), "inbox_admin.departments")
        if done:
            return done
    return render_template("inbox/admin/departments.html", department=department, errors=errors, form=request.form,
                           departments=list(db.session.scalars(select(Department).order_by(Department.code))))


@bp.get("/areas")
def areas():
    rows = list(db.session.scalars(select(Area).order_by(Area.department_id, Area.name)))
    return render_template("inbox/admin/areas.html", areas=rows)


@bp.route("/areas/new", methods=["GET", "POST"])
@bp.route("/areas/<int:area_id>", methods=["GET", "POST"])
def area(area_id: int | None = None):
    """Upload → preview (validated, drawn on a map) → save. The GeoJSON travels back in the form."""
    existing = _get_or_404(Area, area_id)
    errors: dict = {}
    preview = None
    form = {"name": existing.name if existing else "", "department_id": str(existing.department_id) if existing else "",
            "geojson": city_admin.area_geojson(existing) if existing else ""}
    if request.method == "POST":
        form = {"name": request.form.get("name", ""), "department_id": request.form.get("department_id", ""),
                "geojson": request.form.get("geojson", "")}
        upload = request.files.get("file")
        if upload and upload.filename:
            form["geojson"] = upload.read(20_000_000).decode("utf-8", "replace")
        try:
            geom = city_admin.parse_area_geojson(form["geojson"])
            form["geojson"] = city_admin.geojson_of(geom)
            if request.form.get("confirm") == "1":
                saved = city_admin.save_area(current_staff(), department_id=form["department_id"], name=form["name"],
                                             geojson=form["geojson"], area_id=area_id)
                flash(_("Area saved."), "success")
                return redirect(url_for("inbox_admin.area", area_id=saved.id))
            preview = form["geojson"]
            flash(_("The GeoJSON is valid. Check the preview, then save."), "info")
        except RECOVERABLE as exc:
            errors = _failed(exc)
    return render_template("inbox/admin/area.html", area=existing, form=form, errors=errors, preview=preview,
                           current=city_admin.area_geojson(existing) if existing else None,
                           revisions=city_admin.area_revisions(existing.id) if existing else [],
                           departments=list(db.session.scalars(select(Department).order_by(Department.code))))


@bp.route("/categories", methods=["GET", "POST"])
@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
def categories(category_id: int | None = None):
    category = _get_or_404(Category, category_id)
    errors: dict = {}
    if request.method == "POST":
        form = request.form.to_dict()
        form["department_ids"] = request.form.getlist("department_ids")
        done, errors = _save(lambda: city_admin.save_category(current_staff(), form, category_id),
                             _("Category saved."), "inbox_admin.categories")
        if done:
            return done
    return render_template("inbox/admin/categories.html", category=category, errors=errors, form=request.form,
                           categories=list(db.session.scalars(select(Category).order_by(Category.group, Category.code))),
                           departments=list(db.session.scalars(select(Department).order_by(Department.code))))


@bp.route("/staff", methods=["GET", "POST"])
@bp.route("/staff/<int:staff_id>", methods=["GET", "POST"])
def staff(staff_id: int | None = None):
    member = _get_or_404(StaffUser, staff_id)
    errors: dict = {}
    if request.method == "POST":
        f = request.form

        def save():
            if member is None:
                staff_admin.create_staff_user(current_staff(), email=f.get("email", ""), name=f.get("name", ""),
                                              password=f.get("password", ""), role=f.get("role", ""),
                                              department_id=f.get("department_id"), language=f.get("language", "zh_Hans"))
            else:
                staff_admin.update_staff_user(current_staff(), member.id, role=f.get("role", ""),
                                              department_id=f.get("department_id"), active=bool(f.get("active")),
                                              password=f.get("password", ""))

        done, errors = _save(save, _("Staff account saved."), "inbox_admin.staff")
        if done:
            return done
    return render_template("inbox/admin/staff.html", member=member, errors=errors, form=request.form,
                           members=staff_admin.staff_users(), roles=list(StaffRole), languages=LANGUAGES,
                           departments=list(db.session.scalars(select(Department).order_by(Department.code))))


@bp.route("/api-keys", methods=["GET", "POST"])
def api_keys():
    plain = None
    if request.method == "POST":
        try:
            if request.form.get("revoke"):
                staff_admin.revoke_api_key(current_staff(), parameters.identifier(request.form["revoke"], "revoke"))
                flash(_("API key revoked."), "success")
            else:
                _key, plain = staff_admin.create_api_key(current_staff(), request.form.get("name", ""))
                flash(_("Copy the key now: it is shown only once."), "info")
        except RECOVERABLE as exc:
            _failed(exc)
        except ValueError:
            abort(404)
    return render_template("inbox/admin/api_keys.html", keys=staff_admin.api_keys(), plain=plain)


@bp.route("/templates", methods=["GET", "POST"])
@bp.route("/templates/<int:template_id>", methods=["GET", "POST"])
def templates(template_id: int | None = None):
    template = _get_or_404(ResponseTemplate, template_id)
    errors: dict = {}
    if request.method == "POST":
        done, errors = _save(lambda: response_templates.save(current_staff(), request.form, template_id),
                             _("Response template saved."), "inbox_admin.templates")
        if done:
            return done
    return render_template("inbox/admin/templates.html", template=template, errors=errors, form=request.form,
                           templates=response_templates.every(), uses=TemplateUse.ALL)


@bp.get("/audit")
def audit_log():
    before = request.args.get("before", "")
    entries = audit.entries(action=request.args.get("action") or None, target_type=request.args.get("target_type") or None,
                            target_id=request.args.get("target_id") or None,
                            before_id=parameters.optional_identifier(before, "before"))
    staff_names = {s.id: s.name for s in staff_admin.staff_users()}
    return render_template("inbox/admin/audit.html", entries=entries, actions=audit.actions(), staff_names=staff_names,
                           next_before=entries[-1].id if len(entries) == audit.PAGE_SIZE else None)
