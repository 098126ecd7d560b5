"""The public pages: what a visitor sees, in both languages, and what they never see."""
import re
from pathlib import Path

import pytest

from backend.disclosure.projection import public_location
from backend.reports.service import coordinates
from tests.public import city as demo


@pytest.fixture
def town(app):
    return demo.build(reports_count=40)


def _public_urls(town) -> list[str]:
    urls = ["/", "/explore", "/stats", "/leaderboard", "/open-data", "/open-data/reports.geojson", "/open-data/reports.csv",
            "/stats/departments.csv", "/stats/categories.csv", "/stats/weekly.csv", "/map/areas.geojson",
            "/map/reports.json?zoom=10&bbox=121.3,31.1,121.6,31.4", "/map/reports.json?zoom=18&bbox=121.3,31.1,121.6,31.4",
            "/map/reports.json?zoom=18&bbox=121.3,31.1,121.6,31.4&hidden=true"]
    return urls + [f"/r/{r.id}" for r in town["reports"]]


def test_no_personal_or_internal_data_on_any_public_page_or_export(town, client):
    scanned = 0
    for lang in ("en", "zh_Hans"):
        for url in _public_urls(town):
            response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
            assert response.status_code == 200, url
            body = response.get_data(as_text=True)
            for what, secret in demo.SECRETS.items():
                # The leaderboard shows the display names citizens chose to show (opt-out tested
                # in test_leaderboard.py), never linked to a report.
                if url == "/leaderboard" and secret in demo.SECRETS["citizen_name"]:
                    continue
                assert secret not in body, f"{what} leaked on {url}"
            # No e-mail address or phone number of any shape either.
            assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", body), url
            assert not re.search(r"\+\d{1,3}[ -]\d{2,4}[ -]\d{3,4}[ -]\d{3,4}|(?<![\d.])1[3-9]\d{9}(?![\d.])", body), url
            scanned += len(body)
    assert scanned > 200_000


def test_hidden_and_unknown_reports_are_not_found(town, client):
    assert client.get(f"/r/{town['hidden'].id}").status_code == 404
    assert client.get("/r/999999").status_code == 404
    assert str(town["hidden"].id) not in [m for m in re.findall(r'"service_request_id":(\d+)',
                                                                client.get("/open-data/reports.geojson").get_data(as_text=True))]


def test_report_page_shows_category_status_history_supporters_and_verification(town, client):
    first = town["first"]
    page = client.get(f"/r/{first.id}?lang=en").get_data(as_text=True)
    assert first.category.name_en in page and f"#{first.id}" in page
    assert "3 supporters" in page
    assert ("Verified by citizens" if first.verified else "Not verified yet") in page
    assert "Reported" in page and "Sent to" not in page or "Roads Bureau" in page
    for event in first.events:
        if event.public and event.note:
            assert event.note in page
    lat, long = coordinates(first)
    assert f'data-lat="{lat}"' in page and f'data-long="{long}"' in page
    assert "/vendor/leaflet/leaflet.js" in page and "cdn" not in page.lower()


def test_a_sensitive_report_is_shown_coarsened_without_its_address(town, client):
    report = town["sensitive"]
    page = client.get(f"/r/{report.id}?lang=en").get_data(as_text=True)
    lat, long = public_location(report)
    exact_lat, exact_long = coordinates(report)
    assert f'data-lat="{lat}"' in page and 'data-coarse="true"' in page
    assert str(exact_lat) not in page and str(exact_long) not in page
    assert "Fuxing" not in page and "approximately" in page


def test_both_languages_and_a_switch_that_remembers(town, client):
    assert "Transparency dashboard" in client.get("/stats?lang=en").get_data(as_text=True)
    assert "透明度" in client.get("/stats?lang=zh_Hans").get_data(as_text=True)
    switched = client.get("/lang/en?next=/explore")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/explore")
    assert "lang=en" in switched.headers["Set-Cookie"]
    assert ">Map<" in client.get("/explore").get_data(as_text=True)
    client.get("/lang/zh_Hans?next=/")
    assert "地图" in client.get("/explore").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"].endswith("/")
    assert "evil" not in client.get("/lang/en?next=//evil.example/").headers["Location"]


def test_pages_are_made_for_phones_and_link_everything(town, client):
    home = client.get("/?lang=en").get_data(as_text=True)
    assert 'name="viewport"' in home
    for target in ("/explore", "/stats", "/open-data"):
        assert f'href="{target}"' in home
    docs = client.get("/open-data?lang=en").get_data(as_text=True)
    for field in ("service_request_id", "location_coarsened", "expected_datetime"):
        assert field in docs
    assert "/open311/v2/" in docs and "/open-data/reports.geojson" in docs


def test_leaflet_is_served_by_the_app(client):
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/vendor/markercluster/leaflet.markercluster.js").status_code == 200
    assert client.get("/vendor/leaflet/images/marker-icon.png").status_code == 200
    assert client.get("/vendor/nothing/x.js").status_code == 404
    assert client.get("/vendor/leaflet/../../__init__.py").status_code == 404


def test_photos_are_the_api_media_links_and_never_redacted_ones(town, app, client):
    """One mechanism for photos: public_view.photo_links, served by the API area's /media/<path>."""
    first = town["first"]
    media = Path(app.config["MEDIA_DIR"])
    media.mkdir(parents=True, exist_ok=True)
    for name in ("kept-photo.jpg", "t-kept-photo.jpg", "redacted-face.jpg", "t-redacted-face.jpg"):
        (media / name).write_bytes(b"\xff\xd8\xff\xd9")
    page = client.get(f"/r/{first.id}").get_data(as_text=True)
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert re.findall(r'<img src="([^"]+)"', page) == [f"{base}/media/t-kept-photo.jpg"]
    assert f'href="{base}/media/kept-photo.jpg"' in page
    assert "redacted-face" not in page
    assert client.get("/media/t-kept-photo.jpg").status_code == 200
    assert client.get("/media/redacted-face.jpg").status_code == 404
