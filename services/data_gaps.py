"""Never silent (issue 10): what could not be read is said on every card it could change.

The mapping records DataGaps (a resource left out and why; a kind of data not available). Each
card topic lists the data domains its conclusion rests on (data/topic_data.csv; a topic not listed
rests on all of them, the safe default for a new rule). A card gets one "Data not read" section
with the gaps in its domains. When gaps touch what could raise a card on its own (medications,
scores, diagnoses) and no card carries them, one `data-quality` card says so, so a chart whose
history could not be read never answers a quiet `{"cards": []}`.

Whole kinds of data that were simply not provided (an EHR that sends no Procedure key and offers
no FHIR server) are named on the cards they touch but raise no card of their own: that is how
many EHRs are set up, and a card on every chart would be noise. Relevant resources that were
sent and could not be read, and Bundles whose later pages could not be read, do raise one.

This module holds `annotate`: which card carries which gaps, and when the chart's data-quality
card is raised. Beside it, each read and changed on its own: data_gap_section.py (the "Data not
read" block a card gets, and the domains each topic rests on) and data_quality_card.py (the
data-quality card's wording).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta

from fhir_mapping.draft_medication import is_unidentified_draft
from fhir_mapping.gaps import ANOTHER_PATIENT, DATED_AFTER_TODAY, SUBJECT_UNCONFIRMED
from fhir_mapping.other_prescriber import OTHER_PRESCRIBER_TO_CONFIRM
from fhir_mapping.phq9_lookalike import UNRECOGNISED_PHQ9_RESPONSES
from fhir_mapping.record import DataDomain, DataGap, FindingKind, GapCause, PatientRecord, Role
from fhir_mapping.same_drug_prescribers import SAME_DRUG_DOSE_TO_CONFIRM
from fhir_mapping.scale_lookalike import unread_scale
from services import (
    cards,
    si_lab_gaps,
    tables,
    unconfirmed_signal,
    unconfirmed_subject,
    unidentified_running,
    unread_lab_gaps,
)

# Re-exported: card_evidence needs these words without importing this module (which imports
# cards, which imports card_evidence: a cycle when card_evidence is imported first).
from services.card_format import plural as _count

# Moved beside this module, re-exported: callers and tests import them from here.
from services.data_gap_section import EXCLUDED_HEAD as EXCLUDED_HEAD
from services.data_gap_section import ITEM9_NOT_RULED_OUT as ITEM9_NOT_RULED_OUT
from services.data_gap_section import bipolar_not_ruled_out as bipolar_not_ruled_out
from services.data_gap_section import (
    card_domains,
    conditions_matter_at,
    liver_tests_matter,
    raised,
    section,
    self_harm_unseen,
    shown_gaps,
)
from services.data_gap_section import topic_domains as topic_domains
from services.data_quality_card import EXCLUDED_LEAD as EXCLUDED_LEAD
from services.data_quality_card import TOPIC as TOPIC
from services.data_quality_card import data_quality_card

# Under its old name too: tests/services/test_review17_record_identity.py calls data_gaps._card.
from services.data_quality_card import data_quality_card as _card  # noqa: F401
from services.no_phq9_words import no_phq9_words as no_phq9_words
from services.no_phq9_words import unread_scales_text as unread_scales_text
from services.no_phq9_words import unrecognised_phq9 as unrecognised_phq9
from services.pending_fills import pending_fills
from services.recommendation import Indicator, Recommendation
from services.unidentified_drafts import with_unidentified_drafts

# The TMS referral card's topic (services/rules/tms_referral.py, not imported: a cycle).
_TMS = "tms-referral"

# Gaps in these can hide a card on their own (a failed trial, a positive item 9, a bipolar code,
# an NSAID beside lithium: a partner drug is carried by the interaction cards alone, and when none
# is raised, by the data-quality card).
_DECISIVE = (
    DataDomain.MEDICATIONS,
    DataDomain.SCORES,
    DataDomain.CONDITIONS,
    DataDomain.PARTNER_DRUGS,
)


# The patient-view topics whose card proposes an antidepressant or an adjunct, or names the
# switch options (the optimise card), or the next antidepressant step (the relapse cards):
# beside them a withheld bipolar diagnosis matters as it does at an antidepressant order.
_ANTIDEPRESSANT_TOPICS = frozenset(
    {"optimize-switch-augment", "relapse-on-treatment", "recurrence-off-treatment"}
)


def _antidepressant_decision(
    record: PatientRecord, recommendations: Sequence[Recommendation], hidden: AbstractSet[str]
) -> bool:
    """Whether this screen orders or proposes an antidepressant: an antidepressant drafted at an
    order hook, or a card shown (not snoozed) that proposes one or lists the switch options. Not
    when a bipolar finding was read anyway: the bipolar cards speak of it (order_checks/
    bipolar.py, the diagnosis review), and "cannot be ruled out" would contradict them."""
    if record.context.of(FindingKind.BIPOLAR):
        return False
    if any(d.role is Role.ANTIDEPRESSANT for d in record.draft_orders):
        return True
    return any(r.topic in _ANTIDEPRESSANT_TOPICS and r.topic not in hidden for r in recommendations)


def annotate(
    recommendations: Sequence[Recommendation],
    record: PatientRecord,
    *,
    hidden: AbstractSet[str] = frozenset(),
    lab_lookback_days: int | None = None,
    score_window_days: int | None = None,
) -> tuple[Recommendation, ...]:
    """The recommendations with their gap lines, plus a data-quality card where needed. The
    gaps of `hidden` topics' cards (left off this screen: snoozed, or already answered) count as
    carried: the clinician saw them on that card, so hiding it raises no card of its own.
    `lab_lookback_days` (policy.tsh_lookback_days): the SI-unit labs not received are left
    unsaid when the labs of every test they carry are on record within it (si_lab_gaps.py).
    `score_window_days` (risk_evidence.item9_window_days): a score dated before it raises no
    data-quality card of its own (`_aged_out`); a card resting on scores still lists it."""
    if not record.gaps:
        return tuple(recommendations)
    out: list[Recommendation] = []
    # Other scales' results under a local code that no conclusion could rest on: listed on no
    # card and raising none (--explain still names them).
    quiet = _unread_scales_without_effect(record)
    # Draft orders whose drug could not be identified: said on a card at the order, not among
    # the chart's unread records (unidentified_drafts.py; review 15 U2).
    drafts = tuple([g for g in record.gaps if is_unidentified_draft(g)])
    quiet = quiet.union(drafts) if drafts else quiet
    acted = _acted_on_after_today(record)
    quiet = quiet.union(acted) if acted else quiet
    # A fill dated after today of an order already read: on the timeline only (pending_fills.py).
    pending = pending_fills(record)
    quiet = quiet.union(pending) if pending else quiet
    # An open order another prescriber's stop did not end was read: the cards' drug-to-confirm
    # line says what is open, no "could not be read" line (fhir_mapping/other_prescriber.py);
    # so two prescribers' open orders of one drug (meds57: the dose-first section holds the raise).
    read = (OTHER_PRESCRIBER_TO_CONFIRM, SAME_DRUG_DOSE_TO_CONFIRM)
    quiet = quiet.union([g for g in record.gaps if g.reason in read])
    if lab_lookback_days is not None:
        # Review 17 W2: the SI-unit labs not received add nothing beside recent mass-unit ones.
        quiet = quiet.union(si_lab_gaps.moot(record, lab_lookback_days))
    reported: set[DataGap] = set(quiet)
    # A record whose subject is not confirmed as this patient's (review 17 U1: an MAOI order
    # named by an identifier only) is carried by the data-quality card alone, whose summary names
    # it: a footnote on another card is not where a clinician looks for whose an order is.
    unconfirmed = frozenset([g for g in record.gaps if g.reason == SUBJECT_UNCONFIRMED])
    # A PHQ-9 of unconfirmed subject that would be no signal (review 17 second recheck M1) is an
    # ordinary score gap: listed by the cards resting on scores, raising no card of its own.
    plain = unconfirmed_signal.no_signal(unconfirmed)
    unconfirmed = unconfirmed - plain
    if unconfirmed:
        quiet = quiet.union(unconfirmed)
    # An MAOI drafted beside medication records whose drug could not be identified (recheck
    # 18b U1): the data-quality card alone carries them, critical (data_quality_card;
    # unidentified_running.maoi_drafted_beside). Folded into an info card at the same draft
    # ("below the minimum adequate dose"), the washout check that could not run was one line.
    washout_unchecked = (
        frozenset(unidentified_running.unidentified(record.gaps))
        if unidentified_running.maoi_drafted_beside(record.gaps, record)
        else frozenset()
    )
    if washout_unchecked:
        quiet = quiet.union(washout_unchecked)
    for topic in hidden:
        reported.update(shown_gaps(record.gaps_in(*card_domains(topic))))
    # Listed on a card above info (or a hidden one): where a safety lab not read is said enough.
    # On an info card alone (the TSH one) it was not (review s29 RL finding 2).
    warned: set[DataGap] = set(reported)
    liver = liver_tests_matter(record)
    # A data-quality card the hook raised itself (an order hook's "dose not read": order_checks/
    # doses.carry_not_checked) is a report, not a conclusion: the gaps no other card carries go on
    # the chart's data-quality card merged into it (cards.ordered), with that card's summary and
    # lead, not as bare lines under the dose (a clinician reading summaries saw only the dose).
    own: list[int] = []
    # Each gap block once per screen, as each evidence section is (services/screen.py; audit 15
    # W3: the same "Data not read" block stood on the suicide-risk and the optimise card): a card
    # whose gaps a card before it already lists says where, in one line. The cards come in screen
    # order (composed, hidden ones left out), so the block stays on the first card that has it.
    listed_on: list[tuple[frozenset[DataGap], str]] = []
    # Said once, in the block of the first card listing a conditions gap (the others point to it).
    antidepressant = _antidepressant_decision(record, recommendations, hidden)
    for rec in recommendations:
        if rec.topic == TOPIC:
            own.append(len(out))
            out.append(rec)
            continue
        gaps = shown_gaps(record.gaps_in(*card_domains(rec.topic, liver)))
        if quiet:
            gaps = tuple([g for g in gaps if g not in quiet])
        if not gaps:
            out.append(rec)
            continue
        reported.update(gaps)
        owner = next((t for listed, t in listed_on if listed >= set(gaps)), None)
        if owner is not None and owner not in hidden:
            block = _pointer(owner, gaps)
            # A TMS card pointing to a withheld SI diagnosis or self-harm visit is raised as
            # the card listing it is (review K59b finding 4): never an info referral beside it.
            if rec.topic == _TMS and self_harm_unseen(gaps):
                rec = dataclasses.replace(rec, indicator=raised(rec.indicator, gaps))
        else:
            block = section(gaps, antidepressant=antidepressant, record=record)
            listed_on.append((frozenset(gaps), rec.topic))
            # The card listing a possible unseen item 9 answer in full is at least a warning.
            rec = dataclasses.replace(rec, indicator=raised(rec.indicator, gaps))
        if rec.indicator is not Indicator.INFO:
            warned.update(gaps)
        out.append(dataclasses.replace(rec, detail=cards.join_sections(rec.detail, block)))
    aged_out = _aged_out(record, score_window_days)
    unreported = [
        g
        for g in record.gaps_in(*_DECISIVE)
        if g not in reported
        and g.cause is not GapCause.NOT_PROVIDED
        and g not in unconfirmed
        and g not in washout_unchecked
        and g not in aged_out
    ]
    # A safety lab under a local code only, where a drug on this screen is judged by it (a sodium
    # beside venlafaxine at 78: review s24 RM finding 2), or one read without a value (s29 RL
    # finding 2), is as decisive: no other card says it, or only an info card does.
    unreported.extend(
        [g for g in unread_lab_gaps.decisive(record) if g not in warned and g not in quiet]
    )
    # Whatever their domain, and even beside a hidden card: the card is the only place they are.
    unreported.extend([g for g in record.gaps if g in unconfirmed or g in washout_unchecked])
    for i in own:
        # The other gaps it lists as before (a whole domain not provided, a gap another card
        # carries): on the report every gap is named once.
        listed = [g for g in shown_gaps(record.gaps) if g not in quiet and g not in unreported]
        if listed:
            out[i] = dataclasses.replace(
                out[i],
                detail=cards.join_sections(
                    out[i].detail,
                    section(listed, antidepressant=antidepressant, record=record),
                ),
            )
    if unconfirmed:  # an MAOI order of unconfirmed subject, named on the optimise card
        out = unconfirmed_subject.on_optimise(out, tuple(unconfirmed), record)
    if (
        unreported
        and not _conditions_without_effect(record, unreported)
        and not all(g in plain for g in unreported)
    ):
        out.append(data_quality_card(record, unreported, antidepressant=antidepressant))
    if drafts:
        out = with_unidentified_drafts(out, drafts, record)
    shown = cards.ordered(out)
    if unreported and unconfirmed_signal.summary(unconfirmed):
        # A possible suicide signal of unconfirmed subject (review 17 recheck R1) is read before
        # the pathway cards, right after the critical ones: a warning by its indicator (the
        # subject is not confirmed), a safety question by what it asks.
        return _signal_first(shown)
    return shown


def _signal_first(shown: tuple[Recommendation, ...]) -> tuple[Recommendation, ...]:
    """`shown` with the data-quality card moved to follow the critical cards."""
    card = next((r for r in shown if r.topic == TOPIC), None)
    if card is None:
        return shown
    rest = [r for r in shown if r is not card]
    at = sum(1 for r in rest if r.indicator is Indicator.CRITICAL)
    return (*rest[:at], card, *rest[at:])


def _aged_out(record: PatientRecord, window_days: int | None) -> frozenset[DataGap]:
    """The score results that could not be read dated before the item-9 window (review s27 RQ2
    finding 3: a PHQ-9 panel whose answers did not come, or a total of status registered, of
    17 months ago raised "1 rating-scale result could not be read ... A suicide-risk answer in
    it would not be reflected" on every chart open, while a known item 9 = 2 of the same day
    raises no card: past policy.suicide_unassessed_item9_days an answer is no current signal).
    What such a gap may hide is a suicide-risk answer (the lead says so) or a total of a course
    long judged by the scores read since; a card resting on scores still lists it in its "Data
    not read" block. Only a dated gap: an undated one may be today's."""
    if window_days is None:
        return frozenset()
    start = record.as_of - timedelta(days=window_days)
    return frozenset(
        g
        for g in record.gaps_in(DataDomain.SCORES)
        if g.date is not None and g.date < start and g.reason != SUBJECT_UNCONFIRMED
    )


