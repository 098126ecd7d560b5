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
    chat.location(*INSIDE, expect="Describe the problem")
    chat.send("Deep hole next to the bus stop", expect="What kind of problem is it?")
    chat.press("Pothole", expect="How big is it?")
    chat.press("Small", expect="Depth in cm (optional)")
    chat.send("very deep", expect="That is not a number")
    chat.send("12", expect="Send up to 3 photos")
    chat.photo(f.jpeg(), expect="Photo 1 of 3 received")
    summary = chat.press("Done", expect="Please check your report")
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


def _report_until_photos(chat, description, category="Pothole"):
    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    chat.send(description, expect="What kind of problem is it?")
    chat.press(category, expect="How big is it?")
    chat.press("Large", expect="Depth in cm")
    chat.press("Skip", expect="Send up to 3 photos")


def test_a_nearby_report_is_offered_and_supported_and_both_hear_of_its_progress(chat, telegram, city, run_jobs):
    from backend.reports import service as reports
    from backend.reports.models import ActorType, ReportStatus, Supporter

    first_reporter = f.telegram_citizen(6001, language="zh_Hans")
    existing = reports.submit(category="pothole", lat=INSIDE[0] + 0.0001, long=INSIDE[1], description="big hole",
                              attributes={"size": "large"}, reporter=first_reporter)
    run_jobs()
    _report_until_photos(chat, "Hole in the road")
    offer = chat.press("Skip photos", expect="Someone may have reported this already")
    assert f"CG-{existing.id:06d}" in offer["text"] and "big hole" in offer["text"]
    chat.press(f"👍 This is it: CG-{existing.id:06d}", expect="Your support was added")
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 1
    supporter = db.session.scalars(select(Supporter)).one()
    assert supporter.report_id == existing.id

    # Staff acknowledge it: exactly one pushed message per recipient, also when the jobs run again.
    pushed_before = {6001: len(telegram.messages_to(6001)), 7001: len(chat.messages)}
    report = db.session.get(Report, existing.id)
    reports.transition(report, ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF, note="On our list")
    db.session.commit()
    run_jobs()
    from backend.feedback import delivery
    from backend.feedback.models import Notification
    for n in db.session.scalars(select(Notification).where(Notification.event_id == report.events[-1].id)):
        assert delivery.push(n.id) == "sent"
    run_jobs()
    # Report notifications only: the reporter's first-report badge is the incentives area's message.
    new_zh = [m for m in telegram.messages_to(6001)[pushed_before[6001]:] if "\n" in m["text"]]
    new_en = [m for m in chat.messages[pushed_before[7001]:] if "\n" in m["text"]]
    assert [m["text"].splitlines()[1] for m in new_zh] == ["市道路管理局已受理。"]
    assert [m["text"].splitlines()[:2] for m in new_en] == [
        [f"A report you support: CG-{existing.id:06d} · Pothole", "City Roads Bureau has acknowledged it."]]


def test_no_its_new_goes_on_to_the_summary(chat, city, run_jobs):
    from backend.reports import service as reports

    reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "large"})
    run_jobs()
    _report_until_photos(chat, "Another hole")
    chat.press("Skip photos", expect="Someone may have reported this already")
    chat.press("No, mine is new", expect="Please check your report")
    chat.press("✅ Send", expect="Thank you! Your report")
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 2


def test_a_shared_place_and_a_live_location_are_accepted(chat, city):
    chat.send("/report", expect="Where is the problem?")
    chat.venue(*INSIDE, "People's Square", "Renmin Avenue 1", expect="Describe the problem")
    assert "People's Square, Renmin Avenue 1" in chat.messages[-2]["text"]
    chat.press("Skip", expect="What kind of problem is it?")
    chat.press("Illegal dumping", expect="What waste?")
    edited = chat.press("Bags", expect="")  # toggled: the keyboard is edited in place
    assert edited["method"] == "editMessageReplyMarkup"
    assert ("✓ Bags" in [t for t, _d in chat.telegram.buttons(edited)])
    chat.press("Done", expect="Send up to 3 photos")
    chat.press("Skip photos", expect="Please check your report")
    chat.press("✏️ Edit", expect="What would you like to change?")
    chat.press("Place", expect="Where is the problem?")
    chat.location(INSIDE[0] + 0.001, INSIDE[1], expect="Please check your report", live_period=900)
    chat.press("✅ Send", expect="Thank you! Your report")
    report = db.session.scalars(select(Report)).one()
    assert report.attributes == {"waste": ["bags"]}
    assert report.address is None  # the new place replaced the venue


def test_categories_are_paged(chat, city):
    for n in range(8):
        f.category(f"extra{n}", [city["roads"]], name_en=f"Extra {n}")
    db.session.commit()
    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    page1 = chat.press("Skip", expect="What kind of problem is it? (1/2)")
    assert len([b for b in chat.telegram.buttons(page1) if b[1].split(":")[2] == "c"]) == 6
    chat.press("More ▶", expect="What kind of problem is it? (2/2)")
    edited = chat.messages[-1]
    assert edited["method"] == "editMessageText"
    chat.press("Extra 7", expect="Send up to 3 photos")


def test_the_conversation_survives_a_restart_of_the_bot(bot, bot_settings, chat, city):
    from tests.bot.conftest import BotRunner

    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    chat.press("Skip", expect="What kind of problem is it?")
    bot.stop()
    restarted = BotRunner(bot_settings).start()
    try:
        chat.press("Pothole", expect="How big is it?")
        chat.press("Small", expect="Depth in cm")
    finally:
        restarted.stop()


def test_categories_suggested_from_the_description_come_first(chat, city, run_jobs):
    from backend.intake import training

    training.train()   # the city's first classifier, from its three categories' names alone
    db.session.commit()
    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    offer = chat.send("Someone dumped bags of rubbish and an old sofa here", expect="What kind of problem is it?")
    assert "💡 Suggested from your description: Illegal dumping" in offer["text"]
    labels = [label for label, data in chat.telegram.buttons(offer) if data.split(":")[2] == "c"]
    assert labels[0] == "Illegal dumping"
    chat.press("Pothole", expect="How big is it?")  # the citizen still chooses
