"""Hostile input at every door (the API, Open311, the staff forms, the bot's API calls):
a clear 4xx in that door's error format, nothing half-stored, injected markup shown escaped."""
import io
import json

import pytest
from sqlalchemy import func, select

from backend.city.models import Area
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.reports.models import Attachment, Report
from backend.tasks import campaigns
from tests import factories as f

SCRIPT = "<script>alert('x')</script>"
INJECTIONS = ["'; DROP TABLE report; --", "1 OR 1=1", "\" onmouseover=\"alert(1)", SCRIPT,
              "<img src=x onerror=alert(1)>", "%00\x00nul"]
INSIDE = {"lat": 31.20, "long": 121.42}


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _stored() -> tuple[int, int]:
    return _count(Report), _count(Attachment)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def token(town):
    return f.api_token(town["reporter"])


def api_error(response, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    if status:
        assert response.status_code == status
    body = response.get_json()
    assert isinstance(body, dict) and isinstance(body.get("code"), str) and body.get("message"), body
    return body


# --- the API -------------------------------------------------------------------------------------

def test_an_oversized_body_is_413_and_stores_nothing(app, client, token, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    before = _stored()
    big = {"category": "pothole", **INSIDE, "description": "x" * 200_000}
    assert api_error(client.post("/api/v1/reports", json=big, headers=bearer(token)), 413)["code"] == "request_too_large"
    photo = {"category": "pothole", "lat": "31.2", "long": "121.42",
             "photos": (io.BytesIO(b"\xff\xd8" + b"0" * 200_000), "big.jpg")}
    api_error(client.post("/api/v1/reports", data=photo, headers=bearer(token), content_type="multipart/form-data"), 413)
    assert _stored() == before


@pytest.mark.parametrize("body", [
    "[" * 100_000 + "]" * 100_000,                         # deeper than any parser's recursion
    '{"category": "pothole", "attributes": ' + '{"a":' * 5000 + "1" + "}" * 5000 + "}",
    b'{"category": "pothole", "description": "\xff\xfe broken"}',  # invalid UTF-8
    '{"category": "pothole", "lat": NaN, "long": Infinity}',
    '{"category": "pothole", "lat": 1e999, "long": -1e999}',
    "not json at all",
    '{"category": ["pothole"], "lat": {"$gt": 0}, "long": true}',
])
def test_malformed_json_is_a_clean_4xx(client, token, body):
    before = _stored()
    api_error(client.post("/api/v1/reports", data=body, headers=bearer(token), content_type="application/json"))
    assert _stored() == before


@pytest.mark.parametrize("lat,long", [(91, 121.4), (-90.5, 0), (31.2, 181), (31.2, -1e300), ("1e400", 121.4),
                                      ("nan", "nan"), ("", ""), ("31.2°", "121.4"), (None, None)])
def test_absurd_coordinates_are_refused_with_the_field_named(client, token, lat, long):
    before = _stored()
    body = api_error(client.post("/api/v1/reports", json={"category": "pothole", "lat": lat, "long": long,
                                                           "description": "x"}, headers=bearer(token)))
    assert body.get("fields"), body
    assert _stored() == before
    api_error(client.get("/api/v1/reports/nearby", query_string={"lat": str(lat), "long": str(long)}))


def test_broken_multipart_is_a_clean_4xx(client, token):
    before = _stored()
    truncated = (b"--XyZ\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\npothole\r\n"
                 b"--XyZ\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"a.jpg\"\r\n"
                 b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0 half a photo")
    # A newline inside a part's name: the parser cannot read the name at all.
    unnamed = (b"--XyZ\r\nContent-Disposition: form-data; name=\"\n\"\r\n\r\nnull\r\n"
               b"--XyZ\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\npothole\r\n--XyZ--\r\n")
    for content_type, payload in [("multipart/form-data; boundary=XyZ", truncated),
                                  ("multipart/form-data", b"no boundary at all"),
                                  ("multipart/form-data; boundary=XyZ", b"--XyZ--\r\n"),
                                  ("multipart/form-data; boundary=XyZ", unnamed)]:
        response = client.post("/api/v1/reports", data=payload, headers={**bearer(token), "Content-Type": content_type})
        api_error(response)
    not_a_photo = {"category": "pothole", "lat": "31.2", "long": "121.42", "description": "x",
                   "photos": (io.BytesIO(b"<?php system($_GET['c']); ?>"), "../../shell.php.jpg")}
    api_error(client.post("/api/v1/reports", data=not_a_photo, headers=bearer(token), content_type="multipart/form-data"))
    assert _stored() == before


@pytest.mark.parametrize("query", [b"lat=%ff%fe&long=121.4", b"lat=31.2&long=121.4&radius=%c3%28",
                                   b"lat=31.2%00&long=121.4", b"lat=31.2' OR '1'='1&long=121.4"])
def test_bad_query_strings_are_a_clean_4xx(client, query):
    api_error(client.get("/api/v1/reports/nearby?" + query.decode("latin-1")))


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_stored_literally(client, token, text):
    before = _count(Report)
    response = client.post("/api/v1/reports", json={"category": "pothole", **INSIDE, "description": text},
                           headers=bearer(token))
    if "\x00" in text:  # PostgreSQL text cannot hold NUL: refused, not half-stored
        assert api_error(response)["code"] == "invalid_text"
        assert _count(Report) == before
        return
    assert response.status_code == 201, response.json
    assert db.session.get(Report, response.json["id"]).description == text
    assert _count(Report) == before + 1  # the DROP TABLE did nothing


def test_search_parameters_with_sql_do_not_reach_the_database_as_sql(client, town):
    for value in INJECTIONS[:3]:
        response = client.get("/api/v1/where", query_string={"lat": value, "long": value})
        api_error(response)
    assert _count(Report) == 2


def test_path_traversal_in_media_names_finds_nothing(client):
    for name in ["../../etc/passwd", "..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/etc/passwd", "/etc/passwd",
                 "....//....//etc/passwd", "a/../../../backend/config.py", "x%00.jpg"]:
        response = client.get(f"/media/{name}")
        if response.status_code == 308:  # werkzeug merges the double slash, staying under /media/
            assert response.headers["Location"].startswith(("/media/", "http://localhost/media/"))
            response = client.get(response.headers["Location"])
        assert response.status_code in (400, 404, 422), (name, response.status_code)
        assert b"root:" not in response.data and b"def load" not in response.data


# --- stored markup is shown escaped -----------------------------------------------------------------

def test_injected_script_is_escaped_on_the_public_and_inbox_report_pages(client, token, town, sign_in, run_jobs):
    hostile = f"{SCRIPT}<img src=x onerror=alert(2)>\"'><b>"
    created = client.post("/api/v1/reports", json={"category": "pothole", **INSIDE, "description": hostile,
                                                    "address": SCRIPT}, headers=bearer(token))
    assert created.status_code == 201, created.json
    run_jobs()
    report_id = created.json["id"]
    public = client.get(f"/r/{report_id}")
    inbox = sign_in(town["roads_staff"]).get(f"/inbox/reports/{report_id}")
    for page in (public, inbox):
        assert page.status_code == 200
        assert "&lt;script&gt;alert(" in page.text, "the description is shown"
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    api = client.get(f"/api/v1/reports/{report_id}").json
    assert api["description"] == hostile  # JSON carries the text as it was typed


def test_a_staff_note_with_markup_is_escaped_on_the_public_page(client, town, sign_in):
    staff = sign_in(town["roads_staff"])
    report = town["road_report"]
    page = staff.get(f"/inbox/reports/{report.id}")
    assert page.status_code == 200
    forms = [line for line in page.text.splitlines() if "<form" in line and "method=\"post\"" in line.lower()]
    assert forms, "the report page has forms"
    response = staff.post(f"/inbox/reports/{report.id}/note", {"body": SCRIPT, "public": "1", "text": SCRIPT})
    assert response.status_code in (302, 303, 400, 404)
    for url in (f"/r/{report.id}", f"/inbox/reports/{report.id}"):
        text = (client.get(url) if url.startswith("/r/") else staff.get(url)).text
        assert "<script>alert" not in text


# --- Open311 -----------------------------------------------------------------------------------------

def open311_error(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    body = response.get_json()
    assert isinstance(body, list) and set(body[0]) == {"code", "description"}, body
    return body


def _open311(key, **extra):
    data = {"api_key": key, "service_code": "pothole", "lat": "31.2", "long": "121.42", "description": "hole"}
    data.update(extra)
    return data


def test_open311_hostile_posts_are_open311_errors_and_store_nothing(app, client, town, monkeypatch):
    key = f.api_key()
    before = _stored()
    for bad in [{"lat": "91"}, {"long": "1e999"}, {"lat": "nan"}, {"lat": "31.2' OR 1=1 --"},
                {"service_code": "pothole' OR '1'='1"}, {"api_key": "' OR 1=1 --"}, {"description": "x\x00y"}]:
        open311_error(client.post("/open311/v2/requests.json", data=_open311(key, **bad)))
    raw = b"api_key=" + key.encode() + b"&service_code=pothole&lat=31.2&long=121.42&description=%ff%fe"
    open311_error(client.post("/open311/v2/requests.json", data=raw,
                              content_type="application/x-www-form-urlencoded"))
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 64 * 1024)
    open311_error(client.post("/open311/v2/requests.json", data=_open311(key, description="x" * 200_000)))
    open311_error(client.get("/open311/v2/requests.json?service_request_id=%ff%fe"))
    assert _stored() == before


def test_open311_stores_markup_literally_and_the_public_page_escapes_it(client, town, run_jobs):
    key = f.api_key()
    response = client.post("/open311/v2/requests.json", data=_open311(key, description=SCRIPT))
    assert response.status_code == 201, response.data
    report = db.session.scalar(select(Report).where(Report.description == SCRIPT))
    run_jobs()
    assert "<script>alert" not in client.get(f"/r/{report.id}").text


# --- the staff forms ---------------------------------------------------------------------------------

def _ring(n: int) -> list:
    import math
    return [[121.45 + 0.01 * math.cos(2 * math.pi * i / n), 31.2 + 0.01 * math.sin(2 * math.pi * i / n)]
            for i in range(n)] + [[121.46, 31.2]]


def test_an_enormous_area_upload_is_refused_and_nothing_saved(town, sign_in):
    admin = sign_in(town["admin"])
    before = _count(Area)
    huge = json.dumps({"type": "Polygon", "coordinates": [_ring(150_000)]})
    for fields in ({"geojson": huge, "confirm": "1"},
                   {"geojson": json.dumps({"type": "Polygon", "coordinates": [[[1e999, 0], [0, 1], [1, 1], [1e999, 0]]]}),
                    "confirm": "1"},
                   {"geojson": "[" * 50_000, "confirm": "1"},
                   {"file": (io.BytesIO(b"\xff\xfe\x00{not utf-8"), "x.geojson"), "confirm": "0"}):
        response = admin.post("/inbox/admin/areas/new", {"name": SCRIPT, "department_id": str(town["parks"].id),
                                                         **fields}, content_type="multipart/form-data")
        assert response.status_code in (200, 400, 413, 422), response.status_code
        assert "<script>alert" not in response.text
        if response.status_code == 200:
            assert 'class="error' in response.text or "not valid" in response.text
    assert _count(Area) == before


def test_staff_forms_need_their_csrf_token(town, sign_in):
    admin = sign_in(town["admin"])
    before = _count(Area)
    response = admin.post("/inbox/admin/areas/new", {"name": "x", "department_id": str(town["parks"].id),
                                                     "geojson": "{}", "confirm": "1"}, token="forged")
    assert response.status_code == 400
    assert _count(Area) == before


def test_an_enormous_campaign_area_is_refused(town):
    with pytest.raises(ValidationFailed) as refused:
        campaigns.parse_area({"type": "Polygon", "coordinates": [_ring(150_000)]})
    assert refused.value.code == "invalid_area" and "area" in refused.value.fields
    for hostile in ("[" * 50_000, {"type": "Polygon", "coordinates": [[[float("nan"), 0]] * 4]}, None, SCRIPT):
        with pytest.raises(ValidationFailed):
            campaigns.parse_area(hostile)


# --- the bot's calls ---------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"external_id": "1" * 5000}, {"display_name": SCRIPT * 500},
                                    {"display_name": "\x00"}, {"channel": "telegram'; --"},
                                    {"external_id": [[[[1]]]]}])
def test_the_bots_channel_login_refuses_hostile_fields(app, client, change):
    from backend.accounts.models import Citizen

    before = _count(Citizen)
    body = {"channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 42,
            "display_name": "Chen", "language": "en", **change}
    api_error(client.post("/api/v1/auth/channel-login", json=body))
    assert _count(Citizen) == before


def test_an_unknown_language_from_the_bot_falls_back_to_a_supported_one(app, client):
    body = {"channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 43,
            "display_name": "Chen", "language": "../../etc/passwd"}
    assert client.post("/api/v1/auth/channel-login", json=body).json["citizen"]["language"] in ("zh_Hans", "en")


def test_a_nul_character_in_a_staff_form_is_refused_before_anything_is_stored(town, sign_in):
    admin = sign_in(town["admin"])
    before = _count(Area)
    square = {"type": "Polygon", "coordinates": [[[121.41, 31.16], [121.42, 31.16], [121.42, 31.17], [121.41, 31.16]]]}
    response = admin.post("/inbox/admin/areas/new", {"name": "bad\x00name", "department_id": str(town["parks"].id),
                                                     "geojson": json.dumps(square), "confirm": "1"})
    assert response.status_code == 422 and "UTF-8" in response.text
    assert _count(Area) == before


def test_invalid_utf8_in_a_staff_form_is_refused(app, town, sign_in):
    admin = sign_in(town["admin"])
    before = _count(Area)
    raw = (f"csrf_token={admin.token}&name=%ff%fe&department_id={town['parks'].id}&confirm=1&geojson=%7B%7D").encode()
    with app.app_context():
        response = admin.client.post("/inbox/admin/areas/new", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and "UTF-8" in response.text
    assert _count(Area) == before


@pytest.mark.parametrize("url", ["/api/v1/reports/2147483648", "/api/v1/reports/99999999999999999999/support",
                                 "/api/v1/tasks/9223372036854775808/claim"])
def test_ids_beyond_the_database_range_are_not_found_in_json(client, token, url):
    method = client.get if url.endswith(("8", "48")) and "/claim" not in url and "/support" not in url else client.post
    assert api_error(method(url, headers=bearer(token)), 404)["code"] == "not_found"


@pytest.mark.parametrize("value", ["²", "٣", "9" * 12, "-1"])
def test_a_hostile_id_in_the_admin_forms_is_a_named_refusal_and_stores_nothing(town, value):
    from backend.accounts import staff_admin
    from backend.city import admin as city_admin
    from backend.city.models import Category
    from backend.errors import NotFound
    from backend.updates import service as updates

    admin = town["admin"]
    before = _count(Category)
    with pytest.raises(ValidationFailed) as refused:
        city_admin.save_category(admin, {"code": "new_thing", "name_en": "New", "name_zh": "新",
                                         "default_sla_hours": "24", "department_ids": [value]})
    assert "department_ids" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        staff_admin.create_staff_user(admin, email="new@city.example", name="New", password="a long password 1",
                                      role="staff", department_id=value)
    assert "department_id" in refused.value.fields
    with pytest.raises(ValidationFailed) as refused:
        city_admin.save_area(admin, department_id=value, name="Somewhere",
                             geojson=json.dumps({"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.41, 31.2],
                                                                                      [121.41, 31.21], [121.4, 31.2]]]}))
    assert refused.value.code == "unknown_department"
    with pytest.raises(NotFound):
        updates.set_hidden(admin, value, True)
    db.session.rollback()
    assert _count(Category) == before


@pytest.mark.parametrize("hours", ["1e400", "nan", "-inf", "0", "9" * 400, "²"])
def test_an_impossible_sla_is_refused_in_words(town, hours):
    from backend.city import admin as city_admin

    with pytest.raises(ValidationFailed) as refused:
        city_admin.save_category(town["admin"], {"code": "new_thing", "name_en": "New", "name_zh": "新",
                                                 "default_sla_hours": hours})
    assert refused.value.code == "invalid_sla"
