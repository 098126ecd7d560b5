"""A board over a large ledger reads only its pre-aggregated totals (asserted on the query plan)."""
import json

from sqlalchemy import text

from backend.clock import utcnow
from backend.extensions import db
from backend.incentives import boards
from tests.incentives.conftest import at

CITIZENS = 5000
ENTRIES = 200_000


def generate_ledger(west: int, east: int) -> None:
    """Citizens and ledger rows written in SQL (the ORM would take minutes), then the boards rebuilt."""
    db.session.execute(text("""
        INSERT INTO citizens (id, display_name, language, created_at, blocked, hidden_from_boards)
        SELECT n, 'Citizen ' || n, 'zh_Hans', now(), false, n % 50 = 0
        FROM generate_series(1, :n) AS n"""), {"n": CITIZENS})
    db.session.execute(text("""
        INSERT INTO point_entries (citizen_id, amount, reason, subject, district_id, data, created_at)
        SELECT 1 + (n * 7919) % :citizens,
               CASE WHEN n % 10 = 0 THEN 10 ELSE 1 + n % 5 END,
               CASE WHEN n % 10 = 0 THEN 'report_validated' ELSE 'support' END,
               'gen:' || n,
               CASE n % 3 WHEN 0 THEN :west WHEN 1 THEN :east END,
               '{}'::jsonb,
               :now - (n % 90) * interval '1 day' - (n % 1440) * interval '1 minute'
        FROM generate_series(1, :entries) AS n"""),
        {"citizens": CITIZENS, "entries": ENTRIES, "west": west, "east": east, "now": utcnow()})
    boards.rebuild()
    db.session.commit()
    db.session.execute(text("ANALYZE citizens; ANALYZE board_totals; ANALYZE point_entries"))


def plan_of(statement) -> dict:
    compiled = statement.compile(dialect=db.engine.dialect)
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled), compiled.params).scalar()
    return (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]


def nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def top_from_ledger(period_start_sql: str, district_id: int | None, limit: int) -> list[tuple[str, int]]:
    """The same board computed the slow way, straight from the ledger, to check the totals' answer."""
    where = "AND e.district_id = :d" if district_id else ""
    return [tuple(r) for r in db.session.execute(text(f"""
        SELECT c.display_name, SUM(e.amount)::bigint AS points FROM point_entries e JOIN citizens c ON c.id = e.citizen_id
        WHERE NOT c.hidden_from_boards AND e.created_at >= {period_start_sql} {where}
        GROUP BY c.id, c.display_name ORDER BY points DESC, c.id DESC LIMIT :limit"""),
        {"d": district_id, "limit": limit})]


def test_a_board_over_200k_ledger_rows_reads_only_its_aggregate(city):
    at("2026-11-25T12:00:00+08:00")
    generate_ledger(city["west"].id, city["east"].id)
    assert db.session.scalar(text("SELECT count(*) FROM point_entries")) == ENTRIES

    for period, district_id, since in (("all", None, "'-infinity'"), ("week", None, None),
                                       ("month", city["west"].id, None)):
        statement = boards.board_statement(period, district_id, limit=10)
        plan = plan_of(statement)
        touched = {n.get("Relation Name") for n in nodes(plan)} - {None}
        assert "point_entries" not in touched, (period, touched)
        scans = [n for n in nodes(plan) if n.get("Relation Name") == "board_totals"]
        assert scans and all(n["Node Type"] in ("Index Scan", "Index Only Scan") for n in scans), scans
        # The index is read in order and stops at the limit: a few rows, not the thousands in the period.
        assert sum(n["Actual Rows"] * n.get("Actual Loops", 1) for n in scans) <= 20
        assert plan["Shared Hit Blocks"] + plan.get("Shared Read Blocks", 0) < 200

        rows = boards.board(period, district_id, limit=10)
        assert len(rows) == 10
        start = boards.period_start(period)
        since_sql = since or f"(DATE '{start.isoformat()}')::timestamp AT TIME ZONE 'Asia/Shanghai'"
        expected = top_from_ledger(since_sql, district_id, 10)
        assert [(r.display_name, r.points) for r in rows] == expected
