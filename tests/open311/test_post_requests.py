"""POST requests (form-encoded, api_key), tokens, and every kind of bad input."""
import pytest
from sqlalchemy import func, select

from backend.accounts.models import Channel, ChannelIdentity, CitizenContact
from backend.clock import utcnow
from backend.extensions import db
from backend.reports.models import Report
from tests import factories as f
from tests.open311.helpers import BASE, as_json, as_xml, error_of, form


@pytest.fixture
def key(city):
    return f.api_key("Street app")


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def test_post_creates_a_request_and_answers_its_id_without_a_token(client, key, run_jobs):
    response = client.post(f"{BASE}/requests.json", data=form(key, email="ann@example.org", first_name="Ann",
                                                             last_name="Lee", phone="+86 21 5555 0000",
                                                             device_id="dev-1", account_id="acc-9"))
    assert response.status_code == 201
    body = as_json(response)
    assert len(body) == 1
    created = body[0]
    # Created at once: the spec's service_request_id, and no token beside it.
    assert created["service_request_id"].isdigit() and "token" not in created
    assert created["account_id"] == "acc-9" and created["service_notice"]
    report = db.session.get(Report, int(created["service_request_id"]))
    assert report.channel == "open311" and report.attributes == {"size": "large"}
    contact = db.session.scalar(select(CitizenContact).where(CitizenContact.citizen_id == report.reporter_id))
    assert (contact.first_name, contact.last_name, contact.email, contact.phone) == \
        ("Ann", "Lee", "ann@example.org", "+86 21 5555 0000")
    identity = db.session.scalar(select(ChannelIdentity).where(ChannelIdentity.citizen_id == report.reporter_id))
    assert identity.channel == Channel.OPEN311_EMAIL
    assert report.reporter.display_name == "Open311"  # the real name stays in the contact record
    before = as_json(client.get(f"{BASE}/requests/{created['service_request_id']}.json",
                                headers={"Accept-Language": "en"}))[0]
    assert before["agency_responsible"] is None  # not routed yet
    run_jobs()
    after = as_json(client.get(f"{BASE}/requests/{created['service_request_id']}.json",
                               headers={"Accept-Language": "en"}))[0]
    assert after["agency_responsible"] == "City Roads Bureau"


def test_tokens_issued_before_still_answer(client, key):
    from backend.open311.models import Open311Submission

    created = as_json(client.post(f"{BASE}/requests.json", data=form(key)))[0]
    token = db.session.scalar(select(Open311Submission.token))
    assert as_json(client.get(f"{BASE}/tokens/{token}.json")) == \
        [{"service_request_id": created["service_request_id"], "token": token}]
    root = as_xml(client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == created["service_request_id"]


def test_the_same_email_is_the_same_citizen(client, key):
    a = as_json(client.post(f"{BASE}/requests.json", data=form(key, email="Bo@Example.org")))[0]
    b = as_json(client.post(f"{BASE}/requests.json", data=form(key, email="bo@example.org")))[0]
    ra, rb = db.session.get(Report, int(a["service_request_id"])), db.session.get(Report, int(b["service_request_id"]))
    assert ra.reporter_id == rb.reporter_id is not None


def test_post_in_xml(client, key):
    response = client.post(f"{BASE}/requests.xml", data=form(key))
    root = as_xml(response)
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id").isdigit()
    assert root.find("request/token") is None


def test_multi_value_attributes(client, key):
    data = form(key, service_code="illegal_dumping", **{"attribute[size]": None})
    data["attribute[waste][]"] = ["bags", "furniture"]
    created = as_json(client.post(f"{BASE}/requests.json", data=data))[0]
    assert db.session.get(Report, int(created["service_request_id"])).attributes == {"waste": ["bags", "furniture"]}


def test_address_string_naming_a_district_is_located(client, key):
    data = form(key, lat=None, long=None, address_string="12 Nanjing Rd, Huangpu")
    created = as_json(client.post(f"{BASE}/requests.json", data=data))[0]
    report = db.session.get(Report, int(created["service_request_id"]))
    assert report.address == "12 Nanjing Rd, Huangpu" and report.district_id is not None


def test_empty_optional_parameters_behave_as_absent(client, key):
    response = client.post(f"{BASE}/requests.json", data=form(key, email="", device_id="", account_id="",
                                                             media_url="", address_string="", jurisdiction_id=""))
    assert response.status_code == 201
    created = as_json(response)[0]
    assert db.session.get(Report, int(created["service_request_id"])).reporter_id is None
    assert "account_id" not in created


@pytest.mark.parametrize("api_key", [None, "", "cg_wrong"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_or_invalid_api_key_is_403(client, key, api_key, fmt):
    response = client.post(f"{BASE}/requests.{fmt}", data=form(api_key))
    assert response.status_code == 403
    assert error_of(response, fmt)[0]["code"] == 403
    assert count() == 0


def test_a_revoked_key_is_403(client, key):
    from backend.accounts.models import ApiKey

    db.session.scalar(select(ApiKey)).revoked_at = utcnow()
    db.session.commit()
    assert client.post(f"{BASE}/requests.json", data=form(key)).status_code == 403


@pytest.mark.parametrize("change", [
    {"service_code": None}, {"service_code": ""}, {"service_code": "volcano"},
    {"lat": "NaN"}, {"lat": "nan", "long": "inf"}, {"lat": "91"}, {"long": "181"}, {"lat": "abc"},
    {"long": None}, {"lat": None, "long": None}, {"lat": "31.6", "long": "121.9"},
    {"lat": None, "long": None, "address_string": "Somewhere unknown"},
    {"lat": None, "long": None, "address_id": "A-1"},
    {"description": "x" * 4001},
    {"attribute[size]": "enormous"}, {"attribute[size]": ""}, {"attribute[colour]": "red"},
    {"attribute[depth_cm]": "deep"},
    {"email": "not-an-email"}, {"media_url": "javascript:alert(1)"}, {"device_id": "d" * 151},
])
def test_bad_inputs_are_400_and_store_nothing(client, key, change):
    response = client.post(f"{BASE}/requests.json", data=form(key, **change))
    assert response.status_code == 400, response.data
    errors = error_of(response)
    assert errors[0]["code"] == 400 and errors[0]["description"]
    assert count() == 0


def test_unknown_token_is_404(client, city):
    response = client.get(f"{BASE}/tokens/nope.xml")
    assert response.status_code == 404
    assert error_of(response, "xml")[0]["code"] == 404
