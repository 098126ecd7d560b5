"""Coordinators' pages of the staff web: the city map, campaigns, point rules; the report's checks."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEntry
from backend.extensions import db
from backend.incentives import rules
from backend.tasks import campaigns
from backend.tasks.models import Campaign, CampaignState, Task

SQUARE = {"type": "Polygon", "coordinates": [[[121.41, 31.16], [121.45, 31.16], [121.45, 31.20], [121.41, 31.20], [121.41, 31.16]]]}
COORDINATOR_PAGES = ["/inbox/map", "/inbox/map/reports.json?zoom=12&bbox=121.3,31.1,121.6,31.4", "/inbox/campaigns",
                     "/inbox/campaigns/new", "/inbox/point-rules"]


def _campaign_form(**changes) -> dict:
    return {"title_en": "Broken streetlights", "title_zh": "路灯损坏", "instructions_en": "Look up at night.",
            "question_en": "Is the streetlight here working?", "category": "", "starts_at": "2026-01-01T08:00",
            "ends_at": "2099-01-01T08:00", "target_count": "12", "redundancy": "3", "reward_multiplier": "1.5",
            "min_level": "", "area": json.dumps(SQUARE), **changes}


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


@pytest.mark.parametrize("url", COORDINATOR_PAGES)
def test_department_staff_get_404_and_strangers_the_login(town, sign_in, app, url):
    assert sign_in(town["roads_staff"]).get(url).status_code == 404
    assert app.test_client().get(url).status_code == 302


def test_department_staff_cannot_post_to_coordinator_pages(town, sign_in):
    staff = sign_in(town["roads_staff"])
    assert staff.post("/inbox/campaigns/new", _campaign_form()).status_code == 404
    assert staff.post("/inbox/point-rules", {"support": "7"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    assert rules.amount(rules.Reason.SUPPORT) == rules.DEFAULTS[rules.Reason.SUPPORT].amount


def test_the_city_map_page_carries_its_staff_config_without_inline_script(town, sign_in):
    page = sign_in(town["coordinator"]).get("/inbox/map").get_data(as_text=True)
    config = json.loads(html.unescape(re.search(r"data-config='(.*?)'", page, re.S).group(1)))
    assert config["reportsUrl"] == "/inbox/map/reports.json"
    assert config["reportUrl"] == "/inbox/reports/{id}"
    assert 'name="hidden"' in page  # the staff-only switch of the filters
    assert not re.search(r"<script(?![^>]*src=)[^>]*>", page)
    assert 'href="/inbox/map"' in page  # the nav links it


def test_the_staff_layer_includes_hidden_reports_only_when_asked(town, sign_in, client):
    town["park_report"].hidden = True
    db.session.commit()
    coordinator = sign_in(town["coordinator"])
    bbox = "zoom=18&bbox=121.3,31.1,121.6,31.4"
    shown = coordinator.get(f"/inbox/map/reports.json?{bbox}").get_json()
    everything = coordinator.get(f"/inbox/map/reports.json?{bbox}&hidden=true").get_json()
    assert (shown["total"], everything["total"]) == (1, 2)
    assert client.get(f"/map/reports.json?{bbox}&hidden=true").get_json()["total"] == 1
    assert coordinator.get("/inbox/map/reports.json?zoom=12&bbox=1,2").status_code == 422


def test_a_coordinator_creates_a_campaign_through_the_page_and_it_is_audited(town, sign_in):
    coordinator = sign_in(town["coordinator"])
    response = coordinator.post("/inbox/campaigns/new", _campaign_form())
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign))
    assert response.headers["Location"].endswith(f"/inbox/campaigns/{campaign.id}")
    assert (campaign.title_zh, campaign.reward_multiplier, campaign.state) == ("路灯损坏", 1.5, CampaignState.ACTIVE)
    assert db.session.scalar(select(func.count()).select_from(Task).where(Task.campaign_id == campaign.id)) == 12
    [entry] = _audit("campaign.create")
    assert entry.staff_id == town["coordinator"].id and entry.target_id == str(campaign.id)
    listing = coordinator.get("/inbox/campaigns").get_data(as_text=True)
    assert "Broken streetlights" in listing or "路灯损坏" in listing


def test_an_uploaded_geojson_file_is_the_area(town, sign_in):
    import io

    coordinator = sign_in(town["coordinator"])
    form = _campaign_form(area="")
    form["area_file"] = (io.BytesIO(json.dumps({"type": "Feature", "geometry": SQUARE}).encode()), "area.geojson")
    assert coordinator.post("/inbox/campaigns/new", form, content_type="multipart/form-data").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 1


@pytest.mark.parametrize("area, message", [
    ({"type": "Polygon", "coordinates": [[[150.0, 10.0], [150.1, 10.0], [150.1, 10.1], [150.0, 10.0]]]}, "outside"),
    ({"type": "Point", "coordinates": [121.42, 31.17]}, "polygon"),
])
def test_the_service_refuses_a_bad_area_and_the_form_comes_back(town, sign_in, area, message):
    response = sign_in(town["coordinator"]).post("/inbox/campaigns/new", _campaign_form(title_en="Kept title", area=json.dumps(area)))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.lower() or "区域" in page
    assert 'value="Kept title"' in page
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0
    assert not _audit("campaign.create")


def test_edit_pause_resume_close_are_audited_and_the_service_refuses_wrong_moves(town, sign_in):
    campaign = campaigns.create_campaign(staff=town["coordinator"], **{k: v for k, v in _campaign_form().items()
                                                                       if k not in ("category", "min_level")})
    coordinator = sign_in(town["coordinator"])
    url = f"/inbox/campaigns/{campaign.id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "Task points" in page or "任务点" in page
    form = _campaign_form(title_en="Streetlights, second round", area=re.search(
        r'<textarea name="area"[^>]*>([^<]*)</textarea>', page).group(1).replace("&#34;", '"').replace("&quot;", '"'))
    assert coordinator.post(url, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title_en == "Streetlights, second round"
    [edit] = _audit("campaign.update")
    assert edit.before["title_en"] == "Broken streetlights" and edit.after["title_en"] == "Streetlights, second round"
    assert "area" not in edit.after  # the unchanged area was not sent again
    for action, state in (("pause", "paused"), ("resume", "active"), ("close", "closed")):
        assert coordinator.post(f"{url}/state", {"action": action}).status_code == 302
        db.session.expire_all()
        assert db.session.get(Campaign, campaign.id).state.value == state
        assert _audit(f"campaign.{action}")[-1].after == {"state": state}
    coordinator.post(f"{url}/state", {"action": "resume"})
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).state == CampaignState.CLOSED
    assert not _audit("campaign.resume")[1:]
    assert coordinator.post(f"{url}/state").status_code == 404  # no CSRF-less or unknown actions


def test_state_changes_need_the_csrf_token(town, sign_in):
    campaign = campaigns.create_campaign(staff=town["coordinator"], **{k: v for k, v in _campaign_form().items()
                                                                       if k not in ("category", "min_level")})
    coordinator = sign_in(town["coordinator"])
    assert coordinator.post(f"/inbox/campaigns/{campaign.id}/state", {"action": "pause"}, token="forged").status_code == 400
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).state == CampaignState.ACTIVE


def test_point_rules_edit_goes_through_the_rules_and_is_audited(town, sign_in):
    coordinator = sign_in(town["coordinator"])
    page = coordinator.get("/inbox/point-rules").get_data(as_text=True)
    assert 'name="support"' in page and 'name="spam_penalty"' in page
    assert coordinator.post("/inbox/point-rules", {"support": "4", "report_validated": "10"}).status_code == 302
    assert rules.amount(rules.Reason.SUPPORT) == 4
    [entry] = _audit("point_rule.update")  # only the changed rule
    assert (entry.target_id, entry.before, entry.after, entry.staff_id) == ("support", {"amount": 1}, {"amount": 4},
                                                                           town["coordinator"].id)
    refused = coordinator.post("/inbox/point-rules", {"support": "9", "spam_penalty": "20"})
    assert refused.status_code == 200 and 'class="error"' in refused.get_data(as_text=True)
    assert rules.amount(rules.Reason.SUPPORT) == 4  # nothing of a refused form is kept
    assert len(_audit("point_rule.update")) == 1
    assert sign_in(town["admin"]).post("/inbox/point-rules", {"streak_week": "20"}).status_code == 302
    assert rules.amount(rules.Reason.STREAK_WEEK) == 20


def test_the_report_page_shows_the_checks_by_citizens(town, sign_in):
    from backend.tasks import service as tasks

    report = town["road_report"]
    page = sign_in(town["roads_staff"]).get(f"/inbox/reports/{report.id}").get_data(as_text=True)
    assert 'id="verification"' in page
    state = tasks.verification_state(report.id)
    assert len(re.findall(r"<tr>\s*<td>", page.split('id="verification"')[1].split("</section>")[0])) == len(state["tasks"])
