"""Badges, levels, streaks, editable rules, and the citizen's summary with its visible impact."""
import pytest
from sqlalchemy import select

from backend.accounts import service as accounts
from backend.accounts.models import StaffRole
from backend.errors import Forbidden, ValidationFailed
from backend.extensions import db
from backend.feedback.models import DeliveryState, Notification
from backend.incentives import awards, jobs, ledger, levels, rules, standing
from backend.incentives.models import BadgeAward, PointEntry
from backend.incentives.rules import Reason
from backend.outbox import service as outbox
from backend.outbox.models import OutboxMessage
from backend.reports.models import ReportStatus
from backend.tasks import campaigns
from backend.tasks.service import tasks_for_report
from tests import factories as f
from tests.incentives.conftest import IN_WEST, at, campaign_task, move, submit, support


def notifications(citizen) -> list[tuple[str, str]]:
    return [tuple(r) for r in db.session.execute(select(Notification.kind, Notification.subject_key)
                                                 .where(Notification.citizen_id == citizen.id).order_by(Notification.id))]


def badge_codes(citizen) -> list[str]:
    return list(db.session.scalars(select(BadgeAward.code).where(BadgeAward.citizen_id == citizen.id)
                                   .order_by(BadgeAward.id)))


def test_first_report_badge_is_earned_once_on_validation_with_one_push(city, run_jobs):
    reporter = f.citizen("Reporter")
    moment = at("2026-11-25T09:30:00+08:00")
    report = submit(reporter)
    assert badge_codes(reporter) == []  # submitting is not enough
    move(report, ReportStatus.ACKNOWLEDGED)
    move(submit(reporter), ReportStatus.ACKNOWLEDGED)

    award = db.session.scalar(select(BadgeAward).where(BadgeAward.citizen_id == reporter.id))
    assert (award.code, award.earned_at) == ("first_report", moment)
    note = db.session.scalars(select(Notification).where(Notification.citizen_id == reporter.id,
                                                         Notification.kind == "badge")).one()
    # No Telegram identity: it waits in the feed (test_push shows a congratulation pushed once).
    assert (note.kind, note.subject_key, note.state) == ("badge", "badge:first_report", DeliveryState.FEED_ONLY)
    assert note.payload["name"] == {"en": "First Report", "zh_Hans": "首份报告"}
    assert note.payload["text_en"] == "New badge: First Report. Your first report was verified or accepted by a department."


def test_ten_validated_reports_earn_the_ten_badge_and_a_level(city):
    reporter = f.citizen("Busy")
    for n in range(10):
        move(submit(reporter), ReportStatus.ACKNOWLEDGED)
        if n == 8:
            assert "ten_verified_reports" not in badge_codes(reporter)
    assert badge_codes(reporter)[:2] == ["first_report", "ten_verified_reports"]
    assert ledger.balance(reporter.id) == 100
    assert ("level", "level:neighbour") in notifications(reporter)


def test_a_level_is_announced_once_even_after_falling_back_and_climbing_again(city):
    citizen = f.citizen("Yo-yo")
    awards.grant(citizen.id, Reason.CAMPAIGN_ANSWER, "task:1", amount=50)
    assert levels.level_for(ledger.balance(citizen.id)).code == "neighbour"
    awards.grant(citizen.id, Reason.SPAM_PENALTY, "report:1")
    assert levels.level_for(ledger.balance(citizen.id)).code == "newcomer"
    awards.grant(citizen.id, Reason.CAMPAIGN_ANSWER, "task:2", amount=40)
    db.session.commit()
    assert levels.level_for(ledger.balance(citizen.id)).code == "neighbour"
    assert [n for n in notifications(citizen) if n[0] == "level"] == [("level", "level:neighbour")]
    note = db.session.scalar(select(Notification).where(Notification.kind == "level"))
    assert note.payload["name"] == {"en": "Good Neighbour", "zh_Hans": "热心邻里"}


def test_levels_have_bilingual_names_and_rising_thresholds():
    assert [lv.threshold for lv in levels.LEVELS] == sorted({lv.threshold for lv in levels.LEVELS})
    assert all(lv.name_en and lv.name_zh for lv in levels.LEVELS)
    where = levels.progress(125)
    assert (where["level"].code, where["next"].code, where["points_to_next"], where["fraction"]) == \
        ("neighbour", "watcher", 75, 0.5)
    assert levels.progress(10_000)["next"] is None


def test_a_seven_day_streak_earns_its_badge_and_a_full_week_its_bonus(city):
    regular = f.citizen("Regular")
    reports = [submit(f.citizen(f"Reporter {n}")) for n in range(7)]
    for day in range(7):  # Monday 2026-11-23 … Sunday 2026-11-29, late evening city time
        at(f"2026-11-{23 + day}T22:30:00+08:00")
        if day == 2:
            continue  # Wednesday missed …
        support(reports[day], regular)
    assert "seven_day_streak" not in badge_codes(regular)
    assert not ledger.find(regular.id, Reason.STREAK_WEEK, "week:2026-11-23")

    # … but the report they submitted that Wednesday is validated on Saturday: the day was active after all.
    at("2026-11-25T21:00:00+08:00")
    wednesday_report = submit(regular)
    at("2026-11-28T10:00:00+08:00")
    move(wednesday_report, ReportStatus.ACKNOWLEDGED)
    assert "seven_day_streak" in badge_codes(regular)
    bonus = ledger.find(regular.id, Reason.STREAK_WEEK, "week:2026-11-23")
    assert bonus is not None and bonus.amount == 15
    assert ledger.balance(regular.id) == 6 * 1 + 10 + 15


