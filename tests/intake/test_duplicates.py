"""Possible duplicates by meaning as well as place: GET /api/v1/reports/nearby and the inbox panel."""
from datetime import timedelta

import pytest

from backend.clock import set_clock, utcnow
from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f
from tests.intake.conftest import XUHUI, metres_north
from tests.staff_city import sign_in  # noqa: F401  (fixture)

HERE = XUHUI


def file(category, description, lat, long=HERE[1], attributes=None, **kw):
    defaults = {"broken_streetlight": {"fault": "off"}, "pothole": {"size": "large"},
                "noise_nuisance": {}, "overflowing_bin": {}}
    return reports.submit(category=category, lat=lat, long=long, description=description,
                          attributes=attributes if attributes is not None else defaults[category], **kw)


def nearby(client, lat, long=HERE[1], **params):
    response = client.get("/api/v1/reports/nearby", query_string={"lat": lat, "long": long, **params},
                          headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def street(trained, run_jobs):
    """An open streetlight report in Chinese, with an unrelated pothole and a far and an old duplicate."""
    dark = file("broken_streetlight", "路灯不亮了，晚上这一段漆黑一片", HERE[0])
    pothole = file("pothole", "Big pothole in the cycle lane", metres_north(HERE[0], 30))
    far = file("broken_streetlight", "这里的路灯坏了，晚上很黑", metres_north(HERE[0], 260))
    then = utcnow() - timedelta(days=45)
    set_clock(lambda: then)
    old = file("broken_streetlight", "路灯不亮，晚上很黑", metres_north(HERE[0], 40))
    set_clock(None)
    db.session.commit()
    run_jobs()
    return {"dark": dark, "pothole": pothole, "far": far, "old": old}


def test_a_duplicate_filed_under_another_category_in_the_other_language_is_offered(client, street):
    offered = nearby(client, metres_north(HERE[0], 90), category="pothole",
                     description="The road is pitch dark at night, none of the lamps work")
    assert [r["id"] for r in offered] == [street["dark"].id]
    first = offered[0]
    assert first["category"] == "broken_streetlight" and first["same_category"] is False
    assert first["reasons"] == ["similar_wording"] and first["similarity"] >= 0.5
    assert first["distance_m"] == pytest.approx(90, abs=1)
    assert first["reason"] == "90 m away · similar wording"
    # The shape the bot and older clients read is still there.
    assert {"id", "reference", "category_name", "status", "description", "supporters", "created_at",
            "public_url", "thumbnail_url", "score"} <= set(first)


def test_far_or_old_reports_are_not_offered_however_alike(client, street):
    offered = nearby(client, HERE[0], category="broken_streetlight", description="路灯不亮，晚上很黑")
    ids = [r["id"] for r in offered]
    assert street["dark"].id in ids
    assert street["far"].id not in ids and street["old"].id not in ids
    assert street["pothole"].id not in ids  # near, but a different problem


def test_without_a_description_only_the_same_category_close_by(client, street):
    assert [r["id"] for r in nearby(client, HERE[0], category="pothole")] == [street["pothole"].id]
    assert nearby(client, HERE[0]) == []
    offered = nearby(client, HERE[0], category="broken_streetlight")
    assert [r["id"] for r in offered] == [street["dark"].id]
    assert offered[0]["reasons"] == ["near", "same_category"]


def test_a_sensitive_report_is_found_and_measured_at_its_public_point_only(client, trained, run_jobs):
    # Exact point near the corner of its coarse cell: the public point is ~180 m north-east of it.
    exact = (31.23001, 121.47001)
    noisy = file("noise_nuisance", "工地半夜还在打桩，根本睡不着", *exact)
    db.session.commit()
    run_jobs()
    text = "Pile driving at the building site in the middle of the night"
    # 60 m from the exact place, but ~240 m from the public point: not offered, so not given away.
    assert nearby(client, exact[0] - 0.00054, exact[1], description=text, category="noise_nuisance") == []
    at_centre = nearby(client, 31.23125, 121.47125, description=text)
    assert [r["id"] for r in at_centre] == [noisy.id]
    assert at_centre[0]["distance_m"] == 0.0


def test_hidden_reports_are_never_offered(client, street):
    street["dark"].hidden = True
    db.session.commit()
    assert nearby(client, HERE[0], category="broken_streetlight", description="路灯不亮") == []


def test_the_inbox_shows_possible_duplicates_with_their_reasons(trained, run_jobs, sign_in, app):
    original = file("broken_streetlight", "路灯不亮了，晚上这一段漆黑一片", HERE[0])
    new = file("pothole", "The road is pitch dark at night, none of the lamps work", metres_north(HERE[0], 90))
    unrelated = file("overflowing_bin", "垃圾桶满了", metres_north(HERE[0], 20))
    coordinator = f.staff("coordinator", email="coord@city.example")
    coordinator.language = "en"
    db.session.commit()
    run_jobs()
    page = sign_in(coordinator).get(f"/inbox/reports/{new.id}").get_data(as_text=True)
    panel = page.split('id="possible-duplicates"', 1)[1].split("</section>", 1)[0]
    assert f"CG-{original.id:06d}" in panel and f"CG-{unrelated.id:06d}" not in panel
    assert "90 m away" in panel and "similar wording" in panel and "same category" not in panel
    # The description suggests streetlights, not the pothole it was filed under.
    suggested = page.split('id="suggested-categories"', 1)[1].split("</p>", 1)[0]
    assert "Broken streetlight" in suggested and "differs from the category chosen" in suggested
    hand_over = page.split('name="department"', 1)[1].split("</select>", 1)[0]
    assert hand_over.index("Street Lighting Office") < hand_over.index("City Sanitation Bureau")
    assert "handles Broken streetlight here (suggested)" in hand_over
