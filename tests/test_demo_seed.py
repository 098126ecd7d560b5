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
