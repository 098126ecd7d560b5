"""The city as the app draws it, and the reverse lookup from our own data."""
import pytest

from backend.extensions import db
from backend.reports import service as reports
from tests import factories as f


def _report(lat, long, address, category="pothole"):
    report = reports.submit(category=category, lat=lat, long=long, attributes={"size": "small"} if category == "pothole" else {},
                            reporter=f.citizen("R"), address=address)
    return report


def test_the_city_says_its_name_extent_basemap_and_status_colours(client, city, app, monkeypatch):
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_USERNAME", "@crowdgov_bot")
    body = client.get("/api/v1/city", headers={"Accept-Language": "en"}).json
    assert body["name"] == "Shanghai" and body["timezone"] == "Asia/Shanghai"
    assert body["bounds"] == {"min_lat": 31.15, "min_long": 121.4, "max_lat": 31.3, "max_long": 121.55}
    assert body["telegram_bot_url"] == "https://t.me/crowdgov_bot"
    assert [s["code"] for s in body["statuses"]][:3] == ["submitted", "open", "acknowledged"]
    assert body["statuses"][1]["label"] == "Open" and body["statuses"][1]["colour"].startswith("#")


def test_districts_come_with_a_label_point_an_outline_and_a_feed(client, city):
    [district] = client.get("/api/v1/districts", headers={"Accept-Language": "en"}).json
    assert district["code"] == "huangpu" and district["name"] == "Huangpu"
    assert 31.20 < district["label_lat"] < 31.25 and 121.45 < district["label_long"] < 121.50
    assert district["outline"]["type"] in ("Polygon", "MultiPolygon")
    assert district["feed_url"].endswith("/feeds/districts/huangpu.atom?lang=en")


def test_reverse_lookup_gives_the_district_and_the_nearest_public_address(client, city):
    _report(31.2201, 121.4700, "12 Zhongshan Road")
    _report(31.2210, 121.4700, "99 Far Road")
    hidden = _report(31.22001, 121.4700, "Secret hidden address")
    hidden.hidden = True
    _report(31.22002, 121.4700, "Flat 3, the noisy neighbour", category="noise_nuisance")
    db.session.commit()
    body = client.get("/api/v1/places/reverse?lat=31.2200&long=121.4700", headers={"Accept-Language": "en"}).json
    assert body["inside_service_area"] is True and body["district"] == {"code": "huangpu", "name": "Huangpu"}
    assert body["nearest_address"]["address"] == "12 Zhongshan Road"
    assert body["nearest_address"]["distance_m"] == pytest.approx(11.1, abs=1)
    assert body["label"] == "Huangpu · near 12 Zhongshan Road"
    zh = client.get("/api/v1/places/reverse?lat=31.2200&long=121.4700", headers={"Accept-Language": "zh-CN"}).json
    assert zh["label"] == "黄浦区 · 12 Zhongshan Road附近"


def test_reverse_lookup_far_from_everything_says_only_what_it_knows(client, city):
    body = client.get("/api/v1/places/reverse?lat=31.60&long=121.90").json
    assert body == {"lat": 31.6, "long": 121.9, "inside_service_area": False, "district": None, "nearest_address": None,
                    "label": "31.60000, 121.90000"}


@pytest.mark.parametrize("query", ["lat=91&long=121", "lat=31&long=181", "lat=NaN&long=121", "lat=inf&long=121",
                                   "lat=abc&long=121", "lat=31", ""])
def test_reverse_lookup_refuses_hostile_coordinates(client, city, query):
    answer = client.get(f"/api/v1/places/reverse?{query}")
    assert answer.status_code == 422 and answer.json["code"] in ("invalid_coordinate", "invalid_input")
