"""The task doors of /api/v1: bearer auth, nearby, claim, release, answer (JSON and with a photo), campaigns."""
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.clock import utcnow
from backend.extensions import db
from backend.disclosure import projection as disclosure
from backend.reports.models import Attachment, Report
from backend.tasks import campaigns, service
from backend.tasks.models import Answer, TaskState
from tests import factories as f
from tests.tasks.conftest import HERE
from tests.tasks.test_campaigns import AREA, INSIDE, OUTSIDE


def auth(token, lang="en"):
    return {"Authorization": f"Bearer {token}", "Accept-Language": lang}


@pytest.fixture
def people(city):
    names = ["Reporter", "Wang", "Zhao", "Qian", "Sun"]
    citizens = {n: f.citizen(n) for n in names}
    db.session.commit()
    return {n: (c, f.api_token(c)) for n, c in citizens.items()}


def test_the_doors_need_a_token(client, city):
    assert client.get(f"/api/v1/tasks/nearby?lat={HERE[0]}&long={HERE[1]}").status_code == 401
    response = client.post("/api/v1/tasks/1/claim")
    assert (response.status_code, response.json["code"]) == (401, "unauthorized")


def test_verify_a_report_through_the_api(client, routed_report, people):
    reporter, reporter_token = people["Reporter"]
    report = routed_report(reporter=reporter)
    url = f"/api/v1/tasks/nearby?lat={HERE[0] + 0.001}&long={HERE[1]}"
    assert client.get(url, headers=auth(reporter_token)).json == []  # not their own
    _, wang = people["Wang"]
    [task] = client.get(url, headers=auth(wang)).json
    assert task["kind"] == "verify_report" and task["report"]["id"] == report.id
    assert task["distance_m"] == pytest.approx(111, abs=2)
    assert task["question"].startswith("Is there really a problem here as reported")
    # The reward shown is what the incentives rules pay for an agreeing verification.
    assert (task["slots_left"], task["reward"], task["claimed_by_me"]) == (3, 3, False)

    own = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth(reporter_token, "zh_Hans"))
    assert (own.status_code, own.json["code"], own.json["message"]) == (403, "own_report", "你不能核实自己提交的报告。")
    no_claim = client.post(f"/api/v1/tasks/{task['id']}/answer", json={"verdict": "yes"}, headers=auth(wang))
    assert (no_claim.status_code, no_claim.json["code"]) == (409, "no_claim")

    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth(wang))
    assert claimed.status_code == 200 and claimed.json["state"] == "active"
    assert client.get("/api/v1/tasks/claimed", headers=auth(wang)).json["task_id"] == task["id"]
    released = client.post(f"/api/v1/tasks/{task['id']}/release", headers=auth(wang))
    assert released.json["state"] == "released"
    assert client.get("/api/v1/tasks/claimed", headers=auth(wang)).status_code == 404

    outcomes = []
    for name, verdict in (("Wang", "yes"), ("Zhao", "yes"), ("Qian", "no")):
        _, token = people[name]
        assert client.post(f"/api/v1/tasks/{task['id']}/claim", headers=auth(token)).status_code == 200
        response = client.post(f"/api/v1/tasks/{task['id']}/answer", headers=auth(token),
                               json={"verdict": verdict, "lat": HERE[0], "long": HERE[1], "note": "seen it"})
        assert response.status_code == 201, response.json
        assert response.json["low_weight_reason"] is None
        outcomes.append((response.json["task_state"], response.json["outcome"]))
    assert outcomes == [("open", None), ("open", None), ("closed", "verified")]
    assert db.session.get(Report, report.id).verified is True
    assert client.get(f"/api/v1/reports/{report.id}").json["verified"] is True


def test_invalid_answers_are_refused_with_fields(client, routed_report, people):
    [task] = service.tasks_for_report(routed_report().id)
    _, token = people["Wang"]
    client.post(f"/api/v1/tasks/{task.id}/claim", headers=auth(token))
    bad = client.post(f"/api/v1/tasks/{task.id}/answer", json={"verdict": "maybe"}, headers=auth(token))
    assert (bad.status_code, bad.json["code"], list(bad.json["fields"])) == (422, "invalid_input", ["verdict"])
    bad = client.post(f"/api/v1/tasks/{task.id}/answer", json={"verdict": "yes", "lat": "north", "long": 121},
                      headers=auth(token))
    assert (bad.status_code, bad.json["code"]) == (422, "invalid_coordinate")
    far = client.post(f"/api/v1/tasks/{task.id}/answer", json={"verdict": "yes", "lat": HERE[0] + 0.01,
                                                                "long": HERE[1]}, headers=auth(token))
    assert far.status_code == 201 and far.json["low_weight_reason"] == "far_from_target"
    assert client.post("/api/v1/tasks/9999/claim", headers=auth(token)).json["code"] == "task_not_found"
    plain = client.post(f"/api/v1/tasks/{task.id}/answer", data="yes", content_type="text/plain", headers=auth(token))
    assert (plain.status_code, plain.json["code"]) == (415, "unsupported_media_type")
    listed = client.post(f"/api/v1/tasks/{task.id}/answer", json=["yes"], headers=auth(token))
    assert (listed.status_code, listed.json["code"], listed.json["fields"]) == (422, "invalid_input", {"body": "a JSON object"})


