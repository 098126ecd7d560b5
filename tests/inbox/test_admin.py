"""Admin pages: areas from GeoJSON (validated, previewed, history kept), categories,
staff accounts, API keys, response templates, and the audit log."""
from __future__ import annotations

import io
import json

from sqlalchemy import select

from backend.accounts.models import ApiKey, StaffUser
from backend.accounts.service import api_key_valid
from backend.audit.models import AuditEntry
from backend.city.area_history import AreaRevision
from backend.city.models import Area, Category
from backend.city.service import responsible_department_id
from backend.extensions import db
from backend.triage.models import ResponseTemplate

SQUARE = {"type": "Polygon", "coordinates": [[[121.41, 31.16], [121.45, 31.16], [121.45, 31.19], [121.41, 31.19], [121.41, 31.16]]]}
BOWTIE = {"type": "Polygon", "coordinates": [[[121.41, 31.16], [121.45, 31.19], [121.45, 31.16], [121.41, 31.19], [121.41, 31.16]]]}


def test_an_invalid_area_gets_a_readable_reason_and_nothing_is_saved(town, sign_in):
    admin = sign_in(town["admin"])
    before = db.session.scalar(select(db.func.count()).select_from(Area))
    for bad, words in [(BOWTIE, "not valid"), ({"type": "Point", "coordinates": [1, 2]}, "expected a Polygon"),
                       ("{not json", "not valid JSON")]:
        payload = bad if isinstance(bad, str) else json.dumps(bad)
        response = admin.post("/inbox/admin/areas/new", {"name": "x", "department_id": str(town["parks"].id),
                                                         "geojson": payload, "confirm": "1"})
        assert response.status_code == 200 and words in response.text, words
    db.session.expire_all()
    assert db.session.scalar(select(db.func.count()).select_from(Area)) == before


def test_upload_previews_first_then_saves_and_routing_uses_it(town, sign_in):
    admin = sign_in(town["admin"])
    upload = {"name": "South park", "department_id": str(town["parks"].id), "confirm": "0",
              "file": (io.BytesIO(json.dumps({"type": "Feature", "geometry": SQUARE}).encode()), "south.geojson")}
    preview = admin.post("/inbox/admin/areas/new", upload, content_type="multipart/form-data")
    assert preview.status_code == 200 and 'id="area-map"' in preview.text
    assert 'name="confirm" value="1"' in preview.text  # the save button appears only after a valid preview
    assert db.session.scalar(select(Area).where(Area.name == "South park")) is None  # not yet
    saved = admin.post("/inbox/admin/areas/new", {"name": "South park", "department_id": str(town["parks"].id),
                                                  "geojson": json.dumps(SQUARE), "confirm": "1"})
    assert saved.status_code == 302
    area = db.session.scalar(select(Area).where(Area.name == "South park"))
    assert responsible_department_id(town["bench"].id, 31.17, 121.42) == town["parks"].id
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "area.save")).target_id == str(area.id)


def test_editing_an_area_keeps_its_previous_shape(town, sign_in):
    admin = sign_in(town["admin"])
    area_id = town["west"].id
    response = admin.post(f"/inbox/admin/areas/{area_id}", {"name": "West roads (smaller)", "department_id": str(town["roads"].id),
                                                            "geojson": json.dumps(SQUARE), "confirm": "1"})
    assert response.status_code == 302
    [revision] = db.session.scalars(select(AreaRevision).where(AreaRevision.area_id == area_id)).all()
    assert revision.name == "West roads" and revision.replaced_by_staff_id == town["admin"].id
    assert responsible_department_id(town["pothole"].id, 31.28, 121.42) is None  # outside the new shape
    assert "West roads" in admin.get(f"/inbox/admin/areas/{area_id}").text


