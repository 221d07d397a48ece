"""What a rule recommends, before it becomes a CDS Hooks card.

Generic enough for `cds_hooks` to render without knowing anything about depression: a topic, an
urgency, text, the basis, and proposed FHIR resources (already validated with fhir.resources R4B,
carried as plain JSON dicts). `cds_hooks` adds uuids, links and the wire format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from fhir_mapping.frozen_init import quick_frozen_init


class Indicator(StrEnum):
    CRITICAL = "critical"
    WARNING = "warning"
    INFO = "info"


INDICATOR_ORDER = {Indicator.CRITICAL: 0, Indicator.WARNING: 1, Indicator.INFO: 2}


@dataclass(frozen=True, slots=True)
class Action:
    """A proposed change: `type` is create|update|delete, `resource` a FHIR R4 resource as JSON."""

    type: str
    description: str
    resource: dict[str, Any] | None = None
    resource_id: str | None = None  # for delete: "ServiceRequest/123"


quick_frozen_init(Action)


@dataclass(frozen=True, slots=True)
class Suggestion:
    label: str
    actions: tuple[Action, ...] = ()
    is_recommended: bool = False


quick_frozen_init(Suggestion)


@dataclass(frozen=True, slots=True)
class OverrideReason:
    code: str
    display: str
    system: str = "urn:trd-cds:override-reason"


@dataclass(frozen=True, slots=True)
class Source:
    label: str
    url: str | None = None
    topic_code: str | None = None  # source.topic.code: the card's topic
    topic_display: str | None = None
    topic_system: str = "urn:trd-cds:card-topic"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A section of a card's detail that other cards of the same screen may repeat: the trials
    table, the scores, the staging. `text` is the section exactly as it stands in the detail;
    `covers` names what it shows (trial and score identities), so a card may leave its copy out,
    pointing to another card, only when that card's copy covers it (services/screen.py)."""

    key: str  # "trials" | "scores" | "staging"
    text: str
    covers: frozenset[str] = frozenset()
    # What another card says instead when this card keeps the section; "" = "on the <this
    # topic> card" (a card whose section is itself a pointer to a linked page says where).
    pointer: str = ""
    # The trials section: the outcome pairs of its trials judged on a scale other than the
    # PHQ-9 ("escitalopram judged on QIDS-SR16 18 → 12"), which a line replacing the section
    # says (services/screen.py): the table names the scale, the one-line pointer would not
    # (recheck 13-2 m05, m08, m12, m13). "" when every pair is a PHQ-9's or the card's own text
    # names it already (the measurement-based-care outcome line). The scores section: a
    # preliminary PHQ-9 newer than the latest reviewed one (card_evidence.scores_evidence), which
    # the timeline does not show.
    basis: str = ""
    # The scales other than the PHQ-9 the section's outcomes rest on: the timeline line then
    # says "scores", not "PHQ-9" (set even when `basis` is left out as said elsewhere).
    scales: tuple[str, ...] = ()
    # A section not built yet (card_evidence.deferred_mark): `text` is a mark holding its place
    # in the detail and `build` makes the section, called only when the screen shows it
    # (services/screen.py). The optimise and adherence cards' trials and scores go behind the
    # timeline on every screen they are on: built, they were thrown away (issue 14). Not part
    # of equality: the mark and the other fields say which section it is.
    build: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def built(self) -> Evidence:
        """This section with its text built (itself when it is built already)."""
        if self.build is None:
            return self
        return Evidence(self.key, self.build(), self.covers, self.pointer, self.basis, self.scales)


quick_frozen_init(Evidence)


