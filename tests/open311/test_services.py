"""Discovery, service list and service definitions, in JSON and XML."""
import pytest

from tests.open311.helpers import BASE, as_json, as_xml, error_of


def test_discovery_in_both_formats(client, app):
    body = as_json(client.get("/open311/discovery.json"))
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == app.config["PUBLIC_BASE_URL"] + "/open311/v2/"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert {"changeset", "contact", "key_service"} <= set(body)
    root = as_xml(client.get("/open311/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_service_list_json(client, city):
    services = as_json(client.get(f"{BASE}/services.json", headers={"Accept-Language": "en"}))
    pothole = next(s for s in services if s["service_code"] == "pothole")
    assert pothole == {"service_code": "pothole", "service_name": "Pothole", "description": "", "metadata": True,
                       "type": "realtime", "keywords": "", "group": ""}
    noise = next(s for s in services if s["service_code"] == "noise_nuisance")
    assert noise["metadata"] is False


def test_service_list_xml_in_chinese_by_default(client, city):
    root = as_xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    names = {s.findtext("service_code"): s.findtext("service_name") for s in root.findall("service")}
    assert names["pothole"] == "路面坑洼"
    assert root.find("service/metadata").text in ("true", "false")


def test_service_definition_in_both_formats(client, city):
    body = as_json(client.get(f"{BASE}/services/pothole.json", headers={"Accept-Language": "en"}))
    assert body["service_code"] == "pothole"
    size, depth = body["attributes"]
    assert size == {"variable": True, "code": "size", "datatype": "singlevaluelist", "required": True,
                    "datatype_description": "", "order": 1, "description": "How big is it?",
                    "values": [{"key": "small", "name": "Small"}, {"key": "large", "name": "Large"}]}
    assert depth["datatype"] == "number" and depth["required"] is False
    root = as_xml(client.get(f"{BASE}/services/pothole.xml"))
    assert root.tag == "service_definition"
    attribute = root.find("attributes/attribute")
    assert [child.tag for child in attribute] == ["variable", "code", "datatype", "required", "datatype_description",
                                                  "order", "description", "values"]
    assert [v.findtext("key") for v in attribute.find("values")] == ["small", "large"]
    assert attribute.find("values/value/name").text == "小"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_error_form(client, city, fmt):
    response = client.get(f"{BASE}/services/volcano.{fmt}")
    assert response.status_code == 404
    assert error_of(response, fmt)[0]["code"] == 404


def test_unknown_format_and_resource(client, city):
    assert client.get(f"{BASE}/services.csv").status_code == 404
    assert error_of(client.get(f"{BASE}/nothing.json"))[0]["code"] == 404


def test_jurisdiction(client, city, app):
    jid = app.config["OPEN311_JURISDICTION_ID"]
    assert client.get(f"{BASE}/services.json?jurisdiction_id={jid}").status_code == 200
    assert client.get(f"{BASE}/services.json?jurisdiction_id=").status_code == 200  # empty = absent
    response = client.get(f"{BASE}/services.xml?jurisdiction_id=elsewhere.gov")
    assert response.status_code == 404
    assert error_of(response, "xml")[0]["code"] == 404


def test_open311_is_rate_limited_per_ip_in_its_own_error_form(client, city, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_RATE_LIMIT", "2 per minute")
    assert [client.get(f"{BASE}/services.json").status_code for _ in range(2)] == [200, 200]
    limited = client.get(f"{BASE}/services.xml")
    assert limited.status_code == 429
    assert error_of(limited, "xml")[0]["code"] == 429
    assert int(limited.headers["Retry-After"]) > 0
