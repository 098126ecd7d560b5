"""Moderation: hiding, redacting, and blocking a citizen whose reports are then held."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.audit.models import AuditEntry
from backend.errors import Conflict, Forbidden, ValidationFailed
from backend.extensions import db
from backend.triage import moderation
from backend.disclosure.projection import is_public, public_events
from backend.reports.models import Attachment, EventKind, Report, ReportStatus
from tests import factories as f
from tests.staff_city import town  # noqa: F401  (fixture)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_hide_takes_a_report_out_of_public_view_with_an_internal_event(town):
    report = town["road_report"]
    event = moderation.set_hidden(town["coordinator"], report.id, True, reason="abusive words")
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert not is_public(report)
    assert event.kind == EventKind.MODERATED and not event.public and event not in public_events(report)
    moderation.set_hidden(town["coordinator"], report.id, False)
    assert is_public(db.session.get(Report, report.id))
    assert _actions()[-2:] == ["report.hide", "report.unhide"]


def test_a_department_may_not_hide_its_own_report_from_the_public(town):
    """Hiding takes a report out of the department's public figures too: coordinators decide."""
    report = town["road_report"]
    db.session.commit()
    with pytest.raises(Forbidden) as err:
        moderation.set_hidden(town["roads_staff"], report.id, True, reason="makes us look slow")
    assert err.value.code == "coordinators_only"
    db.session.rollback()
    assert is_public(db.session.get(Report, report.id)) and _actions() == []


def test_redact_a_phrase_keeps_it_nowhere(town):
    report = town["road_report"]
    report.description = "Call me on 13800138000, the hole is deep. 13800138000!"
    db.session.commit()
    moderation.redact_phrase(town["roads_staff"], report.id, "13800138000")
    db.session.expire_all()
    assert db.session.get(Report, report.id).description == "Call me on […], the hole is deep. […]!"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "report.redact_phrase")).one()
    assert "13800138000" not in str(entry.before) + str(entry.after)
    with pytest.raises(ValidationFailed):
        moderation.redact_phrase(town["roads_staff"], report.id, "not there")


def test_redact_a_photo(town):
    photo = Attachment(report_id=town["road_report"].id, path="ab/photo.jpg", thumbnail_path="ab/thumb.jpg",
                       content_type="image/jpeg", width=10, height=10)
    db.session.add(photo)
    db.session.commit()
    moderation.redact_photo(town["roads_staff"], town["road_report"].id, photo.id)
    assert db.session.get(Attachment, photo.id).redacted
    with pytest.raises(Conflict):
        moderation.redact_photo(town["roads_staff"], town["road_report"].id, photo.id)


def test_a_blocked_citizens_next_report_is_held_until_released(town, run_jobs):
    with pytest.raises(Forbidden):
        moderation.set_blocked(town["roads_staff"], town["reporter"].id, True)
    moderation.set_blocked(town["coordinator"], town["reporter"].id, True, reason="spam")
    report = f.routed_report(town["pothole"], 31.21, 121.43, "again", reporter=town["reporter"])
    assert report.status == ReportStatus.SUBMITTED and report.department_id is None
    assert [e.kind for e in report.events] == [EventKind.SUBMITTED, EventKind.HELD]
    assert [r.id for r in moderation.held_reports(town["coordinator"])] == [report.id]
    moderation.release(town["coordinator"], report.id)
    run_jobs()
    report = db.session.get(Report, report.id)
    assert report.status == ReportStatus.OPEN and report.department_id == town["roads"].id
    assert moderation.held_reports(town["coordinator"]) == []
    assert "citizen.block" in _actions() and "report.release" in _actions()
