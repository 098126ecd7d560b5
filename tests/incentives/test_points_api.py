"""GET /api/v1/me/points, PUT /api/v1/me/points/visibility and GET /api/v1/leaderboards."""
from backend.reports.models import ReportStatus
from tests import factories as f
from tests.incentives.conftest import IN_EAST, IN_WEST, at, move, submit, support


def bearer(token, language="en"):
    return {"Authorization": f"Bearer {token}", "Accept-Language": language}


def test_my_points_need_a_token_and_show_my_standing(client, city):
    assert client.get("/api/v1/me/points").status_code == 401
    me, neighbour = f.citizen("Me"), f.citizen("Neighbour")
    report = submit(me)
    support(report, neighbour)
    move(report, ReportStatus.ACKNOWLEDGED)
    token = f.api_token(me)

    body = client.get("/api/v1/me/points", headers=bearer(token)).json
    assert body["balance"] == 10
    assert body["level"] == {"rank": 1, "code": "newcomer", "threshold": 0, "name": "Newcomer"}
    assert body["next_level"]["name"] == "Good Neighbour" and body["points_to_next"] == 40
    assert [b["code"] for b in body["badges"]] == ["first_report"] and body["badges"][0]["earned_at"]
    assert body["recent"][0] == {**body["recent"][0], "amount": 10, "reason": "report_validated",
                                 "label": "A report verified or accepted by its department", "report_id": report.id}
    assert body["rank"] == {"all": 1, "week": 1, "month": 1}
    assert body["impact"]["reports_validated"] == 1
    assert 0 < body["reputation"]["score"] < 1

    zh = client.get("/api/v1/me/points", headers=bearer(token, "zh-CN")).json
    assert zh["level"]["name"] == "新手市民" and zh["badges"][0]["name"] == "首份报告"
    assert zh["recent"][0]["label"] == "报告经核实或被部门受理"


def test_leaderboards_are_public_with_display_names_only(client, city):
    alice, bob = f.citizen("Alice"), f.citizen("Bob")
    move(submit(alice, IN_WEST), ReportStatus.ACKNOWLEDGED)
    move(submit(alice, IN_EAST), ReportStatus.ACKNOWLEDGED)
    move(submit(bob, IN_EAST), ReportStatus.ACKNOWLEDGED)

    board = client.get("/api/v1/leaderboards?period=week").json
    assert board["rows"] == [{"rank": 1, "display_name": "Alice", "points": 20, "me": False},
                             {"rank": 2, "display_name": "Bob", "points": 10, "me": False}]
    assert board["me"] is None and board["district"] is None
    assert all(set(row) == {"rank", "display_name", "points", "me"} for row in board["rows"])

    east = client.get("/api/v1/leaderboards?period=month&district=east", headers=bearer(f.api_token(bob), "zh-CN")).json
    assert east["district"] == {"code": "east", "name": "东区"}
    assert [(r["display_name"], r["rank"], r["me"]) for r in east["rows"]] == [("Bob", 1, True), ("Alice", 1, False)]
    assert east["me"] == {"rank": 1, "points": 10}

    assert client.get("/api/v1/leaderboards?period=year").status_code == 422
    missing = client.get("/api/v1/leaderboards?district=atlantis")
    assert missing.status_code == 404 and missing.json["code"] == "district_not_found"


def test_the_week_of_a_board_is_the_citys_week(client, city):
    at("2026-11-22T23:59:00+08:00")  # Sunday night in the city
    move(submit(f.citizen("Late")), ReportStatus.ACKNOWLEDGED)
    at("2026-11-23T00:01:00+08:00")  # Monday
    body = client.get("/api/v1/leaderboards?period=week").json
    assert body["period_start"] == "2026-11-23" and body["rows"] == []


def test_a_citizen_can_hide_from_the_boards_and_come_back(client, city):
    shy = f.citizen("Shy")
    move(submit(shy), ReportStatus.ACKNOWLEDGED)
    token = f.api_token(shy)
    hidden = client.put("/api/v1/me/points/visibility", json={"hidden_from_boards": True}, headers=bearer(token))
    assert hidden.status_code == 200 and hidden.json == {"hidden_from_boards": True}
    assert client.get("/api/v1/leaderboards").json["rows"] == []
    mine = client.get("/api/v1/me/points", headers=bearer(token)).json
    assert mine["balance"] == 10 and mine["rank"]["all"] is None and mine["hidden_from_boards"] is True
    client.put("/api/v1/me/points/visibility", json={"hidden_from_boards": False}, headers=bearer(token))
    assert [r["display_name"] for r in client.get("/api/v1/leaderboards").json["rows"]] == ["Shy"]
    assert client.put("/api/v1/me/points/visibility", json={}, headers=bearer(token)).status_code == 422


def test_a_badge_and_a_level_reach_the_citizens_feed_in_their_language(client, city):
    reporter = f.citizen("Busy", language="zh_Hans")
    for _ in range(5):
        move(submit(reporter), ReportStatus.ACKNOWLEDGED)  # 50 points: the second level
    feed = client.get("/api/v1/me/notifications", headers=bearer(f.api_token(reporter))).json
    texts = {item["kind"]: item["text"] for item in feed["items"] if item["kind"] in ("badge", "level")}
    assert texts == {"badge": "获得新徽章：首份报告。你的第一份报告已被核实或被部门受理。", "level": "恭喜升级：热心邻里。"}
