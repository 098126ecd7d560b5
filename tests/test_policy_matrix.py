"""Who may do what: every policy function of every area × every kind of actor, as one table.

The table is the rule book. Changing who may do something is changing a cell here, in the same
commit as the policy; a new policy function fails the test until its row is written.

  yes     allowed
  no      refused (Forbidden, with the reason)
  hidden  refused as "not found": the actor is not told the thing exists

Actors: `same` is department staff of the subject's department (the report's; for subjects that
belong to no department, simply department staff), `other` department staff of another
department, then a coordinator, an admin, a citizen and an anonymous caller.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from backend.clock import utcnow
from backend.errors import Forbidden, NotFound
from backend.policy import Decision, every_policy, require
from backend.tasks.models import Campaign, CampaignState
from tests.staff_city import town  # noqa: F401  (fixture)

ACTORS = ("same", "other", "coordinator", "admin", "citizen", "anonymous")

MATRIX = """
policy                     subject   same    other   coordinator admin  citizen anonymous
# triage: working a report (backend/triage/policy.py)
may_see_report             report    yes     hidden  yes         yes    hidden  hidden
may_see_internal_notes     report    yes     hidden  yes         yes    hidden  hidden
may_acknowledge            report    yes     hidden  yes         yes    hidden  hidden
may_start_work             report    yes     hidden  yes         yes    hidden  hidden
may_resolve                report    yes     hidden  yes         yes    hidden  hidden
may_reject                 report    yes     hidden  yes         yes    hidden  hidden
may_mark_duplicate         report    yes     hidden  yes         yes    hidden  hidden
may_hand_over              report    yes     hidden  yes         yes    hidden  hidden
may_write_public_note      report    yes     hidden  yes         yes    hidden  hidden
may_write_internal_note    report    yes     hidden  yes         yes    hidden  hidden
may_redact                 report    yes     hidden  yes         yes    hidden  hidden
may_hide_report            report    no      hidden  yes         yes    hidden  hidden
may_route_by_hand          report    no      hidden  yes         yes    hidden  hidden
may_release                report    no      hidden  yes         yes    hidden  hidden
may_see_contact_details    report    no      hidden  yes         yes    hidden  hidden
may_block_citizen          citizen   no      no      yes         yes    no      no
may_see_all_departments    -         no      no      yes         yes    no      no
may_see_notices            -         hidden  hidden  yes         yes    hidden  hidden
may_mark_notice_seen       -         no      no      yes         yes    no      no
may_manage_templates       -         no      no      no          yes    no      no
# campaigns (backend/tasks/policy.py)
may_see_campaigns          -         hidden  hidden  yes         yes    hidden  hidden
may_open_campaign          -         no      no      yes         yes    no      no
may_edit_campaign          campaign  no      no      yes         yes    no      no
# incentives (backend/incentives/policy.py)
may_see_point_rules        -         hidden  hidden  yes         yes    hidden  hidden
may_edit_point_rules       -         no      no      yes         yes    no      no
# past the public projection (backend/disclosure/policy.py)
may_see_city_map           -         hidden  hidden  yes         yes    hidden  hidden
# the city's map of responsibilities (backend/city/policy.py)
may_manage_departments     -         no      no      no          yes    no      no
may_manage_areas           -         no      no      no          yes    no      no
may_manage_categories      -         no      no      no          yes    no      no
# citizens' updates (backend/updates/policy.py)
may_add_update             report    no      no      no          no     yes     no
# accounts (backend/accounts/policy.py) and the audit log (backend/audit/policy.py)
may_manage_staff           -         no      no      no          yes    no      no
may_manage_api_keys        -         no      no      no          yes    no      no
may_read_audit_log         -         no      no      no          yes    no      no
"""


def _table() -> dict[str, tuple[str, dict[str, str]]]:
    lines = [line.split() for line in MATRIX.strip().splitlines() if line.strip() and not line.startswith("#")]
    header, rows = lines[0], lines[1:]
    assert header == ["policy", "subject", *ACTORS]
    table = {}
    for row in rows:
        assert len(row) == len(header), row
        assert row[0] not in table, f"{row[0]} is listed twice"
        table[row[0]] = (row[1], dict(zip(ACTORS, row[2:])))
    return table


TABLE = _table()


def test_every_policy_function_has_its_row_and_every_row_a_function(app):
    assert sorted(every_policy()) == sorted(TABLE)


def _answer(decision: Decision) -> str:
    """What the decision says, checked against what `require` raises for it."""
    assert isinstance(decision, Decision)
    if decision:
        require(decision)
        return "yes"
    assert decision.code and decision.message, "a refusal says why"
    expected = NotFound if decision.conceal else Forbidden
    with pytest.raises(expected):
        require(decision)
    return "hidden" if decision.conceal else "no"


@pytest.fixture
def world(town):
    now = utcnow()
    campaign = Campaign(title_en="Benches", title_zh="长椅", question_en="Broken?", area="SRID=4326;MULTIPOLYGON(((121.41 31.19,"
                        " 121.43 31.19, 121.43 31.21, 121.41 31.19)))", starts_at=now, ends_at=now + timedelta(days=1),
                        redundancy=1, reward_multiplier=1.0, target_count=1, state=CampaignState.ACTIVE,
                        created_at=now, updated_at=now)
    actors = {"same": town["roads_staff"], "other": town["parks_staff"], "coordinator": town["coordinator"],
              "admin": town["admin"], "citizen": town["reporter"], "anonymous": None}
    subjects = {"report": town["road_report"], "citizen": town["reporter"], "campaign": campaign, "-": None}
    return actors, subjects


@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_policy_answers_as_the_table_says(world, name):
    actors, subjects = world
    subject_kind, expected = TABLE[name]
    rule = every_policy()[name]
    subject = subjects[subject_kind]
    answers = {who: _answer(rule(actor) if subject is None else rule(actor, subject)) for who, actor in actors.items()}
    assert answers == expected


def test_a_switched_off_staff_account_may_do_nothing(world):
    actors, subjects = world
    for who in ("same", "coordinator", "admin"):
        actors[who].active = False
    for name, (subject_kind, _row) in TABLE.items():
        rule, subject = every_policy()[name], subjects[subject_kind]
        for who in ("same", "coordinator", "admin"):
            decision = rule(actors[who]) if subject is None else rule(actors[who], subject)
            assert not decision, f"{name} allows an inactive {who}"
