"""/cancel at every step, stale buttons and garbage: always a helpful answer, never silence or a crash."""
import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.reports.models import Report
from tests import factories as f
from tests.city_fixture import INSIDE

STEPS = ["location", "description", "category", "attribute_list", "attribute_number", "photos", "confirm", "edit"]


def _go_to(chat, step: str) -> None:
    chat.send("/report", expect="Where is the problem?")
    if step == "location":
        return
    chat.location(*INSIDE, expect="Describe the problem")
    if step == "description":
        return
    chat.send("A hole", expect="What kind of problem is it?")
    if step == "category":
        return
    chat.press("Pothole", expect="How big is it?")
    if step == "attribute_list":
        return
    chat.press("Small", expect="Depth in cm")
    if step == "attribute_number":
        return
    chat.press("Skip", expect="Send up to 3 photos")
    if step == "photos":
        return
    chat.press("Skip photos", expect="Please check your report")
    if step == "confirm":
        return
    chat.press("✏️ Edit", expect="What would you like to change?")


HINT = {"location": "Please send the location", "category": "Please choose a category",
        "attribute_list": "Please choose with the buttons", "attribute_number": "That is not a number",
        "photos": "Please send a photo", "description": "Please describe the problem",
        "confirm": "Please press Send, Edit or Cancel", "edit": "Please choose what to change"}


@pytest.mark.parametrize("step", STEPS)
def test_cancel_garbage_and_stale_buttons_at_every_step(chat, city, step):
    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    chat.press("Skip", expect="What kind of problem is it?")
    old_button = chat.find_button("Pothole")  # from a draft about to be abandoned
    old_message = chat.telegram.last_with_button(chat.user_id, old_button)
    chat.send("/cancel", expect="Cancelled. Nothing was sent.")

    _go_to(chat, step)
    if step != "description":  # any text is a description
        chat.send("blah blah", expect=HINT[step] if step != "attribute_number" else "That is not a number")
    sticker = chat.sticker(expect="I did not understand that.")
    if step not in ("attribute_list", "attribute_number"):
        assert HINT[step] in sticker["text"]
    chat.send("/my", expect="You are in the middle of a report")
    chat.press(old_button, expect="That button belongs to an earlier step", message=old_message)
    answered = [c for c in chat.telegram.calls if c[0] == "answerCallbackQuery"]
    assert answered[-1][1].get("text") == "This button is no longer active."
    chat.send("/cancel", expect="Cancelled. Nothing was sent.")
    assert db.session.scalar(select(db.func.count()).select_from(Report)) == 0
    # Afterwards the old buttons are stale too, and text gets the general help.
    chat.press(old_button, expect="That button is no longer active", message=old_message)
    chat.send("hello?", expect="I did not understand that. Send /report")
    chat.send("/cancel", expect="There is nothing to cancel")


def test_a_button_of_an_earlier_step_in_the_same_draft_is_stale(chat, city):
    chat.send("/report", expect="Where is the problem?")
    chat.location(*INSIDE, expect="Describe the problem")
    chat.press("Skip", expect="What kind of problem is it?")
    chat.press("Pothole", expect="How big is it?")
    chat.press("Noise", expect="That button belongs to an earlier step")  # the category keyboard again
    chat.press("Small", expect="Depth in cm")


def test_the_cancel_keyboard_button_cancels(chat, city):
    chat.send("/report", expect="Where is the problem?")
    chat.send("Cancel", expect="Cancelled. Nothing was sent.")


def test_photos_stop_at_three_and_files_are_refused_politely(chat, city):
    _go_to(chat, "photos")
    chat.photo(f.jpeg(), expect="Photo 1 of 3")
    chat.photo(f.jpeg(colour=(0, 0, 200)), expect="Photo 2 of 3")
    chat.photo(f.jpeg(colour=(0, 200, 0)), expect="Please check your report")
    assert "Photos: 3" in chat.messages[-1]["text"]


def test_an_error_in_the_api_is_answered_politely(chat, city, api_server, bot, monkeypatch):
    # The API goes away in the middle of a report.
    client = bot.application.bot_data["api"]
    import httpx

    chat.send("/report", expect="Where is the problem?")
    monkeypatch.setattr(client._http, "_base_url", httpx.URL("http://127.0.0.1:9/api/v1/"))
    chat.location(*INSIDE, expect="Sorry, something went wrong on our side")
