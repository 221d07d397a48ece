"""A chart's first sight on the event loop makes the caller's patient key once (issue 14, S1).

`answer_on_loop` makes the key to read the snoozes; the answer reuses it (LoopMiss.patient_key)
instead of computing the same HMAC again in card_issuer.py. The key is the one the issued cards
are stored under, so a snooze or feedback still finds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.hook_answer import UNSET_KEY, LoopMiss
from cds_hooks.models.request import HookRequest
from cds_hooks.runner import HookRunner
from cds_hooks.security.caller import Caller
from cds_hooks.storage.store import Store
from tests.fixtures import sizes

SERVICE = "trd-patient-view"


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[HookRunner]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    hook_runner: HookRunner = create_app(settings).state.runner
    yield hook_runner
    hook_runner.close()
    hook_runner.store.close()


def _counted_keys(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    made: list[str | None] = []
    real = Store.patient_key

    def counted(self: Store, patient_id: str | None, scope: Any) -> str | None:
        key = real(self, patient_id, scope)
        made.append(key)
        return key

    monkeypatch.setattr(Store, "patient_key", counted)
    return made


def test_a_first_sight_on_the_loop_makes_the_patient_key_once(
    runner: HookRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = HookRequest.model_validate(sizes.typical())
    made = _counted_keys(monkeypatch)
    caller = Caller()
    first = runner.answer_on_loop(SERVICE, request, caller=caller, base_url="http://x/")
    assert isinstance(first, LoopMiss)
    answer = runner.answer_first_sight_on_loop(
        request, caller=caller, base_url="http://x/", seen=first
    )
    assert answer is not None and answer.issued
    assert len(made) == 1
    # The issued cards carry the key the snoozes were read with.
    assert {card.patient_key for card in answer.issued} == {first.patient_key} == set(made)


def test_a_loop_miss_without_a_key_still_makes_one(
    runner: HookRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = HookRequest.model_validate(sizes.typical())
    caller = Caller()
    first = runner.answer_on_loop(SERVICE, request, caller=caller, base_url="http://x/")
    assert isinstance(first, LoopMiss)
    expected = first.patient_key
    unkeyed = LoopMiss(first.gathered, first.call, first.key, first.started, first.snoozed)
    assert unkeyed.patient_key is UNSET_KEY
    made = _counted_keys(monkeypatch)
    answer = runner.answer_first_sight_on_loop(
        request, caller=caller, base_url="http://x/", seen=unkeyed
    )
    assert answer is not None and answer.issued
    assert made == [expected]
    assert {card.patient_key for card in answer.issued} == {expected}
