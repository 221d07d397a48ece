"""fhir_mapping/bounded_memo.remember: the memos of the readers stay bounded (issue 14)."""

from __future__ import annotations

from fhir_mapping.bounded_memo import remember


def test_remember_stores_and_returns_the_value() -> None:
    memo: dict[str, int] = {}
    assert remember(memo, "a", 1, 3) == 1
    assert memo == {"a": 1}


def test_a_full_memo_is_emptied_before_the_new_entry() -> None:
    memo: dict[str, int] = {}
    for i, key in enumerate("abc"):
        remember(memo, key, i, 3)
    assert memo == {"a": 0, "b": 1, "c": 2}  # at the limit, nothing dropped yet
    remember(memo, "d", 3, 3)
    assert memo == {"d": 3}  # emptied whole, then refilled with what is in use now


def test_a_none_answer_is_remembered_too() -> None:
    memo: dict[str, int | None] = {}
    assert remember(memo, "x", None, 2) is None
    assert "x" in memo
