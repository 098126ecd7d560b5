"""The inbox list: counts, filters, sorting and keyset pagination."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import text

from backend.clock import utcnow
from backend.extensions import db
from backend.triage import inbox_query
from backend.triage.inbox_query import InboxFilters
from backend.reports.models import Report, Supporter
from tests import factories as f


def _refs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'class="ref">CG-(\d+)<', html)]


def _many(town, n: int) -> list[Report]:
    made = [f.routed_report(town["pothole"], 31.16 + i * 0.001, 121.41, f"hole number {i}") for i in range(n)]
    # Spread the creation times so the order is meaningful.
    for i, r in enumerate(made):
        r.created_at = utcnow() - timedelta(hours=n - i)
    db.session.commit()
    return made


def test_keyset_pages_cover_every_report_once_in_order(town):
    made = _many(town, 7)
    staff = town["roads_staff"]
    for sort in inbox_query.SORTS:
        seen, cursor = [], None
        while True:
            page, cursor = inbox_query.page(staff, InboxFilters(sort=sort), cursor=cursor, size=3)
            seen.extend(r.id for r in page)
            if cursor is None:
                break
        assert sorted(seen) == sorted([r.id for r in made] + [town["road_report"].id]), sort
        assert len(seen) == len(set(seen))
    newest, _ = inbox_query.page(staff, InboxFilters(sort="newest"), size=2)
    assert [r.id for r in newest] == [town["road_report"].id, made[-1].id]
    oldest, _ = inbox_query.page(staff, InboxFilters(sort="oldest"), size=2)
    assert [r.id for r in oldest] == [made[0].id, made[1].id]


def test_most_supported_and_verified_first(town):
    made = _many(town, 3)
    for name in ("a", "b"):
        db.session.add(Supporter(report_id=made[1].id, citizen_id=f.citizen(name).id))
    made[0].verified = True
    db.session.commit()
    staff = town["roads_staff"]
    assert inbox_query.page(staff, InboxFilters(sort="supported"), size=1)[0][0].id == made[1].id
    assert inbox_query.page(staff, InboxFilters(sort="verified"), size=1)[0][0].id == made[0].id
    assert [r.id for r in inbox_query.page(staff, InboxFilters(verified=True))[0]] == [made[0].id]


def test_filters_by_status_text_area_overdue_duplicates_and_dates(town, sign_in):
    staff = town["roads_staff"]
    a = f.routed_report(town["pothole"], 31.2300, 121.4300, "crack by the bridge")
    b = f.routed_report(town["pothole"], 31.2301, 121.4301, "same crack")  # within 50 m of a
    a.due_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    ids = lambda **kw: sorted(r.id for r in inbox_query.page(staff, InboxFilters(**kw))[0])
    assert ids(q="BRIDGE") == [a.id]
    assert ids(q=f"CG-{b.id:06d}") == [b.id]
    assert ids(q="100%_") == []
    assert ids(overdue=True) == [a.id]
    assert ids(possible_duplicates=True) == sorted([a.id, b.id])
    assert ids(area_id=town["west"].id) == sorted([a.id, b.id, town["road_report"].id])
    assert ids(area_id=town["east"].id) == []
    assert ids(date_from=(utcnow() + timedelta(days=2)).date()) == []
    assert ids(date_to=(utcnow() + timedelta(days=1)).date()) == sorted([a.id, b.id, town["road_report"].id])
    html = sign_in(staff).get("/inbox/?q=crack&sort=oldest").text
    assert _refs(html) == [a.id, b.id]


def test_counts_per_status_and_a_resolved_report_leaves_the_active_list(town, sign_in):
    member = sign_in(town["roads_staff"])
    report_id = town["road_report"].id
    assert report_id in _refs(member.get("/inbox/").text)
    member.post(f"/inbox/reports/{report_id}/act/resolve", {"note": "done"})
    html = member.get("/inbox/").text
    assert report_id not in _refs(html)
    assert report_id in _refs(member.get("/inbox/?status=resolved").text)
    counts = inbox_query.status_counts(town["roads_staff"], InboxFilters())
    assert counts["resolved"] == 1 and counts["open"] == 0


def test_a_damaged_cursor_starts_over(town, sign_in):
    assert sign_in(town["roads_staff"]).get("/inbox/?after=%%%garbage").status_code == 200


def _bulk_insert(town, n: int) -> None:
    """Many reports at once, most of them closed (a year of history), straight in SQL."""
    db.session.execute(text("""
      INSERT INTO reports (category_id, department_id, location, description, attributes, status, channel,
                           created_at, updated_at, due_at, verified, hidden)
      SELECT :c, CASE WHEN g % 4 = 0 THEN :p ELSE :d END,
             ST_SetSRID(ST_MakePoint(121.41 + (g % 100) * 0.0005, 31.16 + (g / 100) * 0.0005), 4326),
             'report ' || g, '{}'::jsonb, (ARRAY['open','acknowledged','in_progress','resolved','closed','closed'])[1 + g % 6],
             'api', now() - (g || ' minutes')::interval, now(), now() + interval '2 days' - (g || ' minutes')::interval,
             g % 7 = 0, false
      FROM generate_series(1, :n) g"""), {"c": town["pothole"].id, "d": town["roads"].id, "p": town["parks"].id, "n": n})
    db.session.commit()
    db.session.execute(text("ANALYZE reports"))


def _plan(query) -> str:
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    return "\n".join(db.session.execute(text(f"EXPLAIN {compiled}")).scalars())


def test_the_inbox_pages_read_through_the_partial_indexes(town):
    """The real queries of a first and a later page, explained over 20,000 reports: they walk
    an index in the page's order and stop, with no sort of the department's reports."""
    _bulk_insert(town, 20_000)
    staff = town["roads_staff"]
    _page, cursor = inbox_query.page(staff, InboxFilters(), size=50)
    for sort, index in [("newest", "ix_reports_inbox_open_created"), ("oldest", "ix_reports_inbox_open_created"),
                        ("due", "open_due"), ("verified", "ix_reports_inbox_open_verified")]:
        plan = _plan(inbox_query.page_query(staff, InboxFilters(sort=sort)))
        # An incremental sort of ties is fine; a sort of every open report is not.
        assert index in plan and "->  Sort" not in plan, (sort, plan)
    plan = _plan(inbox_query.page_query(staff, InboxFilters(), cursor=cursor))
    assert "ix_reports_inbox_open_created" in plan and "Sort" not in plan, plan
    plan = _plan(inbox_query.page_query(staff, InboxFilters(possible_duplicates=True)))
    assert "Hash" not in plan and "idx_reports_location" in plan, plan  # a GiST probe per row, not a hash of the table


def test_most_supported_pages_continue_from_supported_to_unsupported_reports(town):
    _bulk_insert(town, 300)
    staff = town["roads_staff"]
    open_ids = [r.id for r in inbox_query.page(staff, InboxFilters(), size=1000)[0]]
    people = [f.citizen(f"c{i}") for i in range(3)]
    for i, report_id in enumerate(open_ids[:3]):
        for person in people[: i + 1]:
            db.session.add(Supporter(report_id=report_id, citizen_id=person.id))
    db.session.commit()
    seen, cursor = [], None
    while True:
        rows, cursor = inbox_query.page(staff, InboxFilters(sort="supported"), cursor=cursor, size=2)
        seen.extend(r.id for r in rows)
        if cursor is None:
            break
    assert seen[:3] == [open_ids[2], open_ids[1], open_ids[0]]
    assert sorted(seen) == sorted(open_ids) and len(seen) == len(set(seen))
