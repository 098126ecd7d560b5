"""A report's history speaks its reader's language: what the system or a reason says is stored as a
code and rendered when read, so a Chinese reader of an English reporter's report reads Chinese,
on every door that shows the history (API, Open311)."""
from __future__ import annotations

from backend.reports.event_texts import note_text
from backend.triage import service as triage
from tests import factories as f
from tests.staff_city import town  # noqa: F401  (fixture)

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def _notes(client, path: str, headers: dict, key: str = "history", field: str = "note") -> list[str]:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    body = response.get_json()
    record = body[0] if isinstance(body, list) else body
    return [entry[field] for entry in record[key] if entry[field]]


def test_a_rejection_and_a_merge_read_in_each_readers_language(app, town):
    client = app.test_client()
    staff, original = town["roads_staff"], town["road_report"]
    english = f.citizen("Tom", language="en")
    rejected = f.routed_report(town["pothole"], 31.201, 121.421, "on my own drive", reporter=english)
    duplicate = f.routed_report(town["pothole"], 31.2001, 121.4201, "same hole", reporter=english)
    triage.reject(staff, rejected.id, reason="private_property")
    triage.mark_duplicate(staff, duplicate.id, original.id)
    from backend.extensions import db
    db.session.commit()

    assert "This is on private property." in _notes(client, f"/api/v1/reports/{rejected.id}", EN)
    assert "问题位于私人产权范围内。" in _notes(client, f"/api/v1/reports/{rejected.id}", ZH)
    assert f"已合并到报告 {original.id}。" in _notes(client, f"/api/v1/reports/{duplicate.id}", ZH)
    assert f"Merged into report {original.id}." in _notes(client, f"/api/v1/reports/{duplicate.id}", EN)
    assert f"报告 {duplicate.id} 已合并到本报告。" in _notes(client, f"/api/v1/reports/{original.id}", ZH)
    # Open311's notes (extensions) follow the same texts.
    open311 = f"/open311/v2/requests/{rejected.id}.json?extensions=true"
    assert "问题位于私人产权范围内。" in _notes(client, open311, ZH, key="notes", field="description")
    assert "This is on private property." in _notes(client, open311, EN, key="notes", field="description")


def test_staff_words_stay_as_written_and_old_notes_keep_their_text(app, town):
    event = triage.reject(town["roads_staff"], town["road_report"].id, reason="other", note="Der Zaun gehört dem Nachbarn")
    assert note_text(event.note, event.data, "zh_Hans") == "Der Zaun gehört dem Nachbarn"
    assert note_text("Overdue by 3.0 h: escalated to the coordinators.", {}, "zh_Hans") == \
        "Overdue by 3.0 h: escalated to the coordinators."
    assert note_text("", {"system_note": "sla.overdue", "overdue_hours": 3.0}, "zh_Hans") != \
        note_text("", {"system_note": "sla.overdue", "overdue_hours": 3.0}, "en")
    assert "3" in note_text("", {"system_note": "sla.overdue", "overdue_hours": 3.0}, "en")
