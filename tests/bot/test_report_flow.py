"""A citizen reports through the bot: the real bot Application, the fake Bot API, the real API."""
from sqlalchemy import select

from backend.accounts.models import Channel, ChannelIdentity
from backend.extensions import db
from backend.reports.models import Attachment, Report
from tests import factories as f
from tests.city_fixture import INSIDE, OUTSIDE


def test_a_full_report_with_location_category_attribute_photo_and_description(chat, city, run_jobs):
    chat.send("/report", expect="Where is the problem?")
    assert chat.messages[-1]["reply_markup"]["keyboard"][0][0]["request_location"] is True
    chat.location(*OUTSIDE, expect="outside the area the city serves")
    chat.location(*INSIDE, expect="What kind of problem is it?")
    chat.press("Pothole", expect="How big is it?")
    chat.press("Small", expect="Depth in cm (optional)")
    chat.send("very deep", expect="That is not a number")
    chat.send("12", expect="Send up to 3 photos")
    chat.photo(f.jpeg(), expect="Photo 1 of 3 received")
    chat.press("Done", expect="Describe the problem")
    summary = chat.send("Deep hole next to the bus stop", expect="Please check your report")
    assert "Category: Pothole" in summary["text"] and "Photos: 1" in summary["text"]
    assert "How big is it?: Small" in summary["text"] and "Depth in cm: 12" in summary["text"]
    done = chat.press("✅ Send", expect="Thank you! Your report CG-")

    report = db.session.scalars(select(Report)).one()
    assert f"CG-{report.id:06d}" in done["text"] and f"/r/{report.id}" in done["text"]
    assert (report.description, report.attributes) == ("Deep hole next to the bus stop", {"size": "small", "depth_cm": 12})
    assert (round(report.location and db.session.scalar(select(db.func.ST_Y(Report.location))), 5)) == INSIDE[0]
    assert db.session.scalar(select(db.func.count()).select_from(Attachment).where(Attachment.report_id == report.id)) == 1
    identity = db.session.scalars(select(ChannelIdentity).where(ChannelIdentity.citizen_id == report.reporter_id)).one()
    assert (identity.channel, identity.external_id) == (Channel.TELEGRAM, "7001")

    # The worker routes it and pushes "received" and "routed" to the same chat.
    run_jobs()
    texts = [m["text"] for m in chat.messages[-2:]]
    assert texts[0].splitlines()[1] == "Received. We will tell you here when it moves."
    assert texts[1].splitlines()[1] == "Sent to City Roads Bureau."
