"""From a prepared evaluation to the cards one caller is shown: snoozes and answered order cards
left out (the screen composed again without them), the timeline and packet links, the issued-card
rows and the `hook.answered` log line. Separate from the runner, which decides only how the
evaluation is had (fetched, cached, on the loop or in the thread pool).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Any

from cds_hooks.card_links import new_uuids, packet_link, timeline_link
from cds_hooks.cards import CardTemplate, IssuedCards, card_template
from cds_hooks.config.settings import Settings
from cds_hooks.document_stamp import document_stamp
from cds_hooks.fhir_data.prefetch import Gathered
from cds_hooks.hook_answer import UNSET_KEY, Answer, MayWait, Prepared, UnsetKey
from cds_hooks.models.request import HookRequest
from cds_hooks.observability import logs
from cds_hooks.security.caller import Caller
from cds_hooks.storage.bounded_reads import ReadTimedOut
from cds_hooks.storage.issued_cards import IssuedCard, snooze_key
from cds_hooks.storage.store import Store
from cds_hooks.storage.timeline_cache import TimelineCache, TimelineStore
from fhir_mapping.gaps import reason_counts
from fhir_mapping.record import PatientRecord
from services.evaluation import screen_without
from services.policy import Policy
from services.recommendation import Recommendation

# How many hidden-topic sets a Prepared keeps composed screens for: one patient rarely has more
# than one or two (a snooze, an answered order card), and each screen is a few KB.
_WITHOUT_KEPT = 4


def _hidden(
    recs: Sequence[Recommendation], snoozed: AbstractSet[str], answered: AbstractSet[str]
) -> frozenset[str]:
    """The topics of `recs` left out: snoozed on the same evidence, or an order card answered."""
    return frozenset(
        r.topic
        for r in recs
        # A snooze holds while the card rests on the same evidence (issued_cards.snooze_key).
        if (r.snoozable and snooze_key(r.topic, r.evidence_key) in snoozed)
        or (r.dedupe_key and r.dedupe_key in answered)
    )


def _read_timed_out(hook_instance: str, settings: Settings) -> None:
    """The log line of an answer sent unfiltered: ids and the setting only, no patient data."""
    logs.event(
        "hook.store_read_timeout",
        logging.WARNING,
        hookInstance=hook_instance,
        timeoutSeconds=settings.database.read_timeout_seconds,
    )


class CardIssuer:
    """The last step of every answer (HookRunner): what is shown, and what is remembered of it."""

    def __init__(
        self,
        settings: Settings,
        policy: Policy,
        store: Store,
        timelines: TimelineStore[PatientRecord],
    ) -> None:
        self.settings = settings
        self.policy = policy
        self.store = store
        self.timelines = timelines
        self._timeline_ttl = settings.timeline.ttl_minutes * 60

    def _screen_without(
        self, prepared: Prepared, hidden: frozenset[str]
    ) -> list[tuple[Recommendation, CardTemplate]]:
        """The cards shown when `hidden` topics are left out: the screen composed again without
        them (services.evaluation.screen_without), so no card points to one not shown. Kept on
        the evaluation for the next call with the same cards hidden (a snooze lasts days)."""
        found = prepared.without.get(hidden)
        if found is None:
            recs = screen_without(prepared.evaluation, self.policy, hidden)
            found = tuple((r, card_template(r)) for r in recs)
            if len(prepared.without) >= _WITHOUT_KEPT:
                prepared.without.clear()
            prepared.without[hidden] = found
        return list(found)

    def _timeline_token(self, prepared: Prepared, *, on_loop: bool) -> str:
        """A token for the record's timeline page: the answers of one cached evaluation show one
        record, so they share its token while it has more than half its life left. On the event
        loop a new token can only come from the in-process store (the database store writes):
        otherwise MayWait sends the call to the thread pool."""
        in_memory = isinstance(self.timelines, TimelineCache)
        if prepared.timeline:
            token, expires_at = prepared.timeline[0]
            # The in-process store may have evicted it (bounded); database rows live until
            # they expire.
            fresh = expires_at - time.time() > self._timeline_ttl / 2
            if fresh and (not in_memory or self.timelines.get(token) is not None):
                return token
        if on_loop and not in_memory:
            raise MayWait("a new timeline token is a database write")
        token, expires_at = self.timelines.put(prepared.evaluation.record)
        prepared.timeline[:] = [(token, expires_at)]
        return token

    def finish(
        self,
        prepared: Prepared,
        request: HookRequest,
        caller: Caller,
        now: datetime,
        base_url: str,
        fields: dict[str, Any],
        gathered: Gathered,
        started: float,
        cached: bool,
        *,
        on_loop: bool,
        snoozed: frozenset[str] | None = None,
        patient_key: str | None | UnsetKey = UNSET_KEY,
    ) -> Answer:
        """Snoozes and de-duplication (always read fresh, even for a cached evaluation: `snoozed`
        when this call read them already), cards. `patient_key`: this caller's key of the
        prepared evaluation's patient, when the call made it already (with `snoozed`)."""
        evaluation = prepared.evaluation
        # This caller's patient: snoozes and answered cards of another EHR never apply here.
        if isinstance(patient_key, UnsetKey):
            patient_key = self.store.patient_key(prepared.patient_id, caller.scope)
        # Order cards are left out only once answered (accepted or overridden) with the same
        # key: the same draft, drug, topic and dose, and the same statement (review 18b U1, U2);
        # merely sent is not enough (issue 11 item 15, store.py).
        answered: set[str] = set()
        if not evaluation.recommendations:  # nothing to filter: no database round trip
            snoozed = frozenset()
        else:
            try:
                if snoozed is None:
                    snoozed = frozenset(
                        self.store.snoozed_topics(patient_key, now, on_loop=on_loop)
                    )
                if any(r.dedupe_key for r in evaluation.recommendations):
                    answered = self.store.acknowledged_dedupe_keys(
                        patient_key,
                        since=now - timedelta(hours=self.policy.order_dedupe_hours),
                        exclude_hook_instance=request.hookInstance,
                        on_loop=on_loop,
                    )
            except ReadTimedOut:
                # A stalled PostgreSQL (bounded_reads.py): every card shown, none left out as
                # snoozed or answered (the safer side: a card shows again), and no further read.
                snoozed = snoozed or frozenset()
                _read_timed_out(request.hookInstance, self.settings)
        hidden = _hidden(evaluation.recommendations, snoozed, answered)
        kept = (
            list(zip(evaluation.recommendations, prepared.templates, strict=True))
            if not hidden
            else self._screen_without(prepared, hidden)
        )
        # A screen composed without some cards may show a card the full screen did not (a line
        # a hidden card carried, said on a card of its own: rules/item9_not_recorded.alone), or
        # a card with another fingerprint (the line moved onto it). Its own snooze and answer
        # apply to it too, or a card the clinician snoozed would come back on every call
        # (review s21 RE W1). Hidden only grows, so this ends (at most once per topic).
        while kept and (more := _hidden([r for r, _t in kept], snoozed, answered) - hidden):
            hidden |= more
            kept = self._screen_without(prepared, hidden)
        link = packet = None
        if any(r.wants_timeline or template.wants_packet for r, template in kept):
            base = self.settings.server.public_url or base_url.rstrip("/")
            token = self._timeline_token(prepared, on_loop=on_loop)
            link = timeline_link(f"{base}/timeline/{token}")
            # The referral summary (cards.py) opens with the same token: one record, two pages.
            packet = packet_link(f"{base}/packet/{token}")
        uuids = iter(new_uuids(sum(template.uuid_count for _r, template in kept)))
        # The referral summary's date and author, known only now (document_stamp.py).
        stamp = document_stamp(now, request.context.userId)
        cards = [
            template.issue(uuids, timeline_link=link, packet_link=packet, stamp=stamp)
            for _r, template in kept
        ]
        issued = tuple(
            IssuedCard(
                card_uuid=card["uuid"],
                service_id=fields["service"],
                hook_instance=request.hookInstance,
                topic=snooze_key(r.topic, r.evidence_key),
                patient_key=patient_key,
                # A stand-in for a card not built (card_stand_in.py) is never snoozed and answers
                # no order: dismissing it must not hide the real card once it builds again.
                dedupe_key=None if template.stand_in else r.dedupe_key,
                snoozable=r.snoozable and not template.stand_in,
                issuer=caller.issuer,
                tenant=caller.tenant,
                suggestion_ids=tuple(s["uuid"] for s in card.get("suggestions") or ()),
                # Only these snooze the card (issued_cards.snoozes_with, review 18b M1).
                override_reasons=()
                if template.stand_in
                else tuple((o.system, o.code) for o in r.override_reasons),
            )
            for card, (r, template) in zip(cards, kept, strict=True)
        )
        logs.event(
            "hook.answered",
            status=200,
            **fields,
            cards=[r.topic for r, _template in kept],
            suppressed=len(evaluation.recommendations) - len(kept),
            resourcesRead=evaluation.record.resources_read,
            resourcesSkipped=evaluation.record.resources_skipped + gathered.skipped,
            leftOut=reason_counts(evaluation.record.gaps),
            dataUnavailable=sorted(gathered.unavailable),
            dataIncomplete=sorted(gathered.incomplete),
            cachedEvaluation=cached,
            durationMs=round((time.perf_counter() - started) * 1000, 2),
        )
        return Answer(IssuedCards(cards), issued, now, request.hookInstance)
