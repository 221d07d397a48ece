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
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources

from fhir_mapping.draft_medication import is_unidentified_draft
from fhir_mapping.gaps import (
    ANOTHER_PATIENT,
    DATED_AFTER_TODAY,
    PATIENT_REPLACED,
    SUBJECT_UNCONFIRMED,
    describe,
    noun,
    subject,
)
from fhir_mapping.phq9_lookalike import UNRECOGNISED_PHQ9_RESPONSE
from fhir_mapping.record import DataDomain, DataGap, FindingKind, GapCause, PatientRecord, Role
from fhir_mapping.scale_lookalike import unread_scale
from services import cards, tables, transaminases, unconfirmed_signal

# Re-exported: card_evidence needs these words without importing this module (which imports
# cards, which imports card_evidence: a cycle when card_evidence is imported first).
from services.no_phq9_words import _count
from services.no_phq9_words import no_phq9_words as no_phq9_words
from services.no_phq9_words import unread_scales_text as unread_scales_text
from services.no_phq9_words import unrecognised_phq9 as unrecognised_phq9
from services.recommendation import Recommendation
from services.unidentified_drafts import with_unidentified_drafts

TOPIC = "data-quality"
# Gaps in these can hide a card on their own (a failed trial, a positive item 9, a bipolar code,
# an NSAID beside lithium: a partner drug is carried by the interaction cards alone, and when none
# is raised, by the data-quality card).
_DECISIVE = (
    DataDomain.MEDICATIONS,
    DataDomain.SCORES,
    DataDomain.CONDITIONS,
    DataDomain.PARTNER_DRUGS,
)


@cache
def topic_domains() -> dict[str, tuple[DataDomain, ...]]:
    text = resources.files("services").joinpath("data/topic_data.csv").read_text("utf-8")
    return {
        row["topic"]: tuple(DataDomain(d) for d in row["domains"].split(";") if d)
        for row in csv.DictReader(text.splitlines())
    }


def _domains(topic: str, liver_tests: bool = True) -> tuple[DataDomain, ...]:
    """The domains a card of `topic` rests on; without the liver tests when no drug on the
    screen has a transaminase caution (`_liver_tests_matter`)."""
    found = topic_domains().get(topic, tuple(DataDomain))
    if liver_tests:
        return found
    return tuple([d for d in found if d is not DataDomain.LIVER_TESTS])


def _liver_tests_matter(record: PatientRecord) -> bool:
    """Whether ALT or AST could change a card: only the drugs whose label makes a raised
    transaminase their liver caution (nefazodone, duloxetine: data/transaminase_cautions.csv)
    read them. At an order hook the drafts are judged, else the running courses. A missing
    `liverTests` key on a seizure, heart or age card was noise (audit 13 finding 14)."""
    drugs = transaminases.cautions()
    if record.draft_orders:
        return any(d.ingredient in drugs for d in record.draft_orders)
    return any(t.ongoing and t.ingredient in drugs for t in record.trials)


def _shown(gaps: Sequence[DataGap]) -> tuple[DataGap, ...]:
    """The gaps a card lists. A kind of data merely not provided (QuestionnaireResponse not sent,
    Observations read) is not listed on every card: the cards that would assert an absence in it
    word themselves from `record.incomplete()` ("in the data that could be read"). A domain with
    nothing provided at all is listed."""
    return tuple(g for g in gaps if g.cause is not GapCause.NOT_PROVIDED or g.whole_domain)


# Said under the data-gap lines when part of the rating scales could not be read (review 15
# recheck x02: a truncated `observations` search was named, but nothing said what it may hide):
# a later PHQ-9 with a positive item 9 may be among the results not read, and no card can say so.
ITEM9_NOT_RULED_OUT = (
    "A later PHQ-9 item 9 answer cannot be ruled out among the rating-scale results not read: "
    "check the chart's latest PHQ-9 before acting"
)


def section(gaps: Sequence[DataGap], *, antidepressant: bool = False) -> str:
    """The "Data not read" block of `gaps`. `antidepressant`: an antidepressant is ordered or
    proposed on this screen (`_antidepressant_decision`), so a conditions gap among `gaps` says
    what it may hide at that decision (`bipolar_not_ruled_out`)."""
    excluded = [g for g in gaps if g.reason == ANOTHER_PATIENT]
    if excluded:
        unread = [g for g in gaps if g.reason != ANOTHER_PATIENT]
        return cards.join_sections(
            section(unread, antidepressant=antidepressant) if unread else "",
            _excluded_block(excluded),
        )
    lines = describe(gaps)
    if not lines:
        return ""
    if any(g.domain is DataDomain.SCORES and g.cause is not GapCause.LEFT_OUT for g in gaps):
        lines.append(ITEM9_NOT_RULED_OUT)
    if antidepressant and (bipolar := bipolar_not_ruled_out(gaps)):
        lines.append(bipolar)
    return "**Data not read** (the conclusion may change once it is):\n" + "\n".join(
        f"- {line}" for line in lines
    )


