"""/tasks: /cancel at every step, stale buttons and garbage — always a helpful answer, never silence."""
import pytest
from sqlalchemy import select

from backend.extensions import db
from backend.tasks.models import Answer, Claim, ClaimState
from tests.bot.test_tasks_flow import reported
from tests.city_fixture import INSIDE

STEPS = ["location", "list", "held", "verdict", "photo"]
HINT = {"location": "Please send your location with the button below",
        "list": "Please choose a task with the buttons above",
        "held": "Please choose with the buttons above what to do with the task you hold",
        "verdict": "Please answer with the buttons above: yes, no or can't tell",
        "photo": "Please send a photo, or press Skip above"}


def _go_to(chat, telegram, step: str) -> None:
    chat.send("/tasks", expect="Where are you?")
    if step == "location":
        return
    listing = chat.location(*INSIDE, expect="Tasks near you")
    if step == "list":
        return
    if step == "held":  # the far task (second) is held: the near one is refused
        chat.press(telegram.buttons(listing)[0][0], expect="You already hold a task")
        return
    chat.press(telegram.buttons(listing)[0][0], expect="This task is yours now.")
    if step == "verdict":
        return
    chat.press("✅ Yes", expect="send a photo of what you see")


def _active_claims() -> list[Claim]:
    db.session.expire_all()
    return db.session.scalars(select(Claim).where(Claim.state == ClaimState.ACTIVE)).all()


@pytest.mark.parametrize("step", STEPS)
def test_cancel_garbage_and_stale_buttons_at_every_step(chat, telegram, city, run_jobs, step):
    reported(run_jobs, description="near one")
    reported(run_jobs, lat=INSIDE[0] + 0.003, description="far one", reporter_chat=6002)
    chat.send("/tasks", expect="Where are you?")
    listing = chat.location(*INSIDE, expect="Tasks near you")
    old_button = telegram.buttons(listing)[0][1]  # from a session about to be abandoned
    if step == "held":  # holding the far task makes the near one refused
        chat.press(telegram.buttons(listing)[1][0], expect="This task is yours now.")
    chat.send("/cancel" if step != "held" else "/tasks", expect="Cancelled" if step != "held" else "Where are you?")
    if step == "held":
        chat.send("/cancel", expect="Cancelled. Send /tasks")
        assert len(_active_claims()) == 1  # a claim from an earlier session is not this session's to give back
    else:
        assert _active_claims() == []

    _go_to(chat, telegram, step)
    chat.send("blah blah", expect=HINT[step])
    sticker = chat.sticker(expect="I did not understand that.")
    assert HINT[step] in sticker["text"]
    chat.send("/my", expect="You are in the middle of a task")
    chat.send("/report", expect="You are in the middle of a task")
    chat.press(old_button, expect="That button belongs to an earlier step", message=listing)
    answered = [c for c in telegram.calls if c[0] == "answerCallbackQuery"]
    assert answered[-1][1].get("text") == "This button is no longer active."
    cancelled = chat.send("/cancel", expect="Cancelled.")
    if step in ("verdict", "photo"):
        assert "The task you held was given back" in cancelled["text"]
        assert _active_claims() == []
    assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 0
    # Afterwards the old buttons are stale too, text gets the general help, and /report works again.
    chat.press(old_button, expect="That button is no longer active", message=listing)
    chat.send("hello?", expect="I did not understand that. Send /report")
    chat.send("/cancel", expect="There is nothing to cancel")
    chat.send("/report", expect="Where is the problem?")


def test_tasks_wait_while_a_report_is_under_way(chat, city):
    chat.send("/report", expect="Where is the problem?")
    chat.send("/tasks", expect="You are in the middle of a report")
    chat.send("/cancel", expect="Cancelled. Nothing was sent.")
    chat.send("/tasks", expect="Where are you?")


def test_the_cancel_keyboard_button_and_give_back_button_cancel(chat, telegram, city, run_jobs):
    reported(run_jobs)
    chat.send("/tasks", expect="Where are you?")
    chat.send("Cancel", expect="Cancelled. Send /tasks")
    chat.send("/tasks", expect="Where are you?")
    chat.location(*INSIDE, expect="Tasks near you")
    chat.press("Check: Pothole", expect="This task is yours now.")
    assert len(_active_claims()) == 1
    chat.press("Give this task back", expect="The task you held was given back")
    assert _active_claims() == []

