"""The public leaderboard: display names and points only, periods, districts, opt-out, both languages."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, box

from backend.city.models import District
from backend.clock import set_clock
from backend.extensions import db
from backend.incentives import ledger
from backend.incentives.rules import Reason
from tests import factories as f

NOW = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)  # a Wednesday


@pytest.fixture
def people(app):
    set_clock(lambda: NOW)
    west = District(code="west", name_en="West", name_zh="西区", geom=from_shape(MultiPolygon([box(121.4, 31.1, 121.47, 31.3)]), srid=4326))
    east = District(code="east", name_en="East", name_zh="东区", geom=from_shape(MultiPolygon([box(121.47, 31.1, 121.55, 31.3)]), srid=4326))
    db.session.add_all([west, east])
    db.session.flush()
    ann, bo, chen, hidden = (f.citizen(n) for n in ("Ann the Mapper", "Bo Checks", "Chen Helper", "Secret Sam"))
    ledger.record(ann.id, Reason.REPORT_VALIDATED, "r1", 40, district_id=west.id)
    ledger.record(chen.id, Reason.SUPPORT, "s1", 25, district_id=east.id)
    ledger.record(hidden.id, Reason.REPORT_VALIDATED, "r2", 90, district_id=west.id)
    set_clock(lambda: NOW - timedelta(days=40))
    ledger.record(bo.id, Reason.REPORT_VALIDATED, "r3", 100, district_id=east.id)  # only all time
    set_clock(lambda: NOW)
    hidden.hidden_from_boards = True
    db.session.commit()
    yield {"ann": ann, "bo": bo, "chen": chen, "hidden": hidden}
    set_clock(None)


def _names(html: str) -> list[str]:
    return re.findall(r'<span class="board-name">([^<]+)</span>', html)


def test_all_time_board_lists_display_names_in_rank_order_without_opted_out_citizens(client, people):
    client.set_cookie("lang", "en")
    html = client.get("/leaderboard").get_data(as_text=True)
    assert _names(html) == ["Bo Checks", "Ann the Mapper", "Chen Helper"]
    assert "Secret Sam" not in html
    assert "100 points" in html
    rows = re.findall(r"<li>(.*?)</li>", html, re.S)
    assert len(rows) == 3 and all(re.sub(r"<[^>]+>|\s", "", r) in {"1BoChecks100points", "2AnntheMapper40points",
                                                                    "3ChenHelper25points"} for r in rows)


def test_month_and_week_leave_out_older_points(client, people):
    assert _names(client.get("/leaderboard?period=month").get_data(as_text=True)) == ["Ann the Mapper", "Chen Helper"]
    assert _names(client.get("/leaderboard?period=week").get_data(as_text=True)) == ["Ann the Mapper", "Chen Helper"]


def test_a_district_board_counts_only_that_district(client, people):
    html = client.get("/leaderboard?period=all&district=east").get_data(as_text=True)
    assert _names(html) == ["Bo Checks", "Chen Helper"]
    assert client.get("/leaderboard?district=nowhere").status_code == 404


def test_opting_out_takes_a_citizen_off_and_opting_back_in_returns_them(client, people):
    people["ann"].hidden_from_boards = True
    db.session.commit()
    assert "Ann the Mapper" not in client.get("/leaderboard").get_data(as_text=True)
    people["ann"].hidden_from_boards = False
    db.session.commit()
    assert "Ann the Mapper" in client.get("/leaderboard").get_data(as_text=True)


def test_the_board_speaks_chinese_and_is_linked_from_the_nav(client, people):
    client.set_cookie("lang", "zh_Hans")
    html = client.get("/leaderboard").get_data(as_text=True)
    assert "排行榜" in html and "本月" in html and "全市" in html
    client.set_cookie("lang", "en")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/leaderboard"' in home