def _conditions_without_effect(record: PatientRecord, gaps: Sequence[DataGap]) -> bool:
    """Whether the gaps are conditions only, at an order of drugs no diagnosis could change a
    card for (data_gap_section.conditions_matter_at: lisinopril, checked against the medications
    alone). Then the data-quality card was noise (audit 17 M3: "Conditions may be incomplete" at
    a lisinopril draft): behavioural-health diagnoses are what consent rules withhold, so it
    would stand on every order of every drug. The withheld diagnoses stay named on the chart's
    patient-view cards, which rest on them (data/topic_data.csv)."""
    return (
        bool(record.draft_orders)
        and all(g.domain is DataDomain.CONDITIONS and g.source is None for g in gaps)
        and not any(conditions_matter_at(d) for d in record.draft_orders)
    )


def _pointer(owner: str, gaps: Sequence[DataGap] = ()) -> str:
    """The line a card gives instead of a gap block a card before it lists in full."""
    where = tables.topic(owner).display
    if gaps and all(g.reason == ANOTHER_PATIENT for g in gaps):
        return f"**Excluded** (another patient's records): listed on the {where} card."
    return f"**Data not read** (the conclusion may change once it is): listed on the {where} card."


def _acted_on_after_today(record: PatientRecord) -> frozenset[DataGap]:
    """The "dated after today" gaps of the PHQ-9s whose item 9 the suicide-risk card acts on
    (PatientRecord.after_today_item9): that card names the PHQ-9 with its date as suspect and
    says its total is counted in no outcome, so no card lists it as "could not be read" (audit 15
    W3: the same Observation was both acted on and "not read"). A total and its item 9 are
    separate Observations of one date; the gap carries its date only in `stated`, so the gaps of
    that date are matched: a result of another scale filed on the same wrong date is rare, and
    the card's Found line points to that date in the chart."""
    if not record.after_today_item9:
        return frozenset()
    days = {f"dated {s.date.isoformat()}" for s in record.after_today_item9}
    return frozenset(
        g
        for g in record.gaps
        if g.domain is DataDomain.SCORES and g.reason == DATED_AFTER_TODAY and g.stated in days
    )