def test_an_answer_with_a_photo_keeps_it_out_of_public_view(client, routed_report, people, app):
    [task] = service.tasks_for_report(routed_report().id)
    _, token = people["Wang"]
    client.post(f"/api/v1/tasks/{task.id}/claim", headers=auth(token))
    response = client.post(f"/api/v1/tasks/{task.id}/answer", headers=auth(token), content_type="multipart/form-data",
                           data={"verdict": "yes", "lat": str(HERE[0]), "long": str(HERE[1]),
                                 "photo": (io.BytesIO(f.jpeg()), "hole.jpg")})
    assert response.status_code == 201, response.json
    answer = db.session.scalar(select(Answer))
    photo = db.session.get(Attachment, answer.photo_id)
    assert photo.report_id is None and (Path(app.config["MEDIA_DIR"]) / photo.path).exists()
    assert client.get(f"/media/{photo.path}").status_code == 404


def test_a_refused_answer_leaves_no_photo_behind(client, routed_report, people, app):
    [task] = service.tasks_for_report(routed_report().id)
    _, token = people["Wang"]  # no claim
    folder = Path(app.config["MEDIA_DIR"]) / "photos"
    before = set(folder.glob("*.jpg"))
    response = client.post(f"/api/v1/tasks/{task.id}/answer", headers=auth(token), content_type="multipart/form-data",
                           data={"verdict": "yes", "photo": (io.BytesIO(f.jpeg()), "hole.jpg")})
    assert response.json["code"] == "no_claim"
    assert db.session.scalar(select(db.func.count()).select_from(Attachment)) == 0
    assert set(folder.glob("*.jpg")) == before


def test_campaigns_are_listed_localized_and_enforce_their_area(client, people):
    now = utcnow()
    campaign = campaigns.create_campaign(
        staff=f.coordinator(), title_en="Streetlights", title_zh="路灯巡查", instructions_en="Look up.", instructions_zh="抬头看。",
        question_en="Is the light on?", question_zh="灯亮吗？", area=AREA, starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1), redundancy=1, reward_multiplier=2, target_count=4)
    campaigns.create_campaign(staff=f.coordinator(), title_en="Later", question_en="?", area=AREA, starts_at=now + timedelta(days=1),
                              ends_at=now + timedelta(days=2), target_count=1)
    [listed] = client.get("/api/v1/campaigns", headers={"Accept-Language": "zh-CN"}).json
    assert (listed["id"], listed["title"], listed["question"]) == (campaign.id, "路灯巡查", "灯亮吗？")
    assert listed["area"]["type"] == "MultiPolygon" and listed["progress"]["tasks"] == 4
    _, token = people["Sun"]
    tasks = client.get(f"/api/v1/tasks/nearby?lat={INSIDE[0]}&long={INSIDE[1]}", headers=auth(token)).json
    # Worth the incentives rule for a campaign answer (5) times the multiplier (2).
    assert len(tasks) == 4 and {t["reward"] for t in tasks} == {10}
    assert tasks[0]["campaign"]["title"] == "Streetlights" and tasks[0]["question"] == "Is the light on?"
    client.post(f"/api/v1/tasks/{tasks[0]['id']}/claim", headers=auth(token))
    outside = client.post(f"/api/v1/tasks/{tasks[0]['id']}/answer", headers=auth(token),
                          json={"verdict": "yes", "lat": OUTSIDE[0], "long": OUTSIDE[1]})
    assert (outside.status_code, outside.json["code"]) == (422, "outside_campaign_area")
    assert outside.json["message"] == "You are outside this campaign's area."
    inside = client.post(f"/api/v1/tasks/{tasks[0]['id']}/answer", headers=auth(token),
                         json={"verdict": "yes", "lat": INSIDE[0], "long": INSIDE[1]})
    assert (inside.status_code, inside.json["outcome"]) == (201, "yes")
    assert service.get(tasks[0]["id"]).state == TaskState.CLOSED


def test_a_sensitive_reports_place_is_coarsened_in_the_task(client, city, routed_report, people):
    city["pothole"].sensitive = True
    db.session.commit()
    report = routed_report(lat=31.22123, long=121.47123)
    _, token = people["Wang"]
    [task] = client.get(f"/api/v1/tasks/nearby?lat={HERE[0]}&long={HERE[1]}", headers=auth(token)).json
    assert (task["lat"], task["long"]) == disclosure.public_location(report) == (31.22125, 121.47125)


def test_answers_are_in_the_citizens_export_and_anonymized_on_erasure(client, routed_report, people, app):
    [task] = service.tasks_for_report(routed_report().id)
    wang, token = people["Wang"]
    client.post(f"/api/v1/tasks/{task.id}/claim", headers=auth(token))
    client.post(f"/api/v1/tasks/{task.id}/answer", headers=auth(token), content_type="multipart/form-data",
                data={"verdict": "no", "lat": str(HERE[0]), "long": str(HERE[1]), "note": "nothing there",
                      "photo": (io.BytesIO(f.jpeg()), "street.jpg")})
    exported = client.get("/api/v1/me/export", headers=auth(token)).json["tasks"]
    [answer] = exported["answers"]
    assert (answer["task_id"], answer["verdict"], answer["note"], answer["lat"]) == (task.id, "no", "nothing there", HERE[0])
    photo_file = Path(app.config["MEDIA_DIR"]) / answer["photo"]
    assert photo_file.exists()
    assert exported["claims"] == [{"task_id": task.id, "state": "answered", "created_at": exported["claims"][0]["created_at"]}]

    assert client.delete("/api/v1/me", headers=auth(token)).status_code == 204
    stored = db.session.scalar(select(Answer))
    assert (stored.citizen_id, stored.location, stored.note, stored.photo_id) == (None, None, "", None)
    assert stored.verdict.value == "no"  # the task's record keeps the verdict
    assert not photo_file.exists()
    assert db.session.scalar(select(db.func.count()).select_from(Attachment)) == 0