@dataclass(frozen=True, slots=True)
class HeldSummary:
    """How a summary reads while the suggestion it proposes is held as text (a safety card on
    the same screen takes it off as a one-click action: services/rules/one_click_hold.py), so
    the summary never proposes what the card holds. `orders`: the drug that suggestion orders
    (its medicationCodeableConcept.text, lower case); `summaries`: the summaries, longest first,
    each with HELD where what is held, and why, goes."""

    orders: str
    summaries: tuple[str, ...]
    # What the held suggestion is, as the summary names it: "raise" (a higher dose of the drug),
    # or "daily dose" (a daily dose of a drug ordered only as needed: nothing is raised there,
    # audit 15 M6).
    what: str = "raise"
    # The summaries, longest first, for a hold that takes the adjunct one-clicks off too (the
    # suicide-risk, diagnosis-review and interaction holds), when `summaries` name an adjunct as
    # the next step ("raise held (...), then an adjunct": fix19l item 2): they name no next
    # step. Empty: `summaries` serve whatever is held.
    adjuncts_held: tuple[str, ...] = ()
    # What the summaries are about, the drug and its running dose ("Nortriptyline 25 mg/day"):
    # said before the held act when no whole clause of any summary's head fits beside it
    # (card_format.fit_with_tail; session 26 NW item 1: "Raise held (...)" named no drug). "":
    # the act alone then.
    subject: str = ""


@dataclass(frozen=True, slots=True)
class HoldWording:
    """The holds a summary says (one_click_hold.held_summary): `base`, the summary as built;
    `base_held`, its HeldSummary then; `reasons`, each hold's reason (`held_by`) with whether it
    holds the whole drug plan, in the order the holds ran; `held`, every proposal they took off;
    `said`, the summary they wrote (a rule that rewrites it after them keeps its own words)."""

    base: str
    base_held: HeldSummary | None
    reasons: tuple[tuple[str, bool], ...]
    held: tuple[Suggestion, ...]
    said: str = ""


# Where a HeldSummary's summaries put what is held, and why ("raise held (suicide risk
# assessment first)").
HELD = "{held}"


@dataclass(frozen=True, slots=True)
class Recommendation:
    topic: str  # "suicide-risk", "adherence-review", ... (one card per topic at most)
    indicator: Indicator
    summary: str  # < 140 characters, concrete
    detail: str  # markdown: the basis (trials table, scores, guideline)
    source: Source
    suggestions: tuple[Suggestion, ...] = ()
    override_reasons: tuple[OverrideReason, ...] = ()
    # False for topics that must never be snoozed by feedback (suicide-risk; data/topics.csv).
    # Whether THIS card may be snoozed is `snoozable` below: never when it is critical.
    topic_snoozable: bool = True
    # Cards that discuss trials carry a link to the treatment timeline.
    wants_timeline: bool = False
    # Order hooks: a key (draft id + topic + dose) so order-sign does not repeat a card already
    # shown at order-select for the same draft. None = no de-duplication.
    dedupe_key: str | None = None
    # The evidence sections the detail holds (see Evidence): one screen shows each once.
    evidence: tuple[Evidence, ...] = ()
    # A fingerprint of the evidence the card's conclusion rests on (failed trials, the latest
    # PHQ-9 band): a snooze recorded against one fingerprint ends when it changes (new evidence).
    # None = the snooze holds whatever changes.
    evidence_key: str | None = None
    # The summary while a safety card holds the suggestion it proposes (one_click_hold).
    held_summary: HeldSummary | None = None
    # What the holds that took its proposals off said, and the summary before the first of them
    # (one_click_hold.held_summary): a later hold words every reason again from it, so a second
    # hold's step is never lost behind the first (recheck s24 RC finding 1).
    hold_wording: HoldWording | None = None
    # The card links the referral summary (services/packet) with no suggestion attaching it: a
    # hold took the referral off the card (hold_survival.step_held), and the summary its criteria
    # and the other cards' pointers cite stays one click away (review s26 RN finding 6).
    wants_packet: bool = False

    @property
    def snoozable(self) -> bool:
        """A snooze may hide this card: its topic allows one and the card is not critical.

        One rule for every card, whatever its topic or whichever step set its indicator (a
        running-drug card made critical by its row, a lithium level at or above 1.5 mmol/L, a
        data gap raising a card): a critical card is never snoozed (review s26 RK2 finding 3:
        "Nortriptyline 25 mg/day with Complete heart block on record: contraindicated (ECG and
        cardiology now)" could be snoozed under topic running-drug-caution, while every topic
        that is critical by itself never could). A snooze recorded while the card was a warning
        does not hide it once it turns critical (cds_hooks/card_issuer.py asks this)."""
        return self.topic_snoozable and self.indicator is not Indicator.CRITICAL


quick_frozen_init(Recommendation)