# Another patient's records are excluded, not "not read" (review 17 M7): no conclusion changes
# once they are read, because they never are.
EXCLUDED_HEAD = (
    "**Excluded** (another patient's records in the request, never read for this patient):"
)


def _excluded_block(gaps: Sequence[DataGap]) -> str:
    return EXCLUDED_HEAD + "\n" + "\n".join(f"- {line}" for line in describe(gaps))


@cache
def _gap_lines() -> dict[str, str]:
    text = resources.files("services").joinpath("data/data_gap_lines.csv").read_text("utf-8")
    return {row["key"]: row["line"] for row in csv.DictReader(text.splitlines())}


def _hides_diagnosis(gap: DataGap) -> bool:
    """A conditions gap that may hide a diagnosis: the problem list or encounter diagnoses
    withheld, cut short or not read. Not the Observations that carry a pregnancy status into the
    conditions domain (fhir_mapping/gaps.subject): no diagnosis is among them. A domain merely
    not provided is not one either: the conditions key is required, so a request without it is
    refused (cds_hooks/runner.py, HTTP 412) and no card is ever judged without it."""
    return (
        gap.domain is DataDomain.CONDITIONS
        and gap.cause is not GapCause.NOT_PROVIDED
        and subject(gap) == DataDomain.CONDITIONS.value
    )


def bipolar_not_ruled_out(gaps: Sequence[DataGap]) -> str:
    """ "A bipolar diagnosis cannot be ruled out among the withheld conditions: check before an
    antidepressant (CANMAT 2023 para 184 ...)" when `gaps` hold a conditions gap that may hide a
    diagnosis, else "" (review 16 recheck 2 g01/g02: only the generic "a diagnosis in it would
    not be reflected" was said, at a venlafaxine draft and beside live adjunct one-clicks). The
    bipolar check at an order and the diagnosis review read the problem list: a bipolar code
    withheld from it leaves the antidepressant unopposed (ISBD 2013), the one harm worth naming.
    "withheld" when the EHR said it withheld results, "not read" otherwise."""
    hiding = [g for g in gaps if _hides_diagnosis(g)]
    if not hiding:
        return ""
    withheld = any("withheld" in g.reason for g in hiding)
    which = "withheld conditions" if withheld else "conditions not read"
    return _gap_lines()["bipolar-not-ruled-out"].format(which=which)


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
) -> tuple[Recommendation, ...]:
    """The recommendations with their gap lines, plus a data-quality card where needed. The
    gaps of `hidden` topics' cards (left off this screen: snoozed, or already answered) count as
    carried: the clinician saw them on that card, so hiding it raises no card of its own."""
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
    reported: set[DataGap] = set(quiet)
    # A record whose subject is not confirmed as this patient's (review 17 U1: an MAOI order
    # named by an identifier only) is carried by the data-quality card alone, whose summary names
    # it: a footnote on another card is not where a clinician looks for whose an order is.
    unconfirmed = frozenset([g for g in record.gaps if g.reason == SUBJECT_UNCONFIRMED])
    if unconfirmed:
        quiet = quiet.union(unconfirmed)
    for topic in hidden:
        reported.update(_shown(record.gaps_in(*_domains(topic))))
    liver = _liver_tests_matter(record)
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
        gaps = _shown(record.gaps_in(*_domains(rec.topic, liver)))
        if quiet:
            gaps = tuple([g for g in gaps if g not in quiet])
        if not gaps:
            out.append(rec)
            continue
        reported.update(gaps)
        owner = next((t for listed, t in listed_on if listed >= set(gaps)), None)
        if owner is not None and owner not in hidden:
            block = _pointer(owner, gaps)
        else:
            block = section(gaps, antidepressant=antidepressant)
            listed_on.append((frozenset(gaps), rec.topic))
        out.append(dataclasses.replace(rec, detail=cards.join_sections(rec.detail, block)))
    unreported = [
        g
        for g in record.gaps_in(*_DECISIVE)
        if g not in reported and g.cause is not GapCause.NOT_PROVIDED and g not in unconfirmed
    ]
    # Whatever their domain, and even beside a hidden card: the card is the only place they are.
    unreported.extend([g for g in record.gaps if g in unconfirmed])
    for i in own:
        # The other gaps it lists as before (a whole domain not provided, a gap another card
        # carries): on the report every gap is named once.
        listed = [g for g in _shown(record.gaps) if g not in quiet and g not in unreported]
        if listed:
            out[i] = dataclasses.replace(
                out[i],
                detail=cards.join_sections(
                    out[i].detail, section(listed, antidepressant=antidepressant)
                ),
            )
    if unreported:
        out.append(_card(record, unreported, antidepressant=antidepressant))
    if drafts:
        out = with_unidentified_drafts(out, drafts, record)
    return cards.ordered(out)


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