def test_days_are_counted_in_the_city_time_zone(city):
    """23:30 and 00:30 city time are two days, although both fall on one UTC day."""
    night_owl = f.citizen("Night Owl")
    reports = [submit(f.citizen(f"R{n}")) for n in range(2)]
    at("2026-11-23T23:30:00+08:00")
    support(reports[0], night_owl)
    at("2026-11-24T00:30:00+08:00")
    support(reports[1], night_owl)
    from backend.incentives.models import ActivityDay
    days = db.session.scalars(select(ActivityDay.day).where(ActivityDay.citizen_id == night_owl.id)).all()
    assert sorted(d.isoformat() for d in days) == ["2026-11-23", "2026-11-24"]


def test_a_coordinator_edits_an_amount_and_only_new_entries_use_it(city):
    coordinator = accounts.create_staff(email="c@example.org", name="Coord", password="pw-123456789",
                                        role=StaffRole.COORDINATOR)
    clerk = accounts.create_staff(email="s@example.org", name="Clerk", password="pw-123456789", role=StaffRole.STAFF)
    reporter, fan = f.citizen("Reporter"), f.citizen("Fan")
    first, second = submit(reporter), submit(reporter)
    support(first, fan)

    rules.set_amount("support", 4, staff=coordinator)
    db.session.commit()
    support(second, fan)
    assert [e.amount for e in db.session.scalars(select(PointEntry).where(PointEntry.citizen_id == fan.id)
                                                 .order_by(PointEntry.id))] == [1, 4]
    assert {r["reason"]: r["amount"] for r in rules.table()}["support"] == 4

    with pytest.raises(Forbidden):
        rules.set_amount("support", 100, staff=clerk)
    with pytest.raises(ValidationFailed) as err:
        rules.set_amount("spam_penalty", 50, staff=coordinator)
    assert err.value.code == "amount_out_of_range"
    with pytest.raises(ValidationFailed) as err:
        rules.set_amount("free_money", 5, staff=coordinator)
    assert err.value.code == "unknown_reason"


def test_levels_gate_campaigns_through_the_tasks_area(city):
    citizen = f.citizen("Newbie")
    assert campaigns.level_of(citizen.id) == 1
    awards.grant(citizen.id, Reason.CAMPAIGN_ANSWER, "task:9", amount=250)
    assert campaigns.level_of(citizen.id) == 3


def test_answerers_of_a_finished_campaign_earn_the_finisher_badge_once(city, run_jobs):
    campaign, task_id = campaign_task()
    agreed, also = f.task_answerers(task_id, ["yes", "yes"], *IN_WEST)
    outsider = f.citizen("Outsider")
    assert jobs.award_campaign_finishers() == 0  # still running
    campaigns.close_campaign(f.coordinator(), campaign.id)
    for _ in range(2):
        outbox.add("backend.incentives.jobs.award_campaign_finishers")
        db.session.commit()
        run_jobs()
    assert badge_codes(agreed) == ["campaign_finished"] and badge_codes(also) == ["campaign_finished"]
    assert badge_codes(outsider) == []
    assert notifications(agreed) == [("badge", "badge:campaign_finished")]


def test_the_summary_shows_points_level_badges_rank_reputation_and_impact(city):
    reporter, neighbour = f.citizen("Reporter"), f.citizen("Neighbour")
    report = submit(reporter)
    support(report, neighbour)
    task = tasks_for_report(report.id)[0]
    checkers = f.task_answerers(task.id, ["yes", "yes", "yes"], *IN_WEST)
    db.session.expire_all()
    move(db.session.get(type(report), report.id), ReportStatus.RESOLVED)

    mine = standing.summary(reporter.id, "zh-CN")  # any zh/en tag, as a channel may send it
    assert mine["balance"] == 10 and mine["level"]["name"] == "新手市民"
    assert mine["next_level"] == {"rank": 2, "code": "neighbour", "threshold": 50, "name": "热心邻里"}
    assert mine["points_to_next"] == 40 and mine["progress"] == 0.2
    assert [b["name"] for b in mine["badges"]] == ["首份报告"]
    assert mine["recent"][0]["reason"] == "report_validated" and mine["recent"][0]["label"] == "报告经核实或被部门受理"
    assert mine["rank"]["all"] == 1 and mine["period_points"]["week"] == 10
    assert mine["impact"]["reports_fixed"] == 1
    assert mine["reputation"]["score"] == pytest.approx(2 / 3, abs=0.001)

    checker = standing.summary(checkers[0].id, "en")
    assert checker["impact"] == {"reports_fixed": 0, "reports_validated": 0, "checks_agreed": 1, "people_helped": 2}
    assert checker["reputation"]["answers_agreed"] == 1
    assert checker["recent"][0]["label"] == "A verification that agreed with the consensus"
