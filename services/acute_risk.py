"""Acute risk: the suicide-risk signal (what is current, what was assessed) and the TMS gate.

The suicide-risk signal (issue 11 items 9-10; REFERENCE.md 5). Current signals:
- a PHQ-9 item 9 > 0 within policy.suicide_item9_lookback_days (from an Observation or a
  QuestionnaireResponse, and an item 9 inferred from a total >= 25: all are `Score.item9`),
  including a preliminary or cancelled Observation's (`PatientRecord.unfinished_scores`, named
  with its status on the card; review 14 U1: the answer nobody has reviewed yet is the one that
  must not vanish). Their item 9 = 0 is no re-screen;
- a C-SSRS screen with a yes to an ideation question, or to suicidal behaviour in the past 3 months
  (or with its recency not recorded), or a documented moderate / high risk level, within the same
  look-back (fhir_mapping/suicide_screen.py);
- suicidal ideation on the problem list dated within policy.suicide_condition_recent_days, or
  undated (an active entry with no date cannot be shown to be old), and in that window recorded
  at a visit whatever its clinical status: an ED encounter diagnosis (resolved when the visit
  closes) or a visit's reasonCode (fhir_mapping/visit_risk.py; review 16 recheck U-b);
- self-harm or a suicide attempt dated within that window (likewise from a visit);
- a positive (or unreadable) PHQ-9 item 9 on a form with no clinical date (review s34 K39a
  finding 1; fhir_mapping/undated_answer.py): read by its meta.lastUpdated day, the latest day
  the answer can be from, within the window a dated answer gets; with no meta.lastUpdated,
  undated as undated ideation is. Its 0 is no re-screen and closes nothing.
Older ideation, older or undated self-harm and a C-SSRS "suicidal behaviour, not in the past 3
months" are risk-factor lines on the card, never a card by themselves: a lifetime risk factor is
not an action for today, and a permanent critical card would teach clinicians to ignore the one
card that must not be ignored.

Acknowledgement: a documented assessment on or after a signal closes it: a finished C-SSRS that
asked about ideation, a documented risk level, or a suicide risk assessment Procedure (SNOMED
225337009). A screen never closes itself. Undated ideation is closed by any assessment within the
ideation window.

A later PHQ-9 with item 9 = 0 closes nothing (review patient-view finding 6): it is a re-screen,
not the "more detailed suicide screen" a positive item 9 calls for (PMC10172543 table 1), item 9
alone "is an insufficient assessment tool for suicide risk" (Na et al.) and a 0 does not rule risk
out (REFERENCE.md 5). The card names it ("a later PHQ-9 item 9 = 0 on <date>; no risk assessment
on record"), never "assessed". Within the look-back the card stays critical: a positive answer of
the last weeks has not been assessed, and one recorded C-SSRS closes it.

A positive item 9 that no assessment followed does not disappear on time alone (review finding 5;
REFERENCE.md 5 "never auto-dismiss"): past suicide_item9_lookback_days it stays an open signal
until policy.suicide_unassessed_item9_days (365: Simon 2013's one-year risk). Such an older
answer is
- still UNASSESSED (critical) when no item 9 was answered after it: it is the latest word on
  suicidal thoughts in the chart, and nobody ever asked further;
- RESCREENED (warning) when a later item 9 = 0 exists: a later negative screen (NPV 97 % against
  the C-SSRS, Na et al.) makes it no longer an acute signal, so it does not block TMS or name ECT,
  but the loop was never closed, so the card asks for a recorded assessment instead of vanishing.
An older positive that was assessed leaves, as before. The level of the card then follows:

| level | when | card |
|---|---|---|
| UNASSESSED | a current item 9, ideation, self-harm or unfinished screen not yet assessed (a later item 9 = 0 does not change this), or an older unassessed item 9 with no item 9 answered since | critical: assess today |
| HIGH | an assessment itself found high risk (C-SSRS intent / plan / recent behaviour, level high) and nothing later closed it | critical |
| FOUND | an assessment found current risk that is not high | warning |
| RESCREENED | only older item 9 answers are open, none assessed, each followed by an item 9 = 0 | warning: record an assessment |
| UNREAD | only an unreadable item 9 answer is open (below) | warning: check it in the chart |
| ASSESSED | every current signal was assessed and the assessments found none | info |

An item 9 answer that is on record but could not be read (`Score.item9_unread`: a code under an
unknown system, a value out of range, text that is not a number; in an Observation or in a
QuestionnaireResponse alike) within the window a readable positive answer gets
(policy.suicide_unassessed_item9_days, review s23 RO finding 1) is a signal of its own (review
patient-view finding 3): it may be positive, and a footnote among the
data gaps is not where a possible positive answer may sit. A readable item 9 answer or a
documented assessment (as above: C-SSRS, risk level, risk-assessment Procedure) dated the same day
or later supersedes it: no card. It is a WARNING, not critical: nothing on record says the answer
is above 0 (most item 9 answers are 0: Simon 2013's cohort), a critical card for every
mis-coded answer would teach clinicians to dismiss the one card that must not be dismissed, and
the action is a look at the chart first, then an assessment today if it is positive. So it does
not block TMS either; the TMS card says the same in its suicide-risk line, and the other
signals, when present, set the level as before (the unread answer is named among them).

A result that only looks like a PHQ-9 (named PHQ-9 under codes the service does not know:
fhir_mapping/phq9_lookalike.py) is no signal here: it is a DataGap without a date, so no look-back
can be applied to it, and a card on every chart of a site whose codes are not configured would
teach clinicians to dismiss this one. Its item 9 is said to be "not known" on every card that
lists it (services/data_gaps.py) and on the measurement-based-care card, never read as negative.

ASSESSED keeps an info card rather than no card while the positive answer is inside the look-back:
a negative screen does not rule risk out (REFERENCE.md 5, "never auto-dismiss"), and the card then
says what was found and when; it goes once the positive answer leaves the look-back. The card is
never snoozed while any signal is current (data/topics.csv).

What an acute signal means for a TMS referral (the TMS gate) is services/tms_gate.py.

Puerperal (postpartum) psychosis (review 11 finding 2) is an acute risk of its own, read here
(`puerperal_psychosis`). It is a psychiatric emergency (data/acute_risk.csv
postpartum-psychosis: same-day psychiatric assessment, NICE CG192), so its card
(rules/postpartum_psychosis.py; at the order hooks order_checks/puerperal_psychosis.py) speaks
whatever the pathway stage, and the outpatient cards (optimise, psychotherapy, TMS) hold back
while it is on record. It is read from
- one active Condition whose code the condition table reads as both psychotic and postpartum
  onset (ICD-10-CM F53.1, SNOMED 18260003); or, as EHRs often code it (review 11 follow-up G3),
- psychotic features (F32.3, F33.3, SNOMED, text) on one Condition and a postpartum onset
  (F53.0, O90.6, O99.345, SNOMED postpartum-onset MDD) on another, the postpartum one dated
  within the postnatal year (policy postpartum_after_edd_days) or undated; or
- psychotic features beside a recorded delivery (O80/O82, Z37.x, Z39.0/Z39.2, a delivery
  Procedure) within the postnatal year.
Two entries read together are the safer reading (the assessment confirms the diagnosis): a
psychotic illness in the year after a birth is treated as the emergency until a psychiatrist
says otherwise, and the STOP-PD one-click order it would otherwise get is the harm of finding 2.
Not read: a primary psychotic disorder (F20-F25: the diagnosis review says the unipolar pathway
does not apply), and a passed estimated delivery date alone (no birth on record).
An F53.1 (or SNOMED 18260003) dated before the postnatal year is history, not today's emergency
(recheck 11 finding 6: an active F53.1 from 2016 raised a critical card at every chart open and
held the whole pathway back): `puerperal_history` returns it, and the card is a warning (update
the problem list; a strong marker of bipolarity: screen before antidepressant changes) beside the
pathway cards, whose psychotic-features reading leaves it out (`psychotic_now`). An undated F53.1
keeps the emergency card, asking to confirm it is current (`PuerperalPsychosis.stale`): nothing
shows it is old, and a missed current puerperal psychosis (suicide, infanticide) outweighs one
card too many, which updating the entry ends. Two entries read together keep the emergency card
whatever the age of the psychotic one (its partner is of the postnatal year by construction), so
an old F53.1 beside a new birth or a postpartum onset is read as current: the recurrence risk
after a later birth is the reason the history matters.

Where each part lives: the records (`RiskEvent`, `RiskCheck`, `SuicideSignal`, the levels) and the
acknowledgement rule (`_closes`: which assessment closes which signal) risk_signal.py; reading the
record (the candidate signals and risk-factor lines, the documented assessments, the PHQ-9
re-screens, and their wording) risk_evidence.py. Here: `suicide_signal`, which drops the older
item-9 answers an assessment followed, closes what the assessments acknowledge, lowers what a
later item 9 = 0 re-screened, and sets the level (the table above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.pregnancy import edd_passed
from fhir_mapping.record import Finding, FindingKind, PatientRecord, Score
from services.policy import Policy
from services.risk_events import signal_day
from services.risk_events import unread_acts as unread_acts
from services.risk_evidence import _checks, _events, _rescreens, _window_start, item9_scores

# The `name as name` imports are re-exports, so no importer changed with the split: the records
# and `unread_line` are public (pathway.py, tms_gate.py, rules/suicide_risk_text.py and the tests
# import them here).
from services.risk_evidence import unread_line as unread_line
from services.risk_signal import CheckKind as CheckKind
from services.risk_signal import RiskCheck as RiskCheck
from services.risk_signal import RiskEvent as RiskEvent
from services.risk_signal import SignalKind as SignalKind
from services.risk_signal import SuicideLevel as SuicideLevel
from services.risk_signal import SuicideSignal as SuicideSignal
from services.risk_signal import _closes


def _level(open_events: tuple[RiskEvent, ...], lowered: tuple[RiskEvent, ...]) -> SuicideLevel:
    # An unreadable answer sets the level only when nothing else is open (module docstring).
    events = [e for e in open_events if e not in lowered and e.kind is not SignalKind.UNREAD]
    if any(e.kind is not SignalKind.SCREEN or not e.assessed for e in events):
        return SuicideLevel.UNASSESSED
    if any(e.escalate for e in events):
        return SuicideLevel.HIGH
    if events:
        return SuicideLevel.FOUND
    if lowered:
        return SuicideLevel.RESCREENED
    if any(e.kind is SignalKind.UNREAD for e in open_events):
        return SuicideLevel.UNREAD
    return SuicideLevel.ASSESSED


def _since(events: list[RiskEvent], ideation_from: date) -> date:
    """Where the assessments that can acknowledge `events` start."""
    first = min((e.day for e in events if e.day is not None), default=ideation_from)
    return min(first, ideation_from) if any(e.day is None for e in events) else first


def suicide_signal(record: PatientRecord, policy: Policy) -> SuicideSignal | None:
    """The signal, or None when nothing is current (risk-factor lines alone make no card)."""
    events, history, current = _events(record, policy)
    if not events:
        return None
    as_of = record.as_of
    ideation_from = _window_start(as_of, policy.suicide_condition_recent_days)
    screen_from = _window_start(as_of, policy.suicide_item9_lookback_days)

    def is_older(e: RiskEvent) -> bool:
        return e.kind is SignalKind.ITEM9 and e.day is not None and e.day < screen_from

    if any(is_older(e) for e in events):
        # An answer from before the look-back stays only while no assessment followed it.
        earlier = _checks(record, _since(events, ideation_from))
        events = [
            e
            for e in events
            if not (is_older(e) and any(_closes(c, e, ideation_from) for c in earlier))
        ]
        if not events:
            return None
    since = _since(events, ideation_from)
    checks = _checks(record, since)
    rescreens = tuple(_rescreens(record, since))
    open_events = tuple(e for e in events if not any(_closes(c, e, ideation_from) for c in checks))
    # An older unassessed answer with an item 9 = 0 since is no longer acute (module docstring).
    lowered = tuple(
        e
        for e in open_events
        if is_older(e) and any(e.day is not None and r.day > e.day for r in rescreens)
    )
    item9_from = min(screen_from, since)

    def within(s: Score) -> bool:
        # A partial date counts by its latest day (risk_events.signal_day: finding 3).
        return s.item9 is not None and s.date <= as_of and item9_from <= signal_day(s, as_of)

    answered = [s for s in record.phq9() if within(s)]
    # A positive answer of a preliminary or cancelled PHQ-9 is behind a signal too (review 14
    # U1); the latest answer (`latest_item9`) stays a reviewed one.
    positives = [s for s in item9_scores(record) if within(s)]
    item9_sources = {(e.day, e.source) for e in events if e.kind is SignalKind.ITEM9}
    # A positive answer dated after today is a signal of today (risk_evidence: its event is
    # dated as-of): it stands behind the signal too.
    positives += [s for s in record.after_today_item9 if (s.item9 or 0) > 0]
    item9_sources |= {(s.date, s.source) for s in record.after_today_item9}
    # A positive answer on a form with no date (review s34 K39a finding 1) stands behind it too.
    undated = [u.score for u in record.undated_item9 if (u.score.item9 or 0) > 0]
    positives += [s for s in undated if s.source in {e.source for e in events}]
    item9_sources |= {(signal_day(s, as_of), s.source) for s in undated}
    return SuicideSignal(
        level=_level(open_events, lowered),
        signals=tuple(events),
        open=open_events,
        checks=tuple(checks),
        history=tuple(history),
        positive_item9=tuple(
            s
            for s in positives
            if (s.item9 or 0) > 0 and (signal_day(s, as_of), s.source) in item9_sources
        ),
        latest_item9=answered[-1] if answered else None,
        findings=tuple(current),
        undated_from=ideation_from,
        rescreens=rescreens,
        lowered=lowered,
        lookback_from=screen_from,
    )


@dataclass(frozen=True, slots=True)
class PuerperalPsychosis:
    """What the record says of a puerperal psychosis (module docstring)."""

    # The psychotic finding: F53.1 itself when one code states both (the latest dated of them),
    # else the latest dated psychotic-features finding.
    psychotic: Finding
    # The other entry that makes the onset postpartum: a postpartum-onset Condition or a
    # delivery; None when the psychotic finding's own code states it (F53.1).
    postpartum: Finding | None
    # Every entry the card names, in record order (the coded F53.1 entries, or the two).
    found: tuple[Finding, ...]
    # The entries with no date, or dated before the postnatal year: named with their date and
    # "confirm it is current" (never dropped).
    stale: tuple[Finding, ...]
    window_days: int  # the postnatal year (policy.mapping.postpartum_after_edd_days)

    @property
    def coded(self) -> bool:
        """One code states both the psychosis and its postpartum onset (F53.1)."""
        return self.postpartum is None

    @property
    def delivery(self) -> bool:
        """The postpartum onset is a recorded delivery, not a postpartum-onset diagnosis."""
        return self.postpartum is not None and self.postpartum.kind is FindingKind.DELIVERY


def _latest(found: list[Finding]) -> Finding:
    # Undated entries count as the oldest: the card's head names the most recent entry.
    return max(found, key=lambda f: f.onset or date.min)


def _coded(psychotic: tuple[Finding, ...], onset: list[Finding]) -> list[Finding]:
    """The entries whose one code states both the psychosis and its postpartum onset (F53.1)."""
    postpartum_codes = {(f.system, f.code) for f in onset}
    return [f for f in psychotic if (f.system, f.code) in postpartum_codes]


def puerperal_psychosis(record: PatientRecord, policy: Policy) -> PuerperalPsychosis | None:
    """The puerperal psychosis on record (module docstring), or None (nearly every chart).

    Postpartum and delivery entries count when dated within the postnatal year before as-of
    (policy.mapping.postpartum_after_edd_days) or undated; a passed EDD is no birth on record."""
    context = record.context
    if not context.has(FindingKind.PSYCHOTIC):
        return None
    days = policy.mapping.postpartum_after_edd_days
    year_from = record.as_of - timedelta(days=days)

    def stale(found: list[Finding]) -> tuple[Finding, ...]:
        return tuple([f for f in found if f.onset is None or f.onset < year_from])

    psychotic = context.of(FindingKind.PSYCHOTIC)
    onset = [f for f in context.of(FindingKind.POSTPARTUM) if not edd_passed(f)]
    coded = _coded(psychotic, onset)
    # One undated or in-year entry keeps the emergency; all dated before the year is history.
    if any(f.onset is None or f.onset >= year_from for f in coded):
        return PuerperalPsychosis(_latest(coded), None, tuple(coded), stale(coded), days)
    disorders = {(f.system, f.code) for f in context.of(FindingKind.PSYCHOTIC_DISORDER)}
    features = [f for f in psychotic if (f.system, f.code) not in disorders]
    if not features:
        return None

    def in_year(f: Finding) -> bool:
        return f.onset is None or year_from <= f.onset <= record.as_of

    # A postpartum-onset diagnosis says more than a delivery: it is named first when both are on
    # record. Of the deliveries, the birth (the earliest of the year: a Z39.2 postnatal visit
    # weeks later names the same birth, as rules/populations.py reads it); a delivery counts only
    # when dated, as an undated one says nothing of the postnatal year.
    diagnosed = [f for f in onset if in_year(f)]
    births = [
        f
        for f in context.of(FindingKind.DELIVERY)
        if f.onset is not None and year_from <= f.onset <= record.as_of
    ]
    if diagnosed:
        partner = _latest(diagnosed)
    elif births:
        partner = min(births, key=lambda f: f.onset or date.min)
    else:
        return None
    head = _latest(features)
    found = (head, partner)
    return PuerperalPsychosis(head, partner, found, stale(list(found)), days)


def puerperal_history(record: PatientRecord, policy: Policy) -> tuple[Finding, ...]:
    """The active F53.1 entries when every one is dated before the postnatal year and no current
    puerperal psychosis is read (module docstring): a past puerperal psychosis, oldest first.
    Empty on nearly every chart."""
    if not record.context.has(FindingKind.PSYCHOTIC):
        return ()
    return past_puerperal(record, puerperal_psychosis(record, policy))


def past_puerperal(
    record: PatientRecord, current: PuerperalPsychosis | None
) -> tuple[Finding, ...]:
    """`puerperal_history` given the record's `puerperal_psychosis` already read (`current`):
    derive_facts reads both once per evaluation (PathwayFacts.puerperal, .puerperal_past)."""
    context = record.context
    if current is not None or not context.has(FindingKind.PSYCHOTIC):
        return ()
    onset = [f for f in context.of(FindingKind.POSTPARTUM) if not edd_passed(f)]
    coded = _coded(context.of(FindingKind.PSYCHOTIC), onset)
    return tuple(sorted(coded, key=lambda f: f.onset or date.min))


def psychotic_now(
    record: PatientRecord, policy: Policy, psychotic: tuple[Finding, ...]
) -> tuple[Finding, ...]:
    """`psychotic` (PathwayFacts.psychotic) without a past puerperal psychosis: an F53.1 of years
    ago is no psychotic feature of this episode, so it neither turns the optimise card into the
    psychotic-depression regimen nor holds the CBT/IPT card back (module docstring)."""
    if not psychotic:
        return psychotic
    return without_past(psychotic, puerperal_history(record, policy))


def without_past(psychotic: tuple[Finding, ...], past: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """`psychotic_now` given the past puerperal psychosis already read (`past_puerperal`)."""
    if not past:
        return psychotic
    return tuple([f for f in psychotic if f not in past])
