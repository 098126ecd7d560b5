""""Get updates" on any public report: once per citizen, followers told as supporters are, unfollow."""
from backend.accounts import data_rights
from backend.extensions import db
from backend.feedback.models import Notification
from backend.reports import service as reports
from backend.alerts.following_models import Follower
from backend.reports.models import ActorType, ReportStatus
from tests import factories as f


def _report(reporter=None):
    report = reports.submit(category="pothole", lat=31.22, long=121.47, description="A hole",
                            attributes={"size": "small"}, reporter=reporter or f.citizen("Reporter"))
    reports.route(report.id)
    return reports.get(report.id)


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_follower_is_told_of_each_public_change_once_and_not_after_unfollowing(client, city):
    report = _report()
    follower = f.citizen("Follower", language="en")
    token = f.api_token(follower)
    first = client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    again = client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    assert first.status_code == again.status_code == 200
    assert first.json["following"] and first.json["changed"] and first.json["followers"] == 1
    assert again.json["following"] and not again.json["changed"] and again.json["followers"] == 1
    assert first.json["feed_url"].endswith(f"/feeds/reports/{report.id}.atom")
    assert Follower.query.count() == 1

    reports.transition(reports.get(report.id), ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()
    feed = client.get("/api/v1/me/notifications", headers={**_auth(token), "Accept-Language": "en"}).json
    assert feed["total"] == 1
    assert feed["items"][0]["text"].startswith(f"A report you follow: CG-{report.id:06d} · Pothole")
    assert feed["items"][0]["report_id"] == report.id

    assert client.get(f"/api/v1/reports/{report.id}/follow", headers=_auth(token)).json["following"] is True
    left = client.delete(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    assert left.status_code == 200 and not left.json["following"] and left.json["changed"]
    assert not client.delete(f"/api/v1/reports/{report.id}/follow", headers=_auth(token)).json["changed"]
    reports.transition(reports.get(report.id), ReportStatus.IN_PROGRESS, actor_type=ActorType.STAFF)
    db.session.commit()
    assert Notification.query.filter_by(citizen_id=follower.id).count() == 1


def test_a_supporter_who_also_follows_is_told_once(client, city):
    report = _report()
    helper = f.citizen("Helper")
    token = f.api_token(helper)
    client.post(f"/api/v1/reports/{report.id}/support", headers=_auth(token))
    client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    reports.transition(reports.get(report.id), ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()
    [note] = Notification.query.filter_by(citizen_id=helper.id).all()
    assert note.payload["role"] == "supporter"


def test_my_following_lists_public_reports_only_and_is_mine_alone(client, city):
    first, second = _report(), _report()
    me, other = f.citizen("Me"), f.citizen("Other")
    mine, theirs = f.api_token(me), f.api_token(other)
    for report in (first, second):
        client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(mine))
    second.hidden = True
    db.session.commit()
    page = client.get("/api/v1/me/following", headers=_auth(mine)).json
    assert [r["id"] for r in page["items"]] == [first.id] and page["total"] == 1
    assert client.get("/api/v1/me/following", headers=_auth(theirs)).json["items"] == []
    # Another citizen's token changes only that citizen's follows.
    client.delete(f"/api/v1/reports/{first.id}/follow", headers=_auth(theirs))
    assert Follower.query.filter_by(citizen_id=me.id, report_id=first.id).count() == 1


def test_hidden_missing_and_unauthenticated_follows_are_refused(client, city):
    report = _report()
    report.hidden = True
    db.session.commit()
    token = f.api_token(f.citizen("Someone"))
    assert client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token)).status_code == 404
    assert client.post("/api/v1/reports/999999/follow", headers=_auth(token)).status_code == 404
    assert client.post(f"/api/v1/reports/{2**31 + 1}/follow", headers=_auth(token)).status_code == 404
    assert client.post(f"/api/v1/reports/{report.id}/follow").status_code == 401
    assert client.get("/api/v1/me/following").status_code == 401
    assert Follower.query.count() == 0


def test_export_lists_follows_and_erasure_removes_them(client, city):
    report = _report()
    me = f.citizen("Me")
    token = f.api_token(me)
    client.post(f"/api/v1/reports/{report.id}/follow", headers=_auth(token))
    assert client.get("/api/v1/me/export", headers=_auth(token)).json["following"][0]["report_id"] == report.id
    data_rights.erase(me)
    assert Follower.query.count() == 0
