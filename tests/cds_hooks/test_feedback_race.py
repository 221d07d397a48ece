"""Feedback that beats its card's batch: issued cards are written in batches just after the
answer (storage/issued_recorder.py), so the feedback route waits for pending batches once
(`IssuedRecorder.settle`) before refusing feedback on a card it cannot find."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from cds_hooks.storage.issued_cards import IssuedCard
from cds_hooks.storage.issued_recorder import IssuedRecorder
from cds_hooks.storage.store import Store


def test_settle_writes_the_batch_still_filling_up(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'trd.db'}")
    card = IssuedCard("card-1", "trd-patient-view", "hook-1", "tms-referral", "pk", None, True)

    async def scenario() -> tuple[IssuedCard | None, IssuedCard | None]:
        recorder = IssuedRecorder(store, interval=3600.0)  # on its own, the batch waits an hour
        recorder._last_write = asyncio.get_running_loop().time() + 3600.0
        pending = asyncio.ensure_future(recorder.record([card], datetime.now(UTC)))
        await asyncio.sleep(0)  # the hook call's rows are in the batch, not on disk
        before = store.issued_card("card-1")
        assert await recorder.settle(5.0)  # what the feedback route does before refusing a card
        after = store.issued_card("card-1")
        await pending
        return before, after

    before, after = asyncio.run(scenario())
    assert before is None
    assert after is not None and after.card_uuid == "card-1"
    store.close()
