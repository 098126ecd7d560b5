"""POST /api/v1/reports: validation of every kind, the outside-area code, idempotent retries."""
import threading

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.reports.models import Report, ReportStatus
from tests import factories as f
from tests.city_fixture import INSIDE, OUTSIDE

GOOD = {"category": "pothole", "lat": INSIDE[0], "long": INSIDE[1], "description": "Deep hole by the bus stop",
        "attributes": {"size": "large", "depth_cm": 12}}


@pytest.fixture
def token(city):
    return f.api_token(f.citizen("Zhang Min"))


def post(client, token, body, **headers):
    return client.post("/api/v1/reports", json=body, headers={"Authorization": f"Bearer {token}", **headers})


def count_reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def test_a_report_is_created_and_answers_its_reference_and_public_url(client, token, app, run_jobs):
    response = post(client, token, GOOD)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "submitted"
    assert body["reference"] == f"CG-{body['id']:06d}"
    assert body["public_url"] == app.config["PUBLIC_BASE_URL"] + f"/r/{body['id']}"
    run_jobs()
    report = db.session.get(Report, body["id"])
    assert report.status == ReportStatus.OPEN
    assert report.attributes == {"size": "large", "depth_cm": 12.0}
    assert report.reporter.display_name == "Zhang Min"


def test_without_a_token_nothing_is_created(client, city):
    response = client.post("/api/v1/reports", json=GOOD)
    assert response.status_code == 401
    assert response.json["code"] == "unauthorized"
    assert count_reports() == 0


@pytest.mark.parametrize("change, field", [
    ({"lat": float("nan")}, "location"),
    ({"lat": "NaN"}, "location"),
    ({"long": float("inf")}, "location"),
    ({"lat": 91}, "location"),
    ({"long": -181}, "location"),
    ({"lat": ""}, "location"),
    ({"lat": True}, "location"),
    ({"lat": [31.2]}, "location"),
    ({"description": "x" * 4001}, "description"),
    ({"description": 42}, "description"),
    ({"category": ""}, "category"),
    ({"category": 7}, "category"),
    ({"attributes": "large"}, "attributes"),
    ({"attributes": {"size": "enormous"}}, "size"),
    ({"attributes": {"size": "small", "colour": "red"}}, "colour"),
    ({"attributes": {"size": "small", "depth_cm": "deep"}}, "depth_cm"),
    ({"attributes": {"size": "small", "depth_cm": 10 ** 400}}, "depth_cm"),  # float() of it overflows
    ({"attributes": {"size": "small", "depth_cm": "1e400"}}, "depth_cm"),
    ({"attributes": {}}, "size"),
])
def test_bad_inputs_answer_422_with_the_failing_field_and_store_nothing(client, token, change, field):
    response = post(client, token, {**GOOD, **change})
    assert response.status_code == 422, response.json
    assert field in response.json["fields"], response.json
    assert response.json["code"] and response.json["message"]
    assert count_reports() == 0


def test_missing_fields_are_named(client, token):
    response = post(client, token, {"description": "no place"})
    assert response.status_code == 422
    assert {"category", "lat", "long"} <= set(response.json["fields"])


def test_an_unknown_category_is_a_404_with_its_code(client, token):
    response = post(client, token, {**GOOD, "category": "volcano"})
    assert response.status_code == 404
    assert response.json["code"] == "unknown_category"


def test_outside_every_area_has_its_own_code(client, token):
    response = post(client, token, {**GOOD, "lat": OUTSIDE[0], "long": OUTSIDE[1]})
    assert response.status_code == 422
    assert response.json["code"] == "outside_service_area"
    assert count_reports() == 0


