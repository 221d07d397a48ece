"""A snooze runs `snooze_days` from the card's first override, on SQLite and PostgreSQL (review 21
M3: the same override sent again with a later outcomeTimestamp restarted the days from the resend,
so an EHR re-sending its queue kept a card hidden past `snooze_days`).

What still ends a snooze early, new evidence (a card with another evidence fingerprint), is
tests/cds_hooks/test_snooze_evidence.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cds_hooks.security.tenancy import Scope
from cds_hooks.storage.feedback_records import FeedbackRecord
from cds_hooks.storage.issued_cards import IssuedCard
from cds_hooks.storage.store import Store

SERVICE = "trd-patient-view"
TOPIC = "tms-referral"
DAYS = 90
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _issue(store: Store, card: str, at: datetime) -> str:
    key = store.patient_key("patient-1", Scope())
    assert key is not None
    store.record_issued([IssuedCard(card, SERVICE, f"hook-{card}", TOPIC, key, None, True)], at)
    return key


def _override(store: Store, card: str, stamp: datetime, received: datetime) -> None:
    item = FeedbackRecord(
        service_id=SERVICE,
        card_uuid=card,
        outcome="overridden",
        outcome_timestamp=stamp,
        accepted_suggestions=(),
        override_code="patient-refuses",
        override_system="urn:trd-cds:override-reason",
        override_comment=None,
    )
    stored = store.add_feedback([item], snooze_days=DAYS, now=received, scope=Scope())
    assert stored == 1  # a new row each time: the stamps differ


def _snoozed(store: Store, key: str, at: datetime) -> bool:
    return TOPIC in store.snoozed_topics(key, at)


def test_the_same_override_sent_again_later_does_not_renew_the_snooze(database_url: str) -> None:
    store = Store(database_url)
    key = _issue(store, "card-a", T0)
    _override(store, "card-a", T0, T0)
    resent = T0 + timedelta(days=60)
    _override(store, "card-a", resent, resent)  # the EHR sends the same answer again
    assert len(store.feedback_rows("card-a")) == 2  # both stored, as the spec allows
    assert _snoozed(store, key, T0 + timedelta(days=DAYS - 1))
    # Before: snoozed until the resend + 90 days (day 150).
    assert not _snoozed(store, key, T0 + timedelta(days=DAYS, seconds=1))
    store.close()


def test_an_older_cards_override_never_shortens_a_later_snooze(database_url: str) -> None:
    """Two cards of one topic on the same evidence (two chart openings before either answer):
    the later override's snooze stands when the earlier card's answer is sent again."""
    store = Store(database_url)
    key = _issue(store, "card-a", T0)
    _issue(store, "card-b", T0)
    _override(store, "card-a", T0, T0)
    t1 = T0 + timedelta(days=40)
    _override(store, "card-b", t1, t1)
    resent = T0 + timedelta(days=50)
    _override(store, "card-a", resent, resent)
    assert _snoozed(store, key, t1 + timedelta(days=DAYS - 1))
    assert not _snoozed(store, key, t1 + timedelta(days=DAYS, seconds=1))
    store.close()
