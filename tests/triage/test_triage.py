"""Every staff action emits its ReportEvent, fires signals.report_event, and is audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from backend import signals
from backend.audit.models import AuditEntry
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.triage import service as triage
from backend.reports.models import EventKind, Report, ReportEvent, ReportStatus, Supporter
from tests import factories as f
from tests.staff_city import town  # noqa: F401  (fixture)


@pytest.fixture
def fired():
    """Events received through signals.report_event, as feedback receives them."""
    received: list[ReportEvent] = []

    def receiver(sender, event):
        received.append(event)

    signals.report_event.connect(receiver)
    yield received
    signals.report_event.disconnect(receiver)


def _audit(action: str, report_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action,
                                                            AuditEntry.target_id == str(report_id))))


def test_acknowledge_start_resolve_each_emit_a_public_status_event_and_an_audit_entry(town, fired):
    staff, report = town["roads_staff"], town["road_report"]
    for fn, action, status in [(triage.acknowledge, "report.acknowledge", ReportStatus.ACKNOWLEDGED),
                               (triage.start_work, "report.start", ReportStatus.IN_PROGRESS),
                               (triage.resolve, "report.resolve", ReportStatus.RESOLVED)]:
        event = fn(staff, report.id, note="on it")
        db.session.expire_all()
        assert db.session.get(Report, report.id).status == status
        assert (event.kind, event.to_status, event.public, event.actor_staff_id) == (EventKind.STATUS, status, True, staff.id)
        assert fired[-1].id == event.id
        [entry] = _audit(action, report.id)
        assert entry.staff_id == staff.id and entry.after["status"] == status.value
        assert entry.before["status"] != status.value


def test_resolve_with_a_template_uses_the_reporters_language_and_carries_both(town, fired):
    template = f.response_template()
    town["reporter"].language = "zh_Hans"
    db.session.commit()
    event = triage.resolve(town["roads_staff"], town["road_report"].id, template_id=template.id)
    assert event.note == "已修复，感谢您的报告。"
    assert event.data["texts"] == {"en": "Fixed, thank you for reporting.", "zh_Hans": "已修复，感谢您的报告。"}
    assert fired[-1].id == event.id
    assert _audit("report.resolve", town["road_report"].id)[0].after["template"] == "fixed"


def test_reject_needs_a_known_reason_and_other_needs_text(town, fired):
    staff, report = town["roads_staff"], town["road_report"]
    with pytest.raises(ValidationFailed):
        triage.reject(staff, report.id, reason="because")
    with pytest.raises(ValidationFailed):
        triage.reject(staff, report.id, reason="other", note="  ")
    event = triage.reject(staff, report.id, reason="private_property")
    assert event.to_status == ReportStatus.REJECTED and event.data == {"reason": "private_property"}
    # No words of staff's own: every reader sees the reason, in their own language.
    from backend.reports.event_texts import event_note
    assert event_note(event, "en") == "This is on private property."
    assert event_note(event, "zh_Hans") not in ("", "This is on private property.")
    assert fired[-1].id == event.id and _audit("report.reject", report.id)


def test_mark_duplicate_moves_reporter_and_supporters_to_the_original(town, fired):
    staff = town["roads_staff"]
    original = town["road_report"]
    alice, bob = f.citizen("Alice"), f.citizen("Bob")
    dup = f.routed_report(town["pothole"], 31.2001, 121.4201, "same hole", reporter=alice)
    db.session.add(Supporter(report_id=dup.id, citizen_id=bob.id))
    db.session.add(Supporter(report_id=original.id, citizen_id=bob.id))  # already supports both
    db.session.commit()
    event = triage.mark_duplicate(staff, dup.id, original.id)
    db.session.expire_all()
    assert db.session.get(Report, dup.id).status == ReportStatus.DUPLICATE
    assert db.session.get(Report, dup.id).duplicate_of_id == original.id
    assert sorted(event.data["citizens"]) == sorted([alice.id, bob.id])  # told through feedback
    supporters = set(db.session.scalars(select(Supporter.citizen_id).where(Supporter.report_id == original.id)))
    assert supporters == {alice.id, bob.id}
    assert not db.session.scalars(select(Supporter).where(Supporter.report_id == dup.id)).all()
    kinds = [(e.report_id, e.kind) for e in fired]
    assert kinds[-2:] == [(dup.id, EventKind.STATUS), (original.id, EventKind.MERGED)]
    assert fired[-1].data["citizens"] == [alice.id]
    assert _audit("report.mark_duplicate", dup.id)


def test_mark_duplicate_of_itself_or_of_an_invisible_report_is_refused(town):
    staff = town["roads_staff"]
    with pytest.raises(ValidationFailed):
        triage.mark_duplicate(staff, town["road_report"].id, town["road_report"].id)
    with pytest.raises(ValidationFailed) as err:
        triage.mark_duplicate(staff, town["road_report"].id, town["park_report"].id)  # another department's
    assert err.value.code == "unknown_original"


def test_hand_over_reroutes_with_an_event_and_the_old_department_loses_it(town, fired):
    staff, report = town["roads_staff"], town["road_report"]
    event = triage.hand_over(staff, report.id, town["parks"].id, note="this is a park path")
    db.session.expire_all()
    moved = db.session.get(Report, report.id)
    assert moved.department_id == town["parks"].id and moved.status == ReportStatus.OPEN
    assert event.kind == EventKind.HANDED_OVER and event.public
    assert event.data == {"from_department_id": town["roads"].id, "department_id": town["parks"].id}
    assert fired[-1].id == event.id
    [entry] = _audit("report.hand_over", report.id)
    assert entry.before["department_id"] == town["roads"].id and entry.after["department_id"] == town["parks"].id
    with pytest.raises(NotFound):
        triage.internal_note(staff, report.id, "still mine?")
    triage.internal_note(town["parks_staff"], report.id, "ours now")


def test_an_unrouted_report_is_routed_by_hand_by_a_coordinator_only(town, fired):
    lost = f.routed_report(town["bench"], 31.20, 121.42, "bench in the west")  # parks only cover the east
    assert lost.status == ReportStatus.SUBMITTED and lost.department_id is None
    with pytest.raises(NotFound):
        triage.hand_over(town["roads_staff"], lost.id, town["parks"].id)
    event = triage.hand_over(town["coordinator"], lost.id, town["parks"].id)
    db.session.expire_all()
    routed = db.session.get(Report, lost.id)
    assert routed.status == ReportStatus.OPEN and routed.due_at is not None
    assert event.kind == EventKind.ROUTED and fired[-1].id == event.id


def test_notes_internal_and_public(town, fired):
    staff, report = town["roads_staff"], town["road_report"]
    internal = triage.internal_note(staff, report.id, "crew booked for Tuesday")
    assert (internal.kind, internal.public) == (EventKind.NOTE, False)
    template = f.response_template("scheduled", "note", body_en="Repair is scheduled.", body_zh="已安排维修。")
    public = triage.public_note(staff, report.id, template_id=template.id)
    assert (public.kind, public.public, public.note) == (EventKind.NOTE, True, "已安排维修。")
    assert [e.id for e in fired[-2:]] == [internal.id, public.id]
    assert _audit("report.internal_note", report.id) and _audit("report.public_note", report.id)
    with pytest.raises(ValidationFailed):
        triage.public_note(staff, report.id, "")


def test_an_action_the_lifecycle_forbids_changes_nothing(town, fired):
    staff, report = town["roads_staff"], town["road_report"]
    triage.resolve(staff, report.id)
    before = len(fired)
    with pytest.raises(Conflict):
        triage.acknowledge(staff, report.id)
    db.session.rollback()
    assert len(fired) == before
    assert not _audit("report.acknowledge", report.id)


def test_bulk_applies_to_each_and_reports_failures_one_by_one(town):
    staff = town["roads_staff"]
    second = f.routed_report(town["pothole"], 31.25, 121.43, "another")
    triage.resolve(staff, second.id)
    done, failed = triage.bulk(staff, [town["road_report"].id, second.id, town["park_report"].id], "acknowledge")
    assert done == [town["road_report"].id]
    assert set(failed) == {second.id, town["park_report"].id}
    db.session.expire_all()
    assert db.session.get(Report, town["road_report"].id).status == ReportStatus.ACKNOWLEDGED
    assert db.session.get(Report, town["park_report"].id).status == ReportStatus.OPEN
