"""/tasks through the fake Bot API: the real bot Application and the real API on loopback."""
from sqlalchemy import select

from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import Attachment, Report
from backend.tasks.models import Answer, Claim, ClaimState
from tests import factories as f
from tests.bot.conftest import Chat
from tests.city_fixture import INSIDE

NEAR = (INSIDE[0] + 0.0005, INSIDE[1])  # about 55 m north of the citizens


def reported(run_jobs, *, lat=NEAR[0], description="Deep hole by the bus stop", photos=(), reporter_chat=6001):
    """A routed pothole report by a Telegram citizen: routing gives it a verify task."""
    reporter = f.telegram_citizen(reporter_chat, language="zh_Hans")
    report = reports.submit(category="pothole", lat=lat, long=NEAR[1], description=description,
                            attributes={"size": "large"}, reporter=reporter, photos=photos)
    run_jobs()
    return report


def open_task(chat, expect="Is there really a problem here as reported (Pothole)?", title="Check: Pothole"):
    chinese = chat.language.startswith("zh")
    chat.send("/tasks", expect="你在哪里？" if chinese else "Where are you?")
    keyboard = chat.messages[-1]["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True
    listing = chat.location(*INSIDE, expect="你附近的任务" if chinese else "Tasks near you")
    return listing, chat.press(title, expect=expect)


def test_three_citizens_check_a_report_near_them_and_it_becomes_verified(telegram, bot, city, run_jobs):
    report = reported(run_jobs, photos=[f.jpeg()])
    first = Chat(telegram, 7001, "en")
    listing, shown = open_task(first)
    [(label, _data)] = [b for b in telegram.buttons(listing) if b[0].startswith("Check:")]
    assert label == "Check: Pothole · 55 m · +3 points"
    [attachment] = db.session.scalars(select(Attachment).where(Attachment.report_id == report.id)).all()
    assert shown["method"] == "sendPhoto" and shown["photo"].endswith("/media/" + attachment.thumbnail_path)
    assert f"CG-{report.id:06d} · Pothole" in shown["caption"] and "Deep hole by the bus stop" in shown["caption"]
    first.press("✅ Yes", expect="send a photo of what you see")
    done = first.photo(f.jpeg(colour=(0, 0, 200)), expect="Thank you! Your answer was accepted.")
    assert "far from the place" not in done["text"]

    second = Chat(telegram, 7002, "zh-hans")
    open_task(second, expect="这里真的有报告所说的问题吗（路面坑洼）？", title="核实：路面坑洼")
    second.press("✅ 是", expect="如果可以，请发一张")
    second.press("跳过照片", expect="谢谢！你的回答已被接受。")

    db.session.expire_all()
    assert db.session.get(Report, report.id).verified is False  # two answers are not enough
    third = Chat(telegram, 7003, "en")
    open_task(third)
    third.press("✅ Yes", expect="send a photo")
    third.press("Skip photo", expect="Your answer was accepted")
    run_jobs()

    db.session.expire_all()
    assert db.session.get(Report, report.id).verified is True
    answers = db.session.scalars(select(Answer).order_by(Answer.id)).all()
    assert [a.verdict.value for a in answers] == ["yes", "yes", "yes"]
    assert answers[0].photo_id is not None and answers[1].photo_id is None
    assert all(a.distance_m is not None and 50 < a.distance_m < 60 for a in answers)  # sent with the location

    # /points after earning, in both languages; the board button opens the public leaderboard.
    points = first.send("/points", expect="⭐ Your points: 3")
    text = points["text"]
    assert "Level 1 · " in text and "░" in text.splitlines()[2]
    assert "Rank: #2 all time · #2 this week" in text  # the reporter, paid for the verified report, leads
    assert "Impact: 0 of your reports were fixed; your checks helped 1 people." in text
    assert "Reputation: " in text and "Badges: " in text
    [(board_label, board_url)] = telegram.buttons(points)
    assert board_label == "🏆 Public leaderboard" and board_url.endswith("/leaderboard")
    zh = second.send("/points", expect="⭐ 你的积分：3")
    assert "你的核实帮助了 1 人" in zh["text"] and "排名：总榜 #2 · 本周 #2" in zh["text"]


def test_a_second_claim_is_refused_and_the_held_task_can_be_given_back(telegram, bot, city, run_jobs):
    near = reported(run_jobs, description="near one")
    far = reported(run_jobs, lat=NEAR[0] + 0.003, description="far one", reporter_chat=6002)
    chat = Chat(telegram, 7001, "en")
    chat.send("/tasks", expect="Where are you?")
    listing = chat.location(*INSIDE, expect="Tasks near you")
    labels = [label for label, _d in telegram.buttons(listing)]
    metres = [int(label.split(" · ")[1].removesuffix(" m")) for label in labels]
    assert metres[0] == 55 and 380 < metres[1] < 400  # nearest first
    chat.press(labels[0], expect="near one")

    chat.send("/tasks", expect="Where are you?")
    listing = chat.location(*INSIDE, expect="Tasks near you")
    assert telegram.buttons(listing)[0][0].startswith("✋ Check: Pothole")  # the held one is marked
    refusal = chat.press(telegram.buttons(listing)[1][0], expect="You already hold a task: answer or release it first.")
    assert "You hold: Check: Pothole" in refusal["text"]
    chat.press("Go on with the one I hold", expect="near one")

    chat.send("/tasks", expect="Where are you?")
    listing = chat.location(*INSIDE, expect="Tasks near you")
    chat.press(telegram.buttons(listing)[1][0], expect="You already hold a task")
    chat.press("Give it back and take the new one", expect="far one")
    claims = {c.task.report_id: c.state for c in db.session.scalars(select(Claim))}
    assert claims == {near.id: ClaimState.RELEASED, far.id: ClaimState.ACTIVE}


def test_an_answer_the_service_refuses_is_told_in_the_users_language(telegram, bot, city, run_jobs):
    reported(run_jobs)
    chat = Chat(telegram, 7002, "zh-hans")
    open_task(chat, expect="这里真的有报告所说的问题吗", title="核实：路面坑洼")
    chat.press("✅ 是", expect="如果可以")
    # The claim ends before the answer arrives (staff or the expiry job released it).
    for claim in db.session.scalars(select(Claim)):
        claim.state = ClaimState.RELEASED
    db.session.commit()
    refused = chat.press("跳过照片", expect="你的回答未被接受")
    assert "请先领取此任务再作答" in refused["text"] or "领取" in refused["text"]
    assert db.session.scalar(select(db.func.count()).select_from(Answer)) == 0


def test_no_tasks_nearby_is_said(telegram, bot, city):
    chat = Chat(telegram, 7001, "en")
    chat.send("/tasks", expect="Where are you?")
    chat.location(*INSIDE, expect="There are no tasks near you right now")
    chat.send("/cancel", expect="There is nothing to cancel")


def test_points_of_a_newcomer(telegram, bot, city):
    chat = Chat(telegram, 7004, "en")
    shown = chat.send("/points", expect="⭐ Your points: 0")
    assert "Badges: none yet" in shown["text"]
    assert "Rank: not ranked yet all time · not ranked yet this week" in shown["text"]
    assert "░░░░░░░░░░ 0%" in shown["text"]


def test_a_task_survives_a_restart_of_the_bot(bot, bot_settings, telegram, city, run_jobs):
    from tests.bot.conftest import BotRunner

    reported(run_jobs)
    chat = Chat(telegram, 7001, "en")
    open_task(chat)
    bot.stop()
    restarted = BotRunner(bot_settings).start()
    try:
        chat.press("✅ Yes", expect="send a photo")
        chat.press("Skip photo", expect="Your answer was accepted")
    finally:
        restarted.stop()


def test_many_tasks_are_paged_nearest_first(telegram, bot, city, run_jobs):
    for n in range(7):
        reported(run_jobs, lat=NEAR[0] + n * 0.001, description=f"hole {n}", reporter_chat=6100 + n)
    chat = Chat(telegram, 7001, "en")
    chat.send("/tasks", expect="Where are you?")
    page1 = chat.location(*INSIDE, expect="Tasks near you — choose one to take it: (1/2)")
    assert len([b for b in telegram.buttons(page1) if b[0].startswith("Check:")]) == 5
    chat.press("More ▶", expect="(2/2)")
    page2 = chat.messages[-1]
    assert page2["method"] == "editMessageText"
    tasks = [b for b in telegram.buttons(page2) if b[0].startswith("Check:")]
    assert len(tasks) == 2
    chat.press(tasks[-1][0], expect="hole 6")
