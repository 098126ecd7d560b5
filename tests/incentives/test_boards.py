"""Leaderboards: periods in the city's time zone, districts, ties, opt-out, and the incremental totals."""
from sqlalchemy import select

from backend.extensions import db
from backend.incentives import awards, boards, standing
from backend.incentives.models import BoardTotal
from backend.incentives.rules import Reason
from backend.reports.models import ReportStatus
from tests import factories as f
from tests.incentives.conftest import IN_EAST, IN_WEST, at, move, submit


def names(rows) -> list[tuple[int, str, int]]:
    return [(r.rank, r.display_name, r.points) for r in rows]


def validated(citizen, where=IN_WEST):
    move(submit(citizen, where), ReportStatus.ACKNOWLEDGED)


def test_weeks_turn_at_monday_midnight_in_the_city_not_in_utc(city):
    """Shanghai is UTC+8: Sunday 23:59 and Monday 00:01 there are the same UTC day (Sunday)."""
    late, early = f.citizen("Sunday Night"), f.citizen("Monday Morning")
    at("2026-11-22T23:59:00+08:00")  # Sunday, city time
    validated(late)
    at("2026-11-23T00:01:00+08:00")  # Monday, city time (still Sunday 16:01 UTC)
    validated(early)

    assert names(boards.board("week")) == [(1, "Monday Morning", 10)]
    last_week = at("2026-11-22T12:00:00+08:00")
    assert names(boards.board("week", at=last_week)) == [(1, "Sunday Night", 10)]
    at("2026-11-29T23:59:59+08:00")  # the next Sunday: still the same week
    assert names(boards.board("week")) == [(1, "Monday Morning", 10)]
    at("2026-11-30T00:00:00+08:00")  # Monday again: a new, empty week
    assert boards.board("week") == []
    # Both stay on the all-time board; ties share a rank.
    assert [(r.rank, r.points) for r in boards.board("all")] == [(1, 10), (1, 10)]


def test_months_turn_at_midnight_on_the_first_in_the_city(city):
    january, february = f.citizen("January"), f.citizen("February")
    at("2027-01-31T23:58:00+08:00")
    validated(january)
    at("2027-02-01T00:02:00+08:00")  # 2027-01-31 16:02 UTC: February only in the city
    validated(february)
    assert names(boards.board("month")) == [(1, "February", 10)]
    assert names(boards.board("month", at=at("2027-01-15T09:00:00+08:00"))) == [(1, "January", 10)]
    assert boards.period_start("month", at("2027-02-01T00:02:00+08:00")).isoformat() == "2027-02-01"


def test_district_boards_count_only_what_happened_there(city):
    west, east, both = f.citizen("Westie"), f.citizen("Eastie"), f.citizen("Everywhere")
    validated(west, IN_WEST)
    validated(east, IN_EAST)
    validated(both, IN_WEST)
    validated(both, IN_EAST)
    assert sorted(names(boards.board("all"))) == [(1, "Everywhere", 20), (2, "Eastie", 10), (2, "Westie", 10)]
    assert sorted(names(boards.board("week", city["west"].id))) == [(1, "Everywhere", 10), (1, "Westie", 10)]
    assert sorted(names(boards.board("month", city["east"].id))) == [(1, "Eastie", 10), (1, "Everywhere", 10)]
    assert boards.rank_of(both.id, "all") == 1
    assert boards.rank_of(west.id, "all") == 2


def test_a_citizen_who_opts_out_disappears_from_boards_but_keeps_points(city):
    shy, open_ = f.citizen("Shy"), f.citizen("Open")
    validated(shy)
    validated(shy)
    validated(open_)
    assert [r.display_name for r in boards.board("all")] == ["Shy", "Open"]

    standing.set_hidden_from_boards(shy, True)
    db.session.commit()
    for period in boards.PERIODS:
        assert names(boards.board(period)) == [(1, "Open", 10)]
        assert names(boards.board(period, city["west"].id)) == [(1, "Open", 10)]
    assert boards.rank_of(shy.id) is None
    assert boards.rank_of(open_.id) == 1  # nobody visible is above
    mine = standing.summary(shy.id, "en")
    assert mine["balance"] == 20 and mine["hidden_from_boards"] is True and mine["rank"]["all"] is None


def test_public_rows_carry_display_names_only(city):
    validated(f.citizen("Wang Fang"))
    row = boards.board("all")[0]
    assert row.public() == {"rank": 1, "display_name": "Wang Fang", "points": 10}


def test_the_incremental_totals_equal_a_rebuild_from_the_ledger(city):
    people = [f.citizen(f"P{i}") for i in range(4)]
    at("2026-11-20T10:00:00+08:00")
    validated(people[0], IN_WEST)
    validated(people[1], IN_EAST)
    at("2026-12-01T10:00:00+08:00")
    validated(people[1], IN_WEST)
    awards.grant(people[2].id, Reason.SUPPORT, "report:999")
    report = submit(people[3], IN_EAST)
    move(report, ReportStatus.ACKNOWLEDGED)
    move(report, ReportStatus.REJECTED, reason="spam")

    def snapshot():
        return sorted(tuple(r) for r in db.session.execute(select(
            BoardTotal.period, BoardTotal.period_start, BoardTotal.district_id, BoardTotal.citizen_id,
            BoardTotal.points, BoardTotal.validated_reports)))

    incremental = snapshot()
    assert len(incremental) > 10
    boards.rebuild()
    db.session.commit()
    assert snapshot() == incremental
