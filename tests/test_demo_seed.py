from sqlalchemy import func, select

from backend.accounts import service as accounts
from backend.demo import seed_demo
from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import Report, ReportEvent, ReportStatus


def test_demo_city_is_complete_and_seeding_twice_changes_no_count():
    first = seed_demo()
    assert first.counts["districts"] >= 4 and first.counts["departments"] >= 5
    assert first.counts["categories"] >= 10 and first.counts["citizens"] >= 50
    assert first.counts["reports"] >= 500
    statuses = set(db.session.scalars(select(Report.status).distinct()))
    assert statuses == set(ReportStatus)
    # A year of use: reports in each of the last twelve months, histories of several steps.
    months = db.session.scalar(select(func.count(func.distinct(func.date_trunc("month", Report.created_at)))))
    assert months >= 12
    closed = db.session.scalar(select(Report).where(Report.status == ReportStatus.CLOSED).limit(1))
    assert [e.to_status for e in closed.events][-1] == ReportStatus.CLOSED
    assert len(closed.events) >= 5
    assert all(a.created_at <= b.created_at for a, b in zip(closed.events, closed.events[1:]))
    assert reports.unrouted(), "coordinators should have unrouted reports to look at"
    # One seeding serves every check (each test starts from an empty database, and seeding takes a while).
    _check_figures_of_a_city_that_works()
    _check_addresses_agree_between_languages_and_lie_in_their_district()
    events = db.session.scalar(select(func.count()).select_from(ReportEvent))

    second = seed_demo()
    assert second.counts == first.counts
    assert db.session.scalar(select(func.count()).select_from(ReportEvent)) == events
    # Every account the seed creates may sign in with the password `make run` prints for it.
    assert [login.role.value for login in second.logins] == ["staff", "coordinator", "admin"] + ["staff"] * 4
    assert {login.department for login in second.logins} >= {"city_roads", "street_lighting", "city_sanitation",
                                                              "huangpu_works", "parks_water", None}
    for login in second.logins:
        assert accounts.check_password(accounts.staff_by_email(login.email), login.password), login.email


def _check_figures_of_a_city_that_works():
    """What a visitor of /stats and the report pages sees after a year: a service that mostly keeps
    its promises, a crowd that takes part, a coordinators' list that is short and fresh."""
    from datetime import timedelta

    from backend.clock import utcnow
    from backend.disclosure import statistics
    from backend.reports.models import EventKind, Supporter
    from backend.tasks import campaigns
    from backend.tasks.models import Campaign, CampaignState, Task, TaskKind, TaskState
    from backend.triage.models import ResponseTemplate, SlaEscalation

    departments = [row for row in statistics.by_department("en") if row.key != statistics.NOT_ROUTED]
    assert len(departments) >= 5
    for row in departments:
        assert row.received >= 20, row
        assert 0.60 <= row.on_time_rate <= 0.95, row
        assert 0.4 <= row.confirmed_fix_rate <= 0.97, row
        assert 0 < row.reopen_rate < 0.25, row
    # Late ones were escalated as the SLA sweep does, once per breach.
    escalations = db.session.scalar(select(func.count()).select_from(SlaEscalation))
    escalated_events = db.session.scalar(select(func.count()).select_from(ReportEvent)
                                         .where(ReportEvent.kind == EventKind.ESCALATED))
    assert escalations == escalated_events > 20

    reports_total = db.session.scalar(select(func.count()).select_from(Report))
    supported = db.session.scalar(select(func.count(func.distinct(Supporter.report_id))))
    assert 0.25 <= supported / reports_total <= 0.8
    verified = db.session.scalar(select(func.count()).select_from(Report).where(Report.verified.is_(True)))
    assert verified >= reports_total * 0.2
    confirmed = db.session.scalar(select(func.count()).select_from(Task).where(
        Task.kind == TaskKind.CONFIRM_FIX, Task.outcome == "fix_confirmed"))
    assert confirmed >= reports_total * 0.3
    # Every closure is a fix the crowd confirmed (the only way the platform closes a report).
    closures = db.session.scalars(select(ReportEvent).where(ReportEvent.to_status == ReportStatus.CLOSED)).all()
    assert closures and all(e.data.get("code") == "tasks.fix_confirmed" or "fix_confirmed" in str(e.data)
                            for e in closures)

    # Campaigns: one over and closed, one running, both answered.
    finished = db.session.scalars(select(Campaign).where(Campaign.state == CampaignState.CLOSED)).all()
    running = campaigns.active_campaigns()
    assert finished and running
    for campaign in [*finished, *running]:
        assert campaigns.progress(campaign.id)["answers"] > 0
    assert any(campaigns.progress(c.id)["tasks_closed"] for c in finished)

    # Templates exist and resolutions used them.
    assert db.session.scalar(select(func.count()).select_from(ResponseTemplate)) >= 5
    used = db.session.scalar(select(func.count()).select_from(ReportEvent).where(
        ReportEvent.to_status == ReportStatus.RESOLVED, ReportEvent.data["template"].astext.is_not(None)))
    assert used >= 50

    # The coordinators' list: few and fresh; older ones were routed by hand.
    waiting = reports.unrouted()
    assert 0 < len(waiting) <= 0.02 * reports_total
    assert all(r.created_at > utcnow() - timedelta(days=7) for r in waiting)
    by_hand = db.session.scalar(select(func.count()).select_from(ReportEvent).where(
        ReportEvent.kind == EventKind.ROUTED, ReportEvent.actor_type == "staff"))
    assert by_hand >= 5
    # No unrouted row among the departments' figures either: a visitor sees every report with a department
    # except this week's few.
    unrouted_row = [row for row in statistics.by_department("en") if row.key == statistics.NOT_ROUTED]
    assert not unrouted_row or unrouted_row[0].received == len(waiting)


def _check_addresses_agree_between_languages_and_lie_in_their_district():
    import re

    from backend.city.models import District
    from backend.demo.geography import STREETS

    streets = {code: {(zh, en) for zh, en in pairs} for code, pairs in STREETS.items()}
    rows = db.session.execute(select(Report.address, District.code).join(District, District.id == Report.district_id)
                              .where(Report.channel != "campaign")).all()
    assert len(rows) >= 500
    for address, district in rows:
        match = re.fullmatch(r"(.+?)(\d+)号 / (\d+) (.+)", address)
        assert match, address
        zh, number_zh, number_en, en = match.groups()
        assert number_zh == number_en, address
        assert (zh, en) in streets[district], (address, district)
