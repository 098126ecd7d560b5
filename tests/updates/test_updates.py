"""Citizens' updates: stored as their own records, idempotent per sender, checked like reports,
held for blocked authors, hidden with a reason (audited), public on every public door only then."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from backend.accounts import data_rights
from backend.audit.models import AuditEntry
from backend.errors import Conflict, Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.triage import moderation
from backend.updates import service as updates
from backend.updates.models import ReportUpdate, UpdateSource
from tests import factories as f
from tests.staff_city import sign_in, town  # noqa: F401  (fixtures)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ReportUpdate))


def test_an_update_is_its_own_record_and_public_at_once(client, town):
    author = f.citizen("Zhou")
    db.session.commit()
    update = updates.add_update(town["road_report"], author, text="  Still there, and deeper.  ", source="web")
    db.session.commit()
    assert (update.report_id, update.citizen_id, update.source, update.text) == \
        (town["road_report"].id, author.id, UpdateSource.WEB, "Still there, and deeper.")
    assert update.public and town["road_report"].status.value == "open"  # it never moves the lifecycle
    page = client.get(f"/r/{town['road_report'].id}?lang=en").text
    assert "Citizen&#39;s update" in page and "Still there, and deeper." in page
    history = client.get(f"/api/v1/reports/{town['road_report'].id}").json["history"]
    assert history[-1]["kind"] == "citizen_update" and history[-1]["note"] == "Still there, and deeper."
    assert "Zhou" not in str(history) and "Zhou" not in page


def test_the_same_external_key_stores_once_per_sender(town):
    author, other = f.citizen("A"), f.citizen("B")
    db.session.commit()
    first = updates.add_update(town["road_report"], author, text="one", source="bot", external_key="k-1")
    again = updates.add_update(town["road_report"], author, text="one", source="bot", external_key="k-1")
    theirs = updates.add_update(town["road_report"], other, text="one", source="bot", external_key="k-1")
    db.session.commit()
    assert again.id == first.id and theirs.id != first.id and count() == 2
    with pytest.raises(Conflict):
        updates.add_update(town["park_report"], author, text="one", source="bot", external_key="k-1")


def test_text_is_checked_like_a_report(town):
    author = f.citizen()
    db.session.commit()
    with pytest.raises(ValidationFailed) as empty:
        updates.add_update(town["road_report"], author, text="   ", source="web")
    assert empty.value.code == "update_empty"
    with pytest.raises(ValidationFailed) as long:
        updates.add_update(town["road_report"], author, text="x" * 4001, source="web")
    assert long.value.code == "description_too_long"
    with pytest.raises(ValidationFailed):
        updates.add_update(town["road_report"], author, text="hi", source="fax")
    stored = updates.add_update(town["road_report"], author, text="bad\x01\x08char\ud800s\ttab", source="web")
    assert stored.text == "badchar\ufffds\ttab"
    assert count() == 1


def test_a_report_the_public_cannot_see_takes_no_updates(town):
    author = f.citizen()
    db.session.commit()
    moderation.set_hidden(town["coordinator"], town["road_report"].id, True, reason="abuse")
    with pytest.raises(NotFound):
        updates.add_update(town["road_report"], author, text="hello", source="web")
    assert count() == 0


def test_a_blocked_citizens_update_is_held_until_a_coordinator_releases_it(client, town):
    author = f.citizen("Troll")
    author.blocked = True
    db.session.commit()
    update = updates.add_update(town["road_report"], author, text="held words", source="web")
    db.session.commit()
    assert update.held and not update.public
    assert "held words" not in str(client.get(f"/api/v1/reports/{town['road_report'].id}").json["history"])
    assert "held words" not in client.get(f"/r/{town['road_report'].id}").text
    with pytest.raises(Forbidden):
        updates.release(town["roads_staff"], update.id)
    updates.release(town["coordinator"], update.id)
    db.session.commit()
    assert "held words" in client.get(f"/r/{town['road_report'].id}").text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update.release"))
    assert entry.staff_id == town["coordinator"].id and entry.target_id == str(update.id)


def test_hiding_needs_a_reason_is_audited_and_follows_the_reports_access_rule(client, town):
    author = f.citizen()
    db.session.commit()
    update = updates.add_update(town["road_report"], author, text="rude words", source="web")
    db.session.commit()
    with pytest.raises(ValidationFailed):
        updates.set_hidden(town["roads_staff"], update.id, True, reason=" ")
    with pytest.raises(NotFound):  # another department's report: not even found
        updates.set_hidden(town["parks_staff"], update.id, True, reason="rude")
    updates.set_hidden(town["roads_staff"], update.id, True, reason="rude")
    db.session.commit()
    assert "rude words" not in client.get(f"/r/{town['road_report'].id}").text
    assert "rude words" not in str(client.get(f"/api/v1/reports/{town['road_report'].id}").json)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "update.hide"))
    assert entry.staff_id == town["roads_staff"].id and entry.after["reason"] == "rude"
    with pytest.raises(Conflict):
        updates.set_hidden(town["roads_staff"], update.id, True, reason="again")
    updates.set_hidden(town["roads_staff"], update.id, False)
    db.session.commit()
    assert "rude words" in client.get(f"/r/{town['road_report'].id}").text


def test_a_photo_is_public_exactly_while_its_update_is(client, town):
    author = f.citizen()
    db.session.commit()
    update = updates.add_update(town["road_report"], author, text="", photo=f.jpeg(), source="web")
    db.session.commit()
    history = client.get(f"/api/v1/reports/{town['road_report'].id}").json["history"]
    assert history[-1]["photo"]["url"].endswith("/media/" + update.photo.path)
    path = "/media/" + update.photo.path
    assert client.get(path).status_code == 200
    assert client.get("/media/" + update.photo.thumbnail_path).status_code == 200
    # Not one of the report's own photos.
    assert client.get(f"/api/v1/reports/{town['road_report'].id}").json["photos"] == []
    updates.set_hidden(town["coordinator"], update.id, True, reason="a face")
    db.session.commit()
    assert client.get(path).status_code == 404


def test_staff_see_every_update_and_can_hide_one_from_the_inbox(town, sign_in):
    author = f.citizen("Xu")
    author.blocked = True
    town["roads_staff"].language = "en"  # signing in picks the account's language
    db.session.commit()
    held = updates.add_update(town["road_report"], author, text="held one", source="bot")
    shown = updates.add_update(town["road_report"], f.citizen("Yan"), text="shown one", source="web")
    db.session.commit()
    staff = sign_in(town["roads_staff"])
    page = staff.get(f"/inbox/reports/{town['road_report'].id}").text
    assert "held one" in page and "shown one" in page and "Held for review (blocked author)" in page
    assert "Xu" not in page and "Yan" not in page  # who wrote it: coordinators only, as for reporters
    assert "Yan" in sign_in(town["coordinator"]).get(f"/inbox/reports/{town['road_report'].id}").text
    response = staff.post(f"/inbox/updates/{shown.id}/hide", {"note": "insult"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReportUpdate, shown.id).hidden
    assert db.session.get(ReportUpdate, shown.id).hidden_reason == "insult"
    refused = staff.post(f"/inbox/updates/{held.id}/release")  # coordinators only
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReportUpdate, held.id).held
    other = sign_in(town["parks_staff"])
    other.post(f"/inbox/updates/{shown.id}/unhide")
    db.session.expire_all()
    assert db.session.get(ReportUpdate, shown.id).hidden


def test_updates_are_in_the_export_and_lose_their_author_on_erasure(town):
    author = f.citizen()
    db.session.commit()
    updates.add_update(town["road_report"], author, text="mine", source="web")
    db.session.commit()
    assert [u["text"] for u in data_rights.export(author)["report_updates"]] == ["mine"]
    data_rights.erase(author)
    row = db.session.scalar(select(ReportUpdate))
    assert row.citizen_id is None and row.text == "mine"