def _unread_scales_without_effect(record: PatientRecord) -> frozenset[DataGap]:
    """The results named another depression scale that were not read (fhir_mapping/
    scale_lookalike.py) when none of them could change a conclusion. Another scale is read only
    where the PHQ-9 is missing: it documents the TMS severity when no PHQ-9 total is on record
    (services/tms_severity.py), and judges a course with no PHQ-9 on treatment
    (fhir_mapping/score_windows.py). So they matter while no PHQ-9 total is on record, or while
    a course's outcome is not a PHQ-9 pair (judged on another scale, or not measured: an unread
    MADRS may be its outcome). Otherwise every conclusion rests on PHQ-9 totals, and listing
    them on each card would be noise."""
    unread = [g for g in record.gaps if unread_scale(g) is not None]
    if not unread:
        return frozenset()
    latest = record.latest_phq9()
    if latest is None or latest.value is None:
        return frozenset()
    if any(t.outcome_scale != "PHQ-9" or t.outcome_unmeasured for t in record.trials):
        return frozenset()
    return frozenset(unread)


# --- PHQ-9s the service could not recognise --------------------------------------------------------


def unrecognised_phq9_text(gaps: Sequence[DataGap], *, short: bool = False) -> str:
    """ "6 observations named PHQ-9 use codes this service does not know (a site code can be
    configured)": what `unrecognised_phq9` found, counted by kind, with what would fix it.
    `short`: "6 observations named PHQ-9 use unknown codes", for a card summary."""
    responses = sum(1 for g in gaps if g.reason in UNRECOGNISED_PHQ9_RESPONSES)
    observations = len(gaps) - responses
    if short:
        counted = " and ".join(
            _count(n, noun)
            for n, noun in ((observations, "observation"), (responses, "questionnaire response"))
            if n
        )
        verb = "uses" if len(gaps) == 1 else "use"
        what = "codes" if not responses else "forms" if not observations else "codes or forms"
        what = "an unknown form" if what == "forms" and len(gaps) == 1 else f"unknown {what}"
        return f"{counted} named PHQ-9 {verb} {what}"
    if not responses:
        verb = "uses" if observations == 1 else "use"
        return (
            f"{_count(observations, 'observation')} named PHQ-9 {verb} codes this service does "
            "not know (a site code can be configured)"
        )
    verb = "uses" if len(gaps) == 1 else "use"
    if not observations:
        return (
            f"{_count(responses, 'questionnaire response')} named PHQ-9 {verb} a form this "
            "service does not know (its items can be mapped in the site configuration)"
        )
    return (
        f"{_count(observations, 'observation')} and {_count(responses, 'questionnaire response')} "
        "named PHQ-9 use codes or forms this service does not know (a site code can be configured)"
    )
