"""Nearby open reports ("is this the same issue?") and "me too", once."""
import pytest

from backend import signals
from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import ActorType, ReportStatus
from tests import factories as f

# ~0.00009 degrees of latitude is 10 m.
HERE = (31.2200, 121.4700)


def make(category, lat, long, reporter=None):
    report = reports.submit(category=category, lat=lat, long=long, description="here", reporter=reporter,
                            attributes={"size": "small"} if category == "pothole" else {})
    return report


def test_without_a_description_nearby_lists_open_reports_of_the_category_nearest_first(client, city, run_jobs):
    far = make("pothole", HERE[0] + 0.00040, HERE[1])        # ~44 m
    near = make("pothole", HERE[0] + 0.00010, HERE[1])       # ~11 m
    make("pothole", HERE[0] + 0.00060, HERE[1])              # ~67 m: outside 50 m
    make("illegal_dumping", HERE[0], HERE[1])                # other category
    closed = make("pothole", HERE[0], HERE[1])
    run_jobs()
    closed = reports.get(closed.id)
    reports.transition(closed, ReportStatus.REJECTED, actor_type=ActorType.SYSTEM)
    db.session.commit()
    response = client.get(f"/api/v1/reports/nearby?lat={HERE[0]}&long={HERE[1]}&category=pothole")
    assert response.status_code == 200
    body = response.json
    assert [r["id"] for r in body] == [near.id, far.id]
    assert body[0]["distance_m"] == pytest.approx(11.1, abs=0.5)
    assert body[0]["reference"] == f"CG-{near.id:06d}"
    assert body[0]["supporters"] == 0 and body[0]["thumbnail_url"] is None
    assert set(body[0]) >= {"id", "reference", "category", "category_name", "status", "description", "distance_m",
                            "supporters", "created_at", "public_url"}


def test_the_radii_are_configurable(client, city, app, run_jobs, monkeypatch):
    make("pothole", HERE[0] + 0.00060, HERE[1])              # ~67 m, described "here"
    run_jobs()
    url = f"/api/v1/reports/nearby?lat={HERE[0]}&long={HERE[1]}&category=pothole"
    assert len(client.get(url + "&description=here").json) == 1      # worded alike within 150 m
    monkeypatch.setitem(app.config, "NEARBY_RADIUS_M", 60)
    assert client.get(url + "&description=here").json == []
    # Without a description, only the same category within DUPLICATE_NEAR_M.
    assert client.get(url).json == []
    monkeypatch.setitem(app.config, "NEARBY_RADIUS_M", 150)
    monkeypatch.setitem(app.config, "DUPLICATE_NEAR_M", 100)
    assert len(client.get(url).json) == 1


@pytest.mark.parametrize("query, status", [("lat=NaN&long=121.47&category=pothole", 422),
                                           ("lat=31.2&long=121.47&category=", 422),
                                           ("lat=31.2&long=121.47&description=" + "x" * 4001, 422),
                                           ("lat=31.2&long=121.47&category=volcano", 404),
                                           ("lat=31.2&long=-500&category=pothole", 422)])
def test_nearby_bad_inputs(client, city, query, status):
    assert client.get(f"/api/v1/reports/nearby?{query}").status_code == status


def test_support_once_and_the_signal_once(client, city):
    author = f.citizen("Author")
    report = make("pothole", *HERE, reporter=author)
    helper = f.citizen("Helper")
    token = f.api_token(helper)
    received = []

    def receiver(sender, citizen):
        received.append((sender.id, citizen.id))

    signals.report_supported.connect(receiver)
    try:
        first = client.post(f"/api/v1/reports/{report.id}/support", headers={"Authorization": f"Bearer {token}"})
        again = client.post(f"/api/v1/reports/{report.id}/support", headers={"Authorization": f"Bearer {token}"})
    finally:
        signals.report_supported.disconnect(receiver)
    assert first.json == {"supporters": 1, "already_supporting": False}
    assert again.json == {"supporters": 1, "already_supporting": True}
    assert received == [(report.id, helper.id)]
    assert client.get(f"/api/v1/reports/{report.id}").json["supporters"] == 1


def test_the_reporter_already_supports_their_own_report(client, city):
    author = f.citizen("Author")
    report = make("pothole", *HERE, reporter=author)
    response = client.post(f"/api/v1/reports/{report.id}/support",
                           headers={"Authorization": f"Bearer {f.api_token(author)}"})
    assert response.json == {"supporters": 0, "already_supporting": True}


def test_closed_missing_or_hidden_reports_take_no_support(client, city, run_jobs):
    token = f.api_token(f.citizen("Helper"))
    headers = {"Authorization": f"Bearer {token}"}
    report = make("pothole", *HERE)
    run_jobs()
    reports.transition(reports.get(report.id), ReportStatus.REJECTED, actor_type=ActorType.SYSTEM)
    db.session.commit()
    response = client.post(f"/api/v1/reports/{report.id}/support", headers=headers)
    assert response.status_code == 409 and response.json["code"] == "report_not_open"
    assert client.post("/api/v1/reports/999999/support", headers=headers).status_code == 404
    hidden = make("pothole", *HERE)
    hidden.hidden = True
    db.session.commit()
    assert client.post(f"/api/v1/reports/{hidden.id}/support", headers=headers).status_code == 404
    assert client.post(f"/api/v1/reports/{report.id}/support").status_code == 401
