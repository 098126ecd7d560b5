"""The public site leads to the app: how to report, "report a problem here", follow, the branded 404, maps without tiles."""
import re

import pytest

from backend.extensions import db
from backend.reports import service as reports
from tests.public import city as demo

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def town(app):
    return demo.build(reports_count=12)


def test_home_says_how_to_report_and_opens_the_app(client, town, app, monkeypatch):
    page = client.get("/?lang=en").text
    assert "Report a problem near me" in page and 'href="/app/#/report"' in page
    assert "You can also report through our Telegram bot." in page
    monkeypatch.setitem(app.config, "TELEGRAM_BOT_USERNAME", "crowdgov_bot")
    assert 'href="https://t.me/crowdgov_bot"' in client.get("/?lang=en").text
    assert "报告我附近的问题" in client.get("/?lang=zh_Hans").text


def test_a_report_page_offers_report_here_at_its_public_place_and_get_updates(client, town):
    report = town["first"]
    page = client.get(f"/r/{report.id}?lang=en").text
    lat, long = re.search(r'data-lat="([-\d.]+)" data-long="([-\d.]+)"', page).groups()
    assert f'href="/app/#/report?lat={float(lat):.6f}&amp;long={float(long):.6f}"' in page
    assert f'href="/app/#/r/{report.id}"' in page
    assert f'<link rel="alternate" type="application/atom+xml" href="/feeds/reports/{report.id}.atom"' in page
    assert f'data-status="{report.status.value}"' in page


def test_a_sensitive_report_offers_report_here_only_at_its_coarse_cell(client, town):
    sensitive = town["sensitive"]
    lat, long = reports.coordinates(sensitive)
    page = client.get(f"/r/{sensitive.id}").text
    assert f"lat={lat:.6f}" not in page and f"long={long:.6f}" not in page


@pytest.mark.parametrize("lang, words", [("en", "There is no public report number"), ("zh_Hans", "没有编号为")])
def test_a_missing_or_hidden_report_is_a_branded_localized_404(client, town, lang, words):
    for report_id in (999999, town["hidden"].id):
        answer = client.get(f"/r/{report_id}?lang={lang}")
        assert answer.status_code == 404 and words in answer.text and 'class="site-header"' in answer.text
        assert "Report a problem" in answer.text or "报告问题" in answer.text
    other = client.get(f"/no-such-page?lang={lang}")
    assert other.status_code == 404 and 'class="site-header"' in other.text
    # Machine doors keep their own 404s.
    assert client.get("/api/v1/nothing").json["code"] == "not_found"
    assert client.get("/feeds/reports/999999.atom").status_code == 404
    assert 'class="site-header"' not in client.get("/map/nothing.json").text


def test_the_districts_layer_names_every_district(client, app):
    from shapely.geometry import MultiPolygon, box

    from backend.city.models import District
    from backend.city.service import set_area_geometry

    district = District(code="huangpu", name_en="Huangpu", name_zh="黄浦区")
    set_area_geometry(district, MultiPolygon([box(121.45, 31.20, 121.50, 31.25)]))
    db.session.add(district)
    db.session.commit()
    [feature] = client.get("/map/districts.geojson?lang=zh_Hans").json["features"]
    assert feature["properties"]["name"] == "黄浦区" and feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    lat, long = feature["properties"]["label"]
    assert 31.20 < lat < 31.25 and 121.45 < long < 121.50
