"""A scan of every public response (citizen API, Open311, media): no personal data anywhere."""
import io
import json
import re
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from backend.accounts.models import StaffRole
from backend.accounts.service import create_staff
from backend.clock import utcnow
from backend.extensions import db
from backend.open311.models import Open311Submission
from backend.reports import service as reports
from backend.reports.models import ActorType, ReportStatus
from tests import factories as f
from tests.city_fixture import INSIDE

SECRETS = ["Secretname Zhou", "918273645", "zhou.private@example.org", "+86 139 1234 5678", "Privfirst",
           "Privlast", "device-XYZ-secret", "acct-secret-77", "Staffer Hiddenname", "staffer@city.example",
           "Room 1203, 8 Private Lane"]
PERSONAL_KEYS = {"email", "phone", "first_name", "last_name", "device_id", "account_id", "display_name",
                 "reporter", "reporter_id", "citizen", "citizen_id", "external_id", "actor_staff_id",
                 "actor_citizen_id", "staff"}


def exif_with_name() -> bytes:
    exif = Image.Exif()
    exif[0x013B] = "Secretname Zhou"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (31.0, 13.0, 12.5)
    return exif.tobytes()


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_of(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_of(v) for v in value)) if value else set()
    return set()


def test_no_public_response_carries_personal_data(client, app, city, run_jobs):
    # A citizen through the bot, with a photo whose EXIF names them.
    login = client.post("/api/v1/auth/channel-login", json={
        "channel": "telegram", "channel_secret": app.config["BOT_CHANNEL_SECRET"], "external_id": 918273645,
        "display_name": "Secretname Zhou", "language": "en"}).json
    bearer = {"Authorization": f"Bearer {login['token']}"}
    created = client.post("/api/v1/reports", headers=bearer, content_type="multipart/form-data", data={
        "category": "pothole", "lat": str(INSIDE[0]), "long": str(INSIDE[1]), "description": "Deep hole",
        "attributes": json.dumps({"size": "large"}),
        "photos": [(io.BytesIO(f.jpeg((300, 200), exif=exif_with_name())), "Secretname Zhou.jpg")]}).json
    # A citizen through Open311, with every contact field.
    key = f.api_key()
    o311 = client.post("/open311/v2/requests.json", data={
        "api_key": key, "service_code": "noise_nuisance", "lat": "31.2212", "long": "121.4712",
        "address_string": "Room 1203, 8 Private Lane", "description": "Loud music every night",
        "email": "zhou.private@example.org", "phone": "+86 139 1234 5678", "first_name": "Privfirst",
        "last_name": "Privlast", "device_id": "device-XYZ-secret", "account_id": "acct-secret-77"}).json[0]
    # The same person's update from FixMyStreet, with every contact field.
    posted = client.post("/open311/v2/servicerequestupdates.json", data={
        "api_key": key, "service_request_id": str(created["id"]), "update_id": "fms-1",
        "updated_datetime": utcnow().isoformat(), "status": "OPEN", "description": "Still loud",
        "email": "zhou.private@example.org", "phone": "+86 139 1234 5678", "first_name": "Privfirst",
        "last_name": "Privlast"})
    assert posted.status_code == 201
    token = db.session.scalar(select(Open311Submission.token))
    # A supporter, and staff acting on the report.
    helper = f.api_token(f.citizen("Secretname Zhou"))
    client.post(f"/api/v1/reports/{created['id']}/support", headers={"Authorization": f"Bearer {helper}"})
    run_jobs()
    staff = create_staff(email="staffer@city.example", name="Staffer Hiddenname", password="pw-123456",
                         role=StaffRole.STAFF)
    db.session.flush()
    reports.transition(reports.get(created["id"]), ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF,
                       actor_staff_id=staff.id, note="Crew on the way")
    reports.transition(reports.get(created["id"]), ReportStatus.RESOLVED, actor_type=ActorType.STAFF,
                       actor_staff_id=staff.id, note="internal: call Secretname Zhou back", public=False)
    db.session.commit()

    rid, oid = created["id"], o311["service_request_id"]
    start = (utcnow() - timedelta(days=1)).isoformat()
    urls = [f"/api/v1/reports/{rid}", f"/api/v1/reports/{oid}", "/api/v1/categories",
            f"/api/v1/reports/nearby?lat={INSIDE[0]}&long={INSIDE[1]}&category=pothole",
            f"/api/v1/reports/nearby?lat=31.2212&long=121.4712&category=noise_nuisance",
            f"/api/v1/where?lat={INSIDE[0]}&long={INSIDE[1]}"]
    for fmt in ("json", "xml"):
        urls += [f"/open311/v2/requests.{fmt}", f"/open311/v2/requests.{fmt}?extensions=true",
                 f"/open311/v2/requests/{rid}.{fmt}?extensions=true", f"/open311/v2/requests/{oid}.{fmt}?extensions=true",
                 f"/open311/v2/servicerequestupdates.{fmt}?start_date={start}", f"/open311/v2/tokens/{token}.{fmt}",
                 f"/open311/v2/services.{fmt}", f"/open311/discovery.{fmt}"]
    report = client.get(f"/api/v1/reports/{rid}").json
    urls += [p[k].replace(app.config["PUBLIC_BASE_URL"], "") for p in report["photos"] for k in ("url", "thumbnail_url")]
    assert len(report["photos"]) == 1

    scanned = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.data.decode("utf-8", "replace")
        for secret in SECRETS:
            assert secret not in body, f"{secret!r} in {url}"
        if response.is_json:
            leaked = keys_of(response.json) & PERSONAL_KEYS
            assert not leaked, f"{leaked} in {url}"
        elif response.mimetype == "text/xml":
            tags = set(re.findall(r"<([a-z_]+)[ />]", body))
            assert not (tags & PERSONAL_KEYS), url
        scanned += 1
    assert scanned == len(urls) > 20
    # What the public sees of a history stops at public events.
    assert [h["status"] for h in report["history"] if h["kind"] != "citizen_update"] == ["submitted", "open", "in_progress"]
    assert [h["note"] for h in report["history"] if h["kind"] == "citizen_update"] == ["Still loud"]
