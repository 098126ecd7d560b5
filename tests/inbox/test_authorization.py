"""The authorization matrix over HTTP: each role × each action × own/other department.

Department staff act on their own department's reports; another department's report is a
404 (page, actions, photos), and nothing about it changes. Coordinators and admins act everywhere.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.reports.models import Attachment, Report, ReportEvent
from tests import factories as f

ACTIONS = {
    "acknowledge": {},
    "start": {},
    "resolve": {"note": "fixed"},
    "reject": {"reason": "private_property"},
    "duplicate": None,  # filled with an original in the same department
    "hand_over": None,  # filled with the other department
    "internal_note": {"note": "internal"},
    "public_note": {"note": "public"},
    "hide": {"note": "abuse"},
    "redact_phrase": {"phrase": "secret"},
}
# Coordinators and admins only, even on the department's own reports (refused with a message).
CITY_WIDE_ONLY = {"hide"}


def _fresh(town, side: str) -> Report:
    if side == "roads":
        return f.routed_report(town["pothole"], 31.2, 121.43, "hole with a secret")
    return f.routed_report(town["bench"], 31.2, 121.52, "bench with a secret")


def _counts(report_id: int) -> tuple[int, int]:
    events = db.session.scalar(select(func.count()).select_from(ReportEvent).where(ReportEvent.report_id == report_id))
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.target_type == "report",
                                                                                  AuditEntry.target_id == str(report_id)))
    return events, audits


@pytest.mark.parametrize("role,side,allowed", [
    ("roads_staff", "roads", True), ("roads_staff", "parks", False),
    ("parks_staff", "parks", True), ("parks_staff", "roads", False),
    ("coordinator", "roads", True), ("coordinator", "parks", True),
    ("admin", "roads", True), ("admin", "parks", True),
])
def test_every_action_by_role_and_department(town, sign_in, role, side, allowed):
    member = sign_in(town[role])
    other_department = town["parks"] if side == "roads" else town["roads"]
    problems = []
    for action, data in ACTIONS.items():
        report = _fresh(town, side)
        if action == "duplicate":
            data = {"original": str(_fresh(town, side).id)}
        if action == "hand_over":
            data = {"department": str(other_department.id)}
        before = _counts(report.id)
        response = member.post(f"/inbox/reports/{report.id}/act/{action}", data)
        db.session.expire_all()
        after = _counts(report.id)
        if allowed and action in CITY_WIDE_ONLY and role.endswith("_staff"):
            ok = response.status_code == 302 and after == before
        elif allowed:
            ok = response.status_code == 302 and after[0] == before[0] + 1 and after[1] == before[1] + 1
        else:
            ok = response.status_code == 404 and after == before
        if not ok:
            problems.append((action, response.status_code, before, after))
    assert problems == []


@pytest.mark.parametrize("role,allowed", [("roads_staff", False), ("parks_staff", True), ("coordinator", True), ("admin", True)])
def test_viewing_a_report_and_its_photos(town, sign_in, role, allowed, app, tmp_path):
    media = tmp_path
    app.config["MEDIA_DIR"] = str(media)
    (media / "p.jpg").write_bytes(b"\xff\xd8photo")
    (media / "t.jpg").write_bytes(b"\xff\xd8thumb")
    photo = Attachment(report_id=town["park_report"].id, path="p.jpg", thumbnail_path="t.jpg", content_type="image/jpeg",
                       width=1, height=1)
    db.session.add(photo)
    db.session.commit()
    member = sign_in(town[role])
    report_id = town["park_report"].id
    page = member.get(f"/inbox/reports/{report_id}")
    thumb = member.get(f"/inbox/reports/{report_id}/photos/{photo.id}/thumb")
    assert page.status_code == (200 if allowed else 404)
    assert thumb.status_code == (200 if allowed else 404)
    if allowed:
        assert thumb.data == b"\xff\xd8thumb" and "no-store" in thumb.headers["Cache-Control"]
    else:
        assert "bench" not in page.text  # nothing of the report leaks
        assert member.get("/inbox/reports/999999").status_code == 404  # same answer as a missing one


def test_staff_lists_only_their_department(town, sign_in):
    roads = sign_in(town["roads_staff"]).get("/inbox/").text
    assert f"CG-{town['road_report'].id:06d}" in roads and f"CG-{town['park_report'].id:06d}" not in roads
    everything = sign_in(town["coordinator"]).get("/inbox/").text
    assert f"CG-{town['road_report'].id:06d}" in everything and f"CG-{town['park_report'].id:06d}" in everything


def test_bulk_skips_reports_of_other_departments(town, sign_in):
    member = sign_in(town["roads_staff"])
    member.post("/inbox/bulk", {"ids": [str(town["road_report"].id), str(town["park_report"].id)], "action": "acknowledge"})
    db.session.expire_all()
    assert db.session.get(Report, town["road_report"].id).status == "acknowledged"
    assert db.session.get(Report, town["park_report"].id).status == "open"


@pytest.mark.parametrize("role,allowed", [("roads_staff", False), ("coordinator", True), ("admin", True)])
def test_blocking_a_citizen_is_for_coordinators_and_admins(town, sign_in, role, allowed):
    sign_in(town[role]).post(f"/inbox/citizens/{town['reporter'].id}/block", {"note": "spam"})
    db.session.expire_all()
    assert db.session.get(type(town["reporter"]), town["reporter"].id).blocked is allowed


@pytest.mark.parametrize("role,allowed", [("roads_staff", False), ("coordinator", False), ("admin", True)])
def test_admin_pages_are_for_admins(town, sign_in, role, allowed):
    member = sign_in(town[role])
    for page in ["departments", "areas", "categories", "staff", "api-keys", "templates", "audit"]:
        assert member.get(f"/inbox/admin/{page}").status_code == (200 if allowed else 403), page
    before = db.session.scalar(select(func.count()).select_from(type(town["roads"])))
    member.post("/inbox/admin/departments", {"code": "water", "name_en": "Water", "name_zh": "水务"})
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(type(town["roads"]))) == before + (1 if allowed else 0)


def test_contact_details_only_for_coordinators_and_admins(town, sign_in):
    from backend.accounts.models import CitizenContact

    db.session.add(CitizenContact(citizen_id=town["reporter"].id, email="wang@example.cn", phone="13800000000"))
    db.session.commit()
    url = f"/inbox/reports/{town['road_report'].id}"
    assert "wang@example.cn" not in sign_in(town["roads_staff"]).get(url).text
    assert "wang@example.cn" in sign_in(town["coordinator"]).get(url).text
    assert "wang@example.cn" in sign_in(town["admin"]).get(url).text


def test_signed_out_visitors_are_sent_to_the_login(client, town):
    for url in ["/inbox/", f"/inbox/reports/{town['road_report'].id}", "/inbox/admin/departments", "/inbox/escalations"]:
        response = client.get(url)
        assert response.status_code == 302 and "/inbox/login" in response.headers["Location"], url