def test_categories_with_attributes_and_sla(town, sign_in):
    admin = sign_in(town["admin"])
    attributes = [{"code": "size", "datatype": "singlevaluelist", "required": True, "description": "Size",
                   "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}]}]
    bad = admin.post("/inbox/admin/categories", {"code": "graffiti", "name_en": "Graffiti", "name_zh": "涂鸦",
                                                 "default_sla_hours": "24", "attributes": '[{"code": "x", "datatype": "colour"}]',
                                                 "active": "1", "department_ids": [str(town["parks"].id)]})
    assert bad.status_code == 200 and "unknown datatype" in bad.text
    good = admin.post("/inbox/admin/categories", {"code": "graffiti", "name_en": "Graffiti", "name_zh": "涂鸦",
                                                  "default_sla_hours": "24", "attributes": json.dumps(attributes),
                                                  "active": "1", "department_ids": [str(town["parks"].id)]})
    assert good.status_code == 302
    category = db.session.scalar(select(Category).where(Category.code == "graffiti"))
    assert category.default_sla_hours == 24 and category.attributes[0]["code"] == "size"
    assert [d.code for d in category.departments] == ["parks"]


def test_staff_accounts_and_roles(town, sign_in):
    admin = sign_in(town["admin"])
    weak = admin.post("/inbox/admin/staff", {"email": "new@city.example", "name": "New", "password": "short",
                                             "role": "staff", "department_id": str(town["roads"].id)})
    assert weak.status_code == 200
    created = admin.post("/inbox/admin/staff", {"email": "new@city.example", "name": "New", "password": "a long enough password",
                                                "role": "staff", "department_id": str(town["roads"].id)})
    assert created.status_code == 302
    member = db.session.scalar(select(StaffUser).where(StaffUser.email == "new@city.example"))
    assert member.password_hash.startswith("$argon2")
    admin.post(f"/inbox/admin/staff/{member.id}", {"role": "coordinator", "department_id": "", "active": "1"})
    db.session.expire_all()
    assert db.session.get(StaffUser, member.id).role == "coordinator"
    admin.post(f"/inbox/admin/staff/{town['admin'].id}", {"role": "staff", "department_id": str(town["roads"].id), "active": "1"})
    db.session.expire_all()
    assert db.session.get(StaffUser, town["admin"].id).role == "admin"  # no self-demotion


def test_api_keys_are_shown_once_and_can_be_revoked(town, sign_in):
    admin = sign_in(town["admin"])
    page = admin.post("/inbox/admin/api-keys", {"name": "City app"}).text
    plain = page.split('<code class="key">')[1].split("</code>")[0]
    assert api_key_valid(plain) is not None
    key = db.session.scalar(select(ApiKey))
    assert plain not in admin.get("/inbox/admin/api-keys").text
    admin.post("/inbox/admin/api-keys", {"revoke": str(key.id)})
    db.session.expire_all()
    assert api_key_valid(plain) is None


def test_response_templates(town, sign_in):
    admin = sign_in(town["admin"])
    response = admin.post("/inbox/admin/templates", {"code": "fixed", "use": "resolve", "title_en": "Fixed", "title_zh": "已修复",
                                                     "body_en": "Fixed, thanks.", "body_zh": "已修复，谢谢。", "active": "1"})
    assert response.status_code == 302
    template = db.session.scalar(select(ResponseTemplate))
    assert (template.body("en"), template.body("zh_Hans")) == ("Fixed, thanks.", "已修复，谢谢。")
    assert "已修复" in sign_in(town["roads_staff"]).get(f"/inbox/reports/{town['road_report'].id}").text


def test_the_audit_log_shows_who_did_what_before_and_after(town, sign_in):
    staff = sign_in(town["roads_staff"])
    staff.post(f"/inbox/reports/{town['road_report'].id}/act/acknowledge")
    page = sign_in(town["admin"]).get("/inbox/admin/audit?action=report.acknowledge").text
    assert "report.acknowledge" in page and town["roads_staff"].name in page
    assert '<span class="k">status</span> open' in page and '<span class="k">status</span> acknowledged' in page
