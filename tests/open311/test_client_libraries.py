"""Third-party Open311 clients from PyPI, used unmodified against a live server.

civicbot (0.4) lists services, posts a request and reads it back (JSON); georeport (0.3)
reads the same through the XML format. Both speak HTTP to a real werkzeug server.
"""
from civicbot.http import HttpTransport, RateLimiter
from civicbot.open311 import Open311Client
from civicbot.registry import Endpoint
from georeport import GeoReport

from tests import factories as f
from tests.city_fixture import INSIDE


def test_civicbot_lists_posts_and_reads_back(live_server, city, app):
    key = f.api_key("civicbot")
    endpoint = Endpoint(id="crowdgov", name="CrowdGov", base_url=f"{live_server}/open311/v2", write=True)
    # No pause between calls: the library's politeness delay is for public servers.
    client = Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0)),
                           jurisdiction_id=app.config["OPEN311_JURISDICTION_ID"])
    codes = {s["service_code"] for s in client.list_services()}
    assert {"pothole", "illegal_dumping", "noise_nuisance"} <= codes
    definition = client.get_service_definition("pothole")
    assert definition["attributes"][0]["code"] == "size"
    sent = client.create_request("pothole", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
                                 lat=INSIDE[0], lng=INSIDE[1], description="Seen by civicbot",
                                 attributes={"size": "large"}, email="bot-user@example.org")
    created = sent.response[0]
    assert created["service_request_id"]
    back = client.get_request(created["service_request_id"])
    assert back["description"] == "Seen by civicbot"
    assert back["service_code"] == "pothole" and back["status"] == "open"
    assert "bot-user@example.org" not in str(back)
    # Created at once, so the answer names the request and carries no token (GeoReport v2: one or the other).
    assert "token" not in created
    listed = client.list_requests(service_code="pothole", status="open")
    assert created["service_request_id"] in [r["service_request_id"] for r in listed]


def test_georeport_reads_services_and_requests_in_xml(live_server, city):
    from backend.extensions import db
    from backend.reports import service as reports

    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description="XML please",
                            attributes={"size": "small"})
    db.session.commit()  # the live server reads from its own connection
    xml_client = GeoReport(f"{live_server}/open311/v2", output_format="xml")
    services = xml_client.get_service_list()
    assert "pothole" in [s["service_code"] for s in services]
    definition = xml_client.get_service_definition("pothole")
    assert definition["service_code"] == "pothole"
    one = xml_client.get_service_request(str(report.id))
    assert one["description"] == "XML please" and one["status"] == "open"
    json_client = GeoReport(f"{live_server}/open311/v2")
    assert [r["service_request_id"] for r in json_client.get_service_requests(service_code="pothole")] == [str(report.id)]
