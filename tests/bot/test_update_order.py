"""The bot handles updates of different chats at once, and those of one chat one after another, in order."""
import asyncio
from types import SimpleNamespace

from bot.update_order import PerChatOrder


def _update(chat_id):
    return SimpleNamespace(effective_chat=SimpleNamespace(id=chat_id), effective_user=None)


def test_one_chat_in_order_other_chats_alongside():
    log = []

    async def handle(name, release, done=None):
        log.append(f"start {name}")
        await release.wait()
        log.append(f"end {name}")
        if done:
            done.set()

    async def scenario():
        processor = PerChatOrder()
        slow = asyncio.Event()
        fast = asyncio.Event()
        fast.set()
        b_done = asyncio.Event()
        tasks = [asyncio.create_task(processor.process_update(_update(1), handle("a1", slow))),
                 asyncio.create_task(processor.process_update(_update(1), handle("a2", fast))),
                 asyncio.create_task(processor.process_update(_update(2), handle("b1", fast, b_done)))]
        await asyncio.wait_for(b_done.wait(), 5)
        # Chat 2 was not held up by chat 1's slow update; chat 1's second update (queued before chat 2's)
        # still waits for its first.
        assert "end b1" in log and "start a2" not in log
        slow.set()
        await asyncio.gather(*tasks)
        assert log.index("end a1") < log.index("start a2")
        assert processor._locks == {} and processor._waiting == {}

    asyncio.run(scenario())
