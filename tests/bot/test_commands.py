"""The bot's other commands, in both languages."""
import json

from sqlalchemy import select

from backend.accounts.models import Citizen
from backend.extensions import db
from backend.reports import service as reports
from backend.reports.models import Report
from tests.bot.conftest import Chat
from tests.city_fixture import INSIDE


def test_start_welcomes_in_three_lines_in_the_users_language(telegram, bot):
    english = Chat(telegram, 8001, "en").send("/start", expect="Welcome to CrowdGov")
    assert len(english["text"].splitlines()) == 3
    chinese = Chat(telegram, 8002, "zh-hans").send("/start", expect="欢迎使用 CrowdGov")
    assert len(chinese["text"].splitlines()) == 3


def test_a_deep_link_opens_the_reports_status_and_offers_support(telegram, bot, city, run_jobs):
    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description="hole",
                            attributes={"size": "small"})
    run_jobs()
    chat = Chat(telegram, 8001, "en")
    card = chat.send(f"/start r_{report.id}", expect=f"CG-{report.id:06d}")
    assert "Status: open" in card["text"] and "City Roads Bureau" in card["text"]
    chat.press("👍 Me too", expect="You now support this report")
    chat.press("👍 Me too", expect="You already support this report")
    chat.send("/start r_999999", expect="There is no report with that number")


def test_my_reports_are_listed_with_their_status_and_paged(telegram, bot, city, run_jobs):
    chat = Chat(telegram, 8001, "en")
    chat.send("/my", expect="You have not reported anything yet")
    citizen = db.session.scalars(select(Citizen)).one()
    for n in range(7):
        reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], description=f"hole {n}",
                       attributes={"size": "small"}, reporter=citizen)
    run_jobs()
    page1 = chat.send("/my", expect="Your reports (page 1 of 2)")
    assert page1["text"].count("— open") == 5
    page2 = chat.press("More ▶", expect="Your reports (page 2 of 2)")
    assert page2["text"].count("CG-") == 2
    chat.press("◀ Previous", expect="Your reports (page 1 of 2)")


def test_language_switches_and_is_remembered_by_the_api(telegram, bot):
    chat = Chat(telegram, 8001, "en")
    chat.send("/language", expect="Choose your language")
    chat.press("中文", expect="从现在起我将使用中文")
    chat.send("/start", expect="欢迎使用 CrowdGov")
    assert db.session.scalars(select(Citizen.language)).one() == "zh_Hans"
    chat.send("/language", expect="请选择语言")
    chat.press("English", expect="From now on I will speak English.")
    chat.send("/help", expect="/report — report a problem")


def test_privacy_export_and_delete_with_confirmation(telegram, bot, city):
    chat = Chat(telegram, 8001, "en")
    chat.send("/privacy", expect="What we keep")
    document = chat.press("📄 Export my data", expect="Everything we hold about you")
    assert document["method"] == "sendDocument"
    exported = json.loads(document["document"]["content"])
    assert exported["citizen"]["display_name"] == "Test"
    assert exported["channel_identities"][0]["external_id"] == "8001"

    chat.press("🗑 Delete my data", expect="Delete all your data?")
    chat.press("No, keep it", expect="Nothing was deleted")
    assert db.session.scalars(select(Citizen.deleted_at)).one() is None
    chat.press("🗑 Delete my data", expect="Delete all your data?")
    chat.press("Yes, delete", expect="Your data was deleted")
    db.session.expire_all()
    assert db.session.scalars(select(Citizen.deleted_at)).one() is not None


def test_a_report_in_chinese(telegram, bot, city):
    chat = Chat(telegram, 8003, "zh-hans")
    chat.send("/report", expect="问题在哪里？")
    chat.location(*INSIDE, expect="请用几句话描述问题")
    chat.send("路面有坑", expect="是什么问题？")
    chat.press("路面坑洼", expect="有多大？")
    chat.press("小", expect="深度（厘米）（选填）")
    chat.send("五", expect="这不是数字")
    chat.send("5", expect="最多发送 3 张问题照片")
    summary = chat.press("跳过照片", expect="请核对您的报告")
    assert "类别：路面坑洼" in summary["text"]
    chat.press("✅ 提交", expect="谢谢！您的报告 CG-")
    assert db.session.scalars(select(Report.description)).one() == "路面有坑"


def test_a_user_who_blocked_the_bot_is_reached_again_after_start(telegram, bot, city, run_jobs):
    from backend.accounts.models import ChannelIdentity
    from backend.reports.models import ActorType, ReportStatus

    chat = Chat(telegram, 8004, "en")
    chat.send("/start", expect="Welcome to CrowdGov")
    citizen = db.session.scalars(select(Citizen)).one()
    report = reports.submit(category="pothole", lat=INSIDE[0], long=INSIDE[1], attributes={"size": "small"},
                            reporter=citizen)
    telegram.fail(8004, 403)  # blocked: the "received" push is refused
    run_jobs()
    identity = db.session.scalars(select(ChannelIdentity)).one()
    assert identity.blocked
    before = len(chat.messages)

    chat.send("/start", expect="Welcome to CrowdGov")  # unblocked and restarted
    db.session.expire_all()
    assert not db.session.scalars(select(ChannelIdentity)).one().blocked
    report = db.session.get(Report, report.id)
    reports.transition(report, ReportStatus.ACKNOWLEDGED, actor_type=ActorType.STAFF)
    db.session.commit()
    run_jobs()
    new = [m["text"] for m in chat.messages[before:]]
    # The welcome and the new status (and the first-report badge it earns), nothing from the blocked time.
    assert [t.splitlines()[1] for t in new if not t.startswith("New badge")] == [
        "Send /report to tell the city about a problem — a pothole, a broken light, rubbish.",
        "City Roads Bureau has acknowledged it."]
    assert len(new) == 3


def test_link_joins_the_telegram_user_to_the_app_account_once(telegram, bot):
    from backend.accounts import linking
    from backend.accounts.models import Channel, ChannelIdentity
    from tests import factories as f

    app_citizen = f.citizen("App me", language="en")
    code, _row = linking.issue_link_code(app_citizen)
    db.session.commit()
    chat = Chat(telegram, 8101, "en")
    chat.send("/start", expect="Welcome to CrowdGov")
    chat.send("/link", expect="Send /link followed by the code")
    chat.send(f"/link {code}", expect="Linked: this chat and the app are now one account, App me.")
    db.session.expire_all()
    identity = db.session.scalars(select(ChannelIdentity).where(ChannelIdentity.channel == Channel.TELEGRAM,
                                                                ChannelIdentity.external_id == "8101")).one()
    assert identity.citizen_id == app_citizen.id
    # The bot now acts as the app's citizen; the code does not serve a second Telegram user.
    chat.send("/my", expect="You have not reported anything yet")
    Chat(telegram, 8102, "en").send(f"/link {code}", expect="This link code is wrong or no longer valid")
