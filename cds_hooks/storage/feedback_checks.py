"""How a feedback item is judged before it is stored: whether its card was issued to the
caller (`issued_to`), and whether the item accepts a suggestion its card was not issued with or
contradicts the feedback already stored for the card (`refusal_of`; CDS Hooks 2.0.1 #feedback:
a card has one answer), with the lock and the reads that judgement needs inside the storing
transaction (`lock_cards`, `issued_card_rows`, `stored_answers`).

Separate from store.py, which owns the engine and the transaction (`Store.add_feedback`) and
calls these inside it: they are the rules for feedback against issued cards, read on their own,
and each takes the caller's connection.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from cds_hooks.security.tenancy import Scope
from cds_hooks.storage.feedback_records import (
    FEEDBACK_CONFLICT,
    UNKNOWN_SUGGESTION,
    FeedbackRecord,
    RefusedItem,
)
from cds_hooks.storage.tables import feedback_table, issued_table


def issued_card_rows(conn: Connection, card_uuids: list[str]) -> dict[str, Any]:
    """The issued-card rows of these uuids, by uuid (one query, in the caller's transaction),
    locked until it ends (PostgreSQL; in uuid order, so two batches cannot deadlock): feedback
    on one card is judged and stored by one transaction at a time."""
    if not card_uuids:
        return {}
    query = (
        select(issued_table)
        .where(issued_table.c.card_uuid.in_(set(card_uuids)))
        .order_by(issued_table.c.card_uuid)
        .with_for_update()
    )
    return {row.card_uuid: row for row in conn.execute(query)}


# What a feedback item says about its card: outcome, accepted suggestion ids, override reason
# (code, system) and comment. Two items saying the same are one answer sent twice.
_Answer = tuple[str, frozenset[str], str | None, str | None, str | None]


def answer_of(item: FeedbackRecord) -> _Answer:
    return (
        item.outcome,
        frozenset(item.accepted_suggestions),
        item.override_code,
        item.override_system,
        item.override_comment,
    )


def lock_cards(conn: Connection) -> None:
    """On SQLite, take the database's write lock before reading the stored feedback, with a write
    that changes nothing: pysqlite begins the transaction only at the first write, and reads
    before it could be outdated by another writer's commit. (PostgreSQL locks the issued-card
    rows instead: `issued_card_rows`, FOR UPDATE.)"""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("UPDATE trd_meta SET value = value WHERE 0 = 1")


def stored_answers(
    conn: Connection, keys: set[tuple[str, str]]
) -> dict[tuple[str, str], list[tuple[_Answer, int | None]]]:
    """The stored feedback of these (service id, card uuid) pairs, as answers (position None:
    stored by an earlier request)."""
    answers: dict[tuple[str, str], list[tuple[_Answer, int | None]]] = {}
    if not keys:
        return answers
    rows = conn.execute(
        select(feedback_table)
        .where(feedback_table.c.card_uuid.in_({card for _service, card in keys}))
        .order_by(feedback_table.c.id)
    )
    for row in rows:
        key = (row.service_id, row.card_uuid)
        if key not in keys:
            continue
        accepted = frozenset(json.loads(row.accepted_suggestions or "[]"))
        answer = (
            row.outcome,
            accepted,
            row.override_code,
            row.override_system,
            row.override_comment,
        )
        answers.setdefault(key, []).append((answer, None))
    return answers


def refusal_of(
    position: int,
    item: FeedbackRecord,
    card: Any,
    answers: list[tuple[_Answer, int | None]],
) -> RefusedItem | None:
    """Why this item (naming `card`, an issued-card row of the caller's) cannot be stored, if it
    cannot: it accepts a suggestion the card was not issued with, or it says something else
    about the card than the feedback already stored for it (`answers`).

    CDS Hooks 2.0.1 #feedback: "Typically, an end user may only accept (a suggestion), or
    override a card once". So a card has one answer: a second, different one (accepted after
    overridden or the reverse, other suggestions, another override reason) contradicts it and
    is refused, never stored beside it or over it, since an override snoozes the card's topic
    and accepted feedback leaves an order card out; the client hears which answer is on record.
    The spec says nothing of feedback sent again: the same answer again is stored once when its
    outcomeTimestamp is the same (the unique constraint), as a new row when it is later, as
    before this check; the snooze still runs from the card's first override (snooze_writes.py,
    review 21 M3).
    """
    if card.suggestion_ids is not None and item.accepted_suggestions:
        issued = set(json.loads(card.suggestion_ids))
        unknown = tuple(dict.fromkeys(s for s in item.accepted_suggestions if s not in issued))
        if unknown:
            at = tuple(i for i, s in enumerate(item.accepted_suggestions) if s not in issued)
            return RefusedItem(
                position,
                UNKNOWN_SUGGESTION,
                item.card_uuid,
                unknown_suggestions=unknown,
                unknown_at=at,
            )
    mine = answer_of(item)
    for answer, earlier in answers:
        if answer != mine:
            return RefusedItem(
                position,
                FEEDBACK_CONFLICT,
                item.card_uuid,
                stored_outcome=answer[0],
                stored_suggestions=tuple(sorted(answer[1])),
                conflicts_with=earlier,
            )
    return None


def issued_to(card: Any, service_id: str, scope: Scope) -> bool:
    """Whether `card` (an issued-card row, or None) was issued by `service_id` to `scope`. Rows
    issued before migration 0002 have no issuer: they match nobody."""
    return (
        card is not None
        and card.service_id == service_id
        and card.issuer == scope.issuer
        and card.tenant == scope.tenant
    )