def _card(
    record: PatientRecord, gaps: Sequence[DataGap], *, antidepressant: bool = False
) -> Recommendation:
    resources_left = [g for g in gaps if g.source is not None]
    if resources_left:
        # Counted by the noun a card says: a partner drug's record is a medication record too.
        by_noun: dict[str, tuple[DataDomain, set[object]]] = {}
        for gap in resources_left:
            by_noun.setdefault(noun(gap.domain, 1), (gap.domain, set()))[1].add(gap.source)
        counted = " and ".join(noun(d, len(s)) for d, s in by_noun.values())
        head = f"{counted} could not be read"
        summary = f"{head}: this chart was judged without them"
    else:
        # What may be missing by what it is ("scores and pregnancy status"), never "conditions"
        # when only the Observations carrying a pregnancy status were cut (audit 16 W6).
        named = sorted({subject(g) for g in gaps}, key=lambda n: (n == "pregnancy status", n))
        head = f"{' and '.join(named).capitalize()} may be incomplete"
        summary = f"{head}: this chart was judged without the missing part"
    lead = (
        "The decision support read this chart without the data below. A suicide-risk answer, a "
        "failed trial or a diagnosis in it would not be reflected in any card: check it in the "
        "chart."
    )
    unconfirmed = [g for g in gaps if g.reason == SUBJECT_UNCONFIRMED]
    if unconfirmed:
        summary, head = _unconfirmed_summary(unconfirmed), ""
        lead = UNCONFIRMED_LEAD + " " + lead
        # A possible suicide signal among them leads the card (review 17 recheck R1).
        if signal := unconfirmed_signal.summary(unconfirmed):
            summary = signal
            lead = cards.join_sections(unconfirmed_signal.detail_line(unconfirmed), lead)
    elif any(g.reason == PATIENT_REPLACED for g in gaps):
        head = "This patient record was merged into another"
        summary = f"{head}: part of the history may be on the surviving record"
    elif all(g.reason == ANOTHER_PATIENT for g in gaps):
        summary = cards.fit_summary(
            f"The request held {counted if resources_left else 'records'} of another patient: "
            "excluded, never read for this patient",
            "The request held another patient's records: excluded, never read for this patient",
        )
        head = ""
        lead = EXCLUDED_LEAD
    if head and antidepressant and bipolar_not_ruled_out(gaps):
        # At an antidepressant order with no other card, this card is the one warning: its
        # summary says the risk, for the clinician who reads summaries only (the safer choice:
        # the draft is exactly when a hidden bipolar diagnosis matters).
        summary = cards.fit_summary(
            f"{head}: a bipolar diagnosis cannot be ruled out before an antidepressant", summary
        )
    detail = cards.join_sections(lead, section(gaps, antidepressant=antidepressant))
    # Its basis is the chart's data, not a guideline (audit 16 W6: the card cited CANMAT).
    source = dataclasses.replace(cards.source_for(TOPIC), label=DATA_SOURCE, url=None)
    return cards.make(TOPIC, summary=summary, detail=detail, source=source)


# Review 17 U1: a record sent with this patient's data whose subject is an identifier matching
# none of this patient's. Not read (it may be someone else's), but said first and by what it is:
# if it is this patient's, an MAOI order among them is a contraindicated combination no card shows.
UNCONFIRMED_LEAD = (
    "A record sent with this patient's data names its patient only by an identifier that matches "
    "none of this patient's, so it was not read. If it is this patient's, the safety checks (an "
    "MAOI with a serotonergic drug, for one) did not see it: check whose it is in the chart."
)
# Review 17 M7: another patient's records in the request are an interface error, not a gap in
# this patient's data.
EXCLUDED_LEAD = (
    "The request held records of another patient. They were excluded: nothing of them was read "
    "for this patient. Report it to the EHR team (an interface or proxy error)."
)


def _unconfirmed_summary(gaps: Sequence[DataGap]) -> str:
    """ "MedicationRequest MAOI phenelzine, active: subject not confirmed as this patient; check
    whose it is", the first such record named (its type and what it is: DataGap.stated)."""
    first = gaps[0]
    what = " ".join(
        part for part in (first.source.resource_type if first.source else "", first.stated) if part
    )
    more = f" (and {len(gaps) - 1} more)" if len(gaps) > 1 else ""
    return cards.fit_summary(
        f"{what or 'A record'}{more}: subject not confirmed as this patient; check whose it is",
        f"{what or 'A record'}{more}: subject not confirmed as this patient",
    )


# The data-quality card's source: what it reports on.
DATA_SOURCE = "This chart's record as the EHR sent it (data not read)"


# --- PHQ-9s the service could not recognise --------------------------------------------------------


def unrecognised_phq9_text(gaps: Sequence[DataGap], *, short: bool = False) -> str:
    """ "6 observations named PHQ-9 use codes this service does not know (a site code can be
    configured)": what `unrecognised_phq9` found, counted by kind, with what would fix it.
    `short`: "6 observations named PHQ-9 use unknown codes", for a card summary."""
    responses = sum(1 for g in gaps if g.reason == UNRECOGNISED_PHQ9_RESPONSE)
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
