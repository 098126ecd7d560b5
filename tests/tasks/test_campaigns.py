"""Coordinators' campaigns: validation, tasks over the area, the window and area enforced, progress."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from backend.clock import set_clock, utcnow
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.tasks import answering, assignment, campaigns, service
from backend.tasks.models import CampaignState, Task, TaskKind, TaskState
from tests import factories as f
from tests.tasks.conftest import citizens

# A 1.1 km x 1.1 km square inside the city.
AREA = {"type": "Polygon", "coordinates": [[[121.470, 31.220], [121.482, 31.220], [121.482, 31.230],
                                             [121.470, 31.230], [121.470, 31.220]]]}
INSIDE = (31.225, 121.476)
OUTSIDE = (31.240, 121.476)  # ~1.6 km north of the centre, outside the square


def _campaign(**overrides):
    now = utcnow()
    values = dict(title_en="Broken streetlights", title_zh="路灯巡查", instructions_en="Look up at night.",
                  instructions_zh="晚上抬头看看。", question_en="Is the streetlight here working?",
                  question_zh="这里的路灯亮吗？", area=AREA, starts_at=now - timedelta(hours=1),
                  ends_at=now + timedelta(days=7), redundancy=2, reward_multiplier=1.5, target_count=9)
    values.update(overrides)
    return campaigns.create_campaign(staff=f.coordinator(), **values)


def _task_nearest(citizen, lat, long):
    return assignment.nearby(citizen, lat, long)[0].task


def test_a_campaign_spreads_its_target_count_of_tasks_over_its_area(city):
    campaign = _campaign()
    tasks = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id)).all()
    assert len(tasks) == 9
    # A campaign answer is worth the incentives rule (5) times the multiplier (1.5).
    assert {(t.kind, t.redundancy, t.reward, t.state) for t in tasks} == {(TaskKind.CAMPAIGN, 2, 8, TaskState.OPEN)}
    points = [service.coordinates(t) for t in tasks]
    assert all(31.220 <= lat <= 31.230 and 121.470 <= long <= 121.482 for lat, long in points)
    assert len(set(points)) == 9
    lats = sorted(lat for lat, _ in points)
    assert lats[-1] - lats[0] > 0.005  # spread over the area, not stacked in a corner


@pytest.mark.parametrize("change, code", [
    ({"area": {"type": "Polygon", "coordinates": [[[121.47, 31.22], [121.48, 31.23], [121.48, 31.22],
                                                   [121.47, 31.23], [121.47, 31.22]]]}}, "invalid_area"),  # a bow tie
    ({"area": {"type": "Point", "coordinates": [121.47, 31.22]}}, "invalid_area"),
    ({"area": {"type": "Polygon", "coordinates": [[[2.0, 48.0], [2.1, 48.0], [2.1, 48.1], [2.0, 48.0]]]}},
     "outside_service_area"),
    ({"ends_at": utcnow() - timedelta(days=2), "starts_at": utcnow() - timedelta(days=3)}, "invalid_window"),
    ({"ends_at": utcnow(), "starts_at": utcnow() + timedelta(days=1)}, "invalid_window"),
    ({"question_en": "", "question_zh": ""}, "subject_required"),
    ({"title_en": "", "title_zh": " "}, "title_required"),
    ({"redundancy": 0}, "out_of_range"),
    ({"reward_multiplier": 0}, "out_of_range"),
    ({"target_count": 5000}, "out_of_range"),
    ({"redundancy": "٣"}, "invalid_number"),  # int() reads Arabic-Indic digits; a form field must not
    ({"target_count": "9" * 400}, "invalid_number"),
    ({"redundancy": "3.5"}, "invalid_number"),
    ({"target_count": "5000"}, "out_of_range"),
])
def test_invalid_campaigns_are_refused_and_nothing_is_stored(city, change, code):
    with pytest.raises(ValidationFailed) as err:
        _campaign(**change)
    assert err.value.code == code
    db.session.rollback()
    assert campaigns.list_campaigns() == []


def test_a_category_may_stand_for_the_question(city):
    campaign = _campaign(question_en="", question_zh="", category="pothole")
    view = campaigns.campaign_view(campaign, "en")
    assert (view["category"], view["question"], view["title"]) == ("pothole", None, "Broken streetlights")
    assert campaigns.campaign_view(campaign, "zh_Hans")["title"] == "路灯巡查"


def test_answers_outside_the_area_are_refused_with_a_reason(city):
    _campaign()
    [me] = citizens(1)
    task = _task_nearest(me, *INSIDE)
    assignment.claim(task.id, me)
    with pytest.raises(ValidationFailed) as err:
        answering.answer(task.id, me, "yes", lat=OUTSIDE[0], long=OUTSIDE[1])
    assert err.value.code == "outside_campaign_area"
    assert err.value.message == "你不在这个活动的区域内。"  # the default language
    with force_locale("en"), pytest.raises(ValidationFailed) as err:
        answering.answer(task.id, me, "yes", lat=OUTSIDE[0], long=OUTSIDE[1])
    assert err.value.message == "You are outside this campaign's area."
    with pytest.raises(ValidationFailed) as err:
        answering.answer(task.id, me, "yes")
    assert err.value.code == "location_required"
    answering.answer(task.id, me, "yes", lat=INSIDE[0], long=INSIDE[1])
    assert campaigns.progress(task.campaign_id)["answers"] == 1


def test_answers_outside_the_window_are_refused_with_a_reason(city):
    start = utcnow()
    campaign = _campaign(starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=2))
    [me] = citizens(1)
    assert assignment.nearby(me, *INSIDE) == []  # not started
    assert campaigns.active_campaigns() == []
    task = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id)).first()
    with pytest.raises(ValidationFailed) as err:
        assignment.claim(task.id, me)
    assert (err.value.code, err.value.message) == ("outside_campaign_window", "这个活动还没有开始。")
    set_clock(lambda: start + timedelta(days=1, hours=23, minutes=50))
    assert [c.id for c in campaigns.active_campaigns()] == [campaign.id]
    assignment.claim(task.id, me)
    set_clock(lambda: start + timedelta(days=2, minutes=1))  # the claim is still live, the window is over
    with pytest.raises(ValidationFailed) as err:
        answering.answer(task.id, me, "yes", lat=INSIDE[0], long=INSIDE[1])
    assert (err.value.code, err.value.message) == ("outside_campaign_window", "这个活动已经结束。")
    from backend.tasks import jobs
    jobs.expire_tasks()
    assert campaigns.get(campaign.id).state == CampaignState.CLOSED


def test_pause_resume_close_and_progress(city):
    campaign = _campaign(target_count=4)
    a, b = citizens(2)
    tasks = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id).order_by(Task.id)).all()
    for person, verdict in ((a, "yes"), (b, "yes")):
        assignment.claim(tasks[0].id, person)
        answering.answer(tasks[0].id, person, verdict, lat=INSIDE[0], long=INSIDE[1])
    assignment.claim(tasks[1].id, a)
    answering.answer(tasks[1].id, a, "no", lat=INSIDE[0], long=INSIDE[1])
    progress = campaigns.progress(campaign.id)
    assert progress == {"campaign_id": campaign.id, "state": "active", "target_count": 4, "tasks": 4,
                        "tasks_closed": 1, "answers": 3, "coverage": 0.5, "agreement": 1.0, "outcomes": {"yes": 1}}

    points = campaigns.task_points(campaign.id)
    assert [(p["id"], p["answers"], p["outcome"]) for p in points[:2]] == [(tasks[0].id, 2, "yes"), (tasks[1].id, 1, None)]
    assert all(31.220 <= p["lat"] <= 31.230 for p in points)

    campaigns.pause_campaign(f.coordinator(), campaign.id)
    assert assignment.nearby(b, *INSIDE) == []
    with pytest.raises(Conflict) as err:
        assignment.claim(tasks[2].id, b)
    assert err.value.code == "campaign_not_active"
    campaigns.resume_campaign(f.coordinator(), campaign.id)
    assignment.claim(tasks[2].id, b)
    campaigns.close_campaign(f.coordinator(), campaign.id)
    assert assignment.current_claim(b) is None
    assert {t.state for t in tasks[1:]} == {TaskState.CANCELLED}
    with pytest.raises(Conflict):
        campaigns.resume_campaign(f.coordinator(), campaign.id)


def test_editing_a_campaign(city):
    campaign = _campaign(target_count=3)
    campaigns.update_campaign(f.coordinator(), campaign.id, reward_multiplier=3, title_en="Streetlights at night", target_count=5)
    tasks = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id)).all()
    assert len(tasks) == 5 and {t.reward for t in tasks} == {15}
    [me] = citizens(1)
    assignment.claim(tasks[0].id, me)
    answering.answer(tasks[0].id, me, "yes", lat=INSIDE[0], long=INSIDE[1])
    with pytest.raises(Conflict) as err:
        campaigns.update_campaign(f.coordinator(), campaign.id, area=AREA)
    assert err.value.code == "campaign_has_answers"
    campaigns.update_campaign(f.coordinator(), campaign.id, redundancy=4)
    assert db.session.get(Task, tasks[1].id).redundancy == 4


def test_a_minimum_level_is_checked_through_the_incentives_lookup(city):
    campaign = _campaign(min_level=3)
    novice, expert = citizens(2)
    task = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id)).first()
    with pytest.raises(Forbidden) as err:
        assignment.claim(task.id, novice)
    assert err.value.code == "level_too_low"
    assert assignment.nearby(novice, *INSIDE) == []
    real_lookup = campaigns._level_of
    campaigns.set_level_lookup(lambda citizen_id: 5 if citizen_id == expert.id else 1)
    try:
        assert len(assignment.nearby(expert, *INSIDE)) == 9
        assert assignment.claim(task.id, expert).task_id == task.id
        with pytest.raises(Forbidden):
            assignment.claim(task.id, novice)
    finally:
        campaigns.set_level_lookup(real_lookup)


def test_a_category_campaigns_finding_becomes_a_verified_report(city, run_jobs):
    from backend.reports.models import Report, ReportStatus

    campaign = _campaign(question_en="", question_zh="", category="pothole", redundancy=1, target_count=2)
    finder, doubter = citizens(2)
    found, empty = db.session.scalars(select(Task).where(Task.campaign_id == campaign.id).order_by(Task.id)).all()
    assignment.claim(found.id, finder)
    answering.answer(found.id, finder, "yes", lat=INSIDE[0], long=INSIDE[1], note="Two holes by the gate")
    assignment.claim(empty.id, doubter)
    answering.answer(empty.id, doubter, "no", lat=INSIDE[0], long=INSIDE[1])
    [report] = db.session.scalars(select(Report)).all()
    assert (report.channel, report.verified, report.description) == ("campaign", True, "Two holes by the gate")
    from backend.reports.service import coordinates as report_coordinates
    assert report_coordinates(report) == pytest.approx(service.coordinates(found))
    assert db.session.get(Task, found.id).report_id == report.id
    run_jobs()
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.OPEN and report.department_id == city["roads"].id
    # The campaign's answers were its verification: no second round.
    assert [t.kind for t in service.tasks_for_report(report.id)] == [TaskKind.CAMPAIGN]