def test_a_body_that_is_not_an_object_is_refused(client, token):
    response = client.post("/api/v1/reports", data="[1, 2]", content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422
    response = client.post("/api/v1/reports", data="lat=1", content_type="text/plain",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422


def test_errors_speak_the_callers_language(client, token):
    response = post(client, token, {**GOOD, "lat": OUTSIDE[0], "long": OUTSIDE[1]}, **{"Accept-Language": "zh-CN"})
    assert response.json["message"] == "该地点不在本市服务范围内。"
    response = post(client, token, {**GOOD, "lat": OUTSIDE[0], "long": OUTSIDE[1]}, **{"Accept-Language": "en"})
    assert response.json["message"] == "This place is outside the area the city serves."


def test_a_retried_post_returns_the_first_answer_and_creates_nothing_new(client, token, run_jobs):
    first = post(client, token, GOOD, **{"Idempotency-Key": "abc-123"})
    assert first.status_code == 201
    run_jobs()  # the report moves on; the retry still gets the first answer
    again = post(client, token, GOOD, **{"Idempotency-Key": "abc-123"})
    assert again.status_code == 201
    assert again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_reports() == 1


def test_the_same_key_for_a_different_request_is_refused(client, token):
    post(client, token, GOOD, **{"Idempotency-Key": "k1"})
    response = post(client, token, {**GOOD, "description": "another"}, **{"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.json["code"] == "idempotency_key_reused"
    assert count_reports() == 1


def test_keys_belong_to_their_citizen(client, token):
    other = f.api_token(f.citizen("Other"))
    post(client, token, GOOD, **{"Idempotency-Key": "same"})
    response = post(client, other, GOOD, **{"Idempotency-Key": "same"})
    assert response.status_code == 201
    assert count_reports() == 2


def test_a_failed_request_does_not_burn_its_key(client, token):
    bad = post(client, token, {**GOOD, "lat": 95}, **{"Idempotency-Key": "retry-me"})
    assert bad.status_code == 422
    good = post(client, token, GOOD, **{"Idempotency-Key": "retry-me"})
    assert good.status_code == 201
    assert count_reports() == 1


def test_concurrent_retries_create_one_report(app, token):
    answers = []
    barrier = threading.Barrier(4)

    def send():
        with app.app_context():
            barrier.wait()
            answers.append(post(app.test_client(), token, GOOD, **{"Idempotency-Key": "race"}))
            db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(a.status_code for a in answers)
    ids = {a.json["id"] for a in answers if a.status_code == 201}
    # Every retry either gets the first answer or is told the first is still running.
    assert set(statuses) <= {201, 409} and statuses.count(201) >= 1
    assert len(ids) == 1
    assert count_reports() == 1


def test_old_idempotency_keys_are_forgotten(client, token, app):
    from datetime import timedelta

    from backend.clock import set_clock, utcnow
    from backend.api.idempotency import forget_old

    then = utcnow() - timedelta(hours=app.config["IDEMPOTENCY_KEEP_HOURS"] + 1)
    set_clock(lambda: then)
    post(client, token, GOOD, **{"Idempotency-Key": "old"})
    set_clock(None)
    post(client, token, GOOD, **{"Idempotency-Key": "fresh"})
    assert forget_old() == 1
    # The forgotten key is free again: a new request with it creates a new report.
    assert post(client, token, GOOD, **{"Idempotency-Key": "old"}).status_code == 201
    assert post(client, token, GOOD, **{"Idempotency-Key": "fresh"}).headers.get("Idempotent-Replayed") == "true"
    assert count_reports() == 3


def test_each_fields_problem_is_told_in_the_callers_language(client, token):
    zh = post(client, token, {"description": "no place"}, **{"Accept-Language": "zh-CN"}).json["fields"]
    en = post(client, token, {"description": "no place"}, **{"Accept-Language": "en"}).json["fields"]
    assert "此项为必填。" in str(zh["category"]) and "This field is required." in str(en["category"])
    assert post(client, token, {**GOOD, "description": 42}, **{"Accept-Language": "zh-CN"}).json["fields"]["description"] \
        != post(client, token, {**GOOD, "description": 42}, **{"Accept-Language": "en"}).json["fields"]["description"]
    assert count_reports() == 0
