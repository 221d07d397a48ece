"""The "Data not read" block a card gets (issue 10: never silent), and what decides which gaps
it lists: the data domains each card topic rests on (data/topic_data.csv; the liver tests only
when a drug on the screen has a transaminase caution), the gaps a card lists (not a kind of data
merely not provided), another patient's records apart under "Excluded", and under the lines what
a gap may hide (a later PHQ-9 item 9; a bipolar diagnosis at an antidepressant decision:
data/data_gap_lines.csv).

Apart from data_gaps.py, which decides which card carries which gaps, because the block's
wording is read and changed on its own; the data-quality card (data_quality_card.py) writes the
same block.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from fhir_mapping.gap_feeds import FEED_KINDS
from fhir_mapping.gaps import ANOTHER_PATIENT, describe, subject
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    DraftOrder,
    FindingKind,
    GapCause,
    PatientRecord,
    Role,
)
from services import cards, tables, transaminases, unidentified_running
from services.pathway_options import unverified_mark
from services.recommendation import Indicator


@cache
def topic_domains() -> dict[str, tuple[DataDomain, ...]]:
    text = resources.files("services").joinpath("data/topic_data.csv").read_text("utf-8")
    return {
        row["topic"]: tuple(DataDomain(d) for d in row["domains"].split(";") if d)
        for row in csv.DictReader(text.splitlines())
    }


def card_domains(topic: str, liver_tests: bool = True) -> tuple[DataDomain, ...]:
    """The domains a card of `topic` rests on; without the liver tests when no drug on the
    screen has a transaminase caution (`liver_tests_matter`)."""
    found = topic_domains().get(topic, tuple(DataDomain))
    if liver_tests:
        return found
    return tuple([d for d in found if d is not DataDomain.LIVER_TESTS])


def liver_tests_matter(record: PatientRecord) -> bool:
    """Whether ALT or AST could change a card: only the drugs whose label makes a raised
    transaminase their liver caution (nefazodone, duloxetine: data/transaminase_cautions.csv)
    read them. At an order hook the drafts are judged, else the running courses. A missing
    `liverTests` key on a seizure, heart or age card was noise (audit 13 finding 14)."""
    drugs = transaminases.cautions()
    if record.draft_orders:
        return any(d.ingredient in drugs for d in record.draft_orders)
    return any(t.ongoing and t.ingredient in drugs for t in record.trials)


def shown_gaps(gaps: Sequence[DataGap]) -> tuple[DataGap, ...]:
    """The gaps a card lists. A kind of data merely not provided (QuestionnaireResponse not sent,
    Observations read) is not listed on every card: the cards that would assert an absence in it
    word themselves from `record.incomplete()` ("in the data that could be read"). A domain with
    nothing provided at all is listed, and so is data whose read was tried and failed
    (GapCause.NOT_READ: a FHIR search that answered an error, an error OperationOutcome in place
    of prefetch data): the data exist and were not seen, which is never a set-up fact to keep
    quiet (review s21 RC W1: a QuestionnaireResponse search that failed lost a critical item 9
    card with nothing said)."""
    return tuple(g for g in gaps if g.cause is not GapCause.NOT_PROVIDED or g.whole_domain)


# Said under the data-gap lines when part of the rating scales could not be read (review 15
# recheck x02: a truncated `observations` search was named, but nothing said what it may hide):
# a later PHQ-9 with a positive item 9 may be among the results not read, and no card can say so.
ITEM9_NOT_RULED_OUT = (
    "A later PHQ-9 item 9 answer cannot be ruled out among the rating-scale results not read: "
    "check the chart's latest PHQ-9 before acting"
)


# The causes of a rating-scale gap whose results exist and were not seen: a search or prefetch
# that failed (NOT_READ), a Bundle whose later pages could not be read (PARTIAL). Not data merely
# not offered (NOT_PROVIDED: a set-up fact) nor one result left out (LEFT_OUT: named by itself).
_UNSEEN = frozenset({GapCause.NOT_READ, GapCause.PARTIAL})


def item9_unseen(gaps: Sequence[DataGap]) -> bool:
    """Whether `gaps` hold rating-scale results that exist and could not be read: then a PHQ-9
    item 9 answer may be among them, and the card that says so (ITEM9_NOT_RULED_OUT) is at
    least a warning (session 21 RCM: a failed QuestionnaireResponse search put it on an info
    measurement-based-care card; a suicide-item answer that may exist and was not seen is a
    safety matter, `raised`)."""
    return any(g.domain is DataDomain.SCORES and g.cause in _UNSEEN for g in gaps)


def self_harm_unseen(gaps: Sequence[DataGap]) -> tuple[DataGap, ...]:
    """The gaps of `gaps` whose visits or diagnoses exist and could not be read: an encounters
    or conditions search the EHR withheld in part (an OperationOutcome "suppressed" entry), cut
    short (a next link) or failed. Behavioural-health visits and diagnoses (an ED visit for
    self-harm, a suicidal-ideation code) are exactly what consent rules withhold (42 CFR Part 2,
    state mental-health privacy rules), so a suicide-risk finding may be among them (review K59b
    finding 4: "Visits may be incomplete" on an info TMS card, nothing said of what it hides).
    Not the pregnancy Observations in the conditions domain (`_hides_diagnosis`)."""
    return tuple(
        g
        for g in gaps
        if g.cause in _UNSEEN
        and (g.domain is DataDomain.VISITS or (_hides_diagnosis(g) and not _pregnancy_feed(g)))
    )


def _pregnancy_feed(gap: DataGap) -> bool:
    """A pregnancy-status or pregnancy-test Observation gap, whatever its cause: `subject` knows
    them by their feed and a failed search writes "<feed> could not be read: ..." (hooks47
    c_observations_error_puerperal_psychosis: a failed `observations` search read as diagnoses
    not read). No diagnosis is among them. Known by DataGap.feed_kind, set where the gap is
    made, not by its wording (fix data66 item 3)."""
    return gap.feed_kind in FEED_KINDS.values()


def raised(indicator: Indicator, gaps: Sequence[DataGap]) -> Indicator:
    """`indicator`, raised to a warning when an info card lists `gaps` that `item9_unseen` or
    that may hide a self-harm visit or diagnosis (`self_harm_unseen`). The card that lists them
    is raised, not a second card made (each gap block once per screen: audit 15 W3): it already
    says "check the chart's latest PHQ-9 before acting" or "... cannot be ruled out". The safer
    choice: a TMS referral offered as mere information beside a withheld SI diagnosis is the
    harm the suicide-risk gate exists to prevent."""
    if indicator is Indicator.INFO and (item9_unseen(gaps) or self_harm_unseen(gaps)):
        return Indicator.WARNING
    return indicator


def section(
    gaps: Sequence[DataGap],
    *,
    antidepressant: bool = False,
    record: PatientRecord | None = None,
) -> str:
    """The "Data not read" block of `gaps`. `antidepressant`: an antidepressant is ordered or
    proposed on this screen (`data_gaps._antidepressant_decision`), so a conditions gap among
    `gaps` says what it may hide at that decision (`bipolar_not_ruled_out`). `record`: at an
    order hook, its drafted drugs' label contraindications a conditions gap may hide
    (`contraindications_not_ruled_out`)."""
    excluded = [g for g in gaps if g.reason == ANOTHER_PATIENT]
    if excluded:
        unread = [g for g in gaps if g.reason != ANOTHER_PATIENT]
        block = section(unread, antidepressant=antidepressant, record=record)
        return cards.join_sections(block if unread else "", _excluded_block(excluded))
    lines = describe(gaps)
    if not lines:
        return ""
    if any(g.domain is DataDomain.SCORES and g.cause is not GapCause.LEFT_OUT for g in gaps):
        lines.append(ITEM9_NOT_RULED_OUT)
    if hiding := self_harm_unseen(gaps):
        lines.append(_gap_lines()["self-harm-not-ruled-out"].format(which=_unseen_which(hiding)))
    if antidepressant and (bipolar := bipolar_not_ruled_out(gaps)):
        lines.append(bipolar)
    if record is not None:
        lines.extend(contraindications_not_ruled_out(gaps, record))
        # At an order whose MAOI or interaction check reads the running drugs, a medication
        # record whose drug was not identified is a hole in that check (review 18a M1).
        if running := unidentified_running.line(gaps, record):
            lines.append(running)
    return "**Data not read** (the conclusion may change once it is):\n" + "\n".join(
        f"- {line}" for line in lines
    )


# Another patient's records are excluded, not "not read" (review 17 M7): no conclusion changes
# once they are read, because they never are. They may have come in the request's prefetch or
# from the EHR's FHIR server (a search that returned another patient's entries: review s21 RC
# M2), and the gap does not say which, so the heading names neither as the culprit; both are the
# EHR team's to look into.
# Where another patient's records came from, in every line that names them (the Excluded head,
# the data-quality card's summary and lead: review s21 RI finding 4, the card said "The request
# held" of records the FHIR server answered with).
SENT_OR_FETCHED = "the data sent or fetched"
EXCLUDED_HEAD = (
    f"**Excluded** (another patient's records among {SENT_OR_FETCHED} from the EHR: "
    "never read for this patient; report it to the EHR team):"
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
    return _gap_lines()["bipolar-not-ruled-out"].format(which=_which(hiding))


def contraindications_not_ruled_out(gaps: Sequence[DataGap], record: PatientRecord) -> list[str]:
    """One line per drafted drug whose label contraindications (data/drug_cautions.csv rows of
    kind `contraindication`, the rows the order's caution card reads) a conditions gap may hide:
    "Bupropion is contraindicated in seizure disorders (CPS 2023 Table 6); with a current or
    prior diagnosis of bulimia or anorexia nervosa (...): not ruled out among the withheld
    conditions; check before ordering" (audit 17 M3: at a bupropion draft only the bipolar line
    was said). A contraindication whose finding was read anyway is left out: the caution card
    names it. No conditions gap that may hide a diagnosis, no draft with such a row: none."""
    hiding = [g for g in gaps if _hides_diagnosis(g)]
    if not hiding or not record.draft_orders:
        return []
    which = _which(hiding)
    lines = []
    for ingredient in dict.fromkeys(d.ingredient.lower() for d in record.draft_orders):
        rows = [
            c
            for c in tables.drug_cautions()
            if c.ingredient == ingredient
            and c.contraindication
            and not record.context.of(FindingKind(c.finding))
        ]
        if not rows:
            continue
        # Grouped by cite, each said once after its rows; the rows' bracketed reasons ("higher
        # seizure risk") left to the caution card.
        by_cite: dict[str, list[str]] = {}
        for c in rows:
            note = _REASON.sub("", _CONTRAINDICATED.sub("", c.note))
            by_cite.setdefault(f"{c.cite}{unverified_mark(c.status)}", []).append(note)
        said = "; ".join(f"{'; '.join(notes)} ({cite})" for cite, notes in by_cite.items())
        lines.append(
            _gap_lines()["contraindications-not-ruled-out"].format(
                drug=ingredient.capitalize(), said=said, which=which
            )
        )
    return lines


# "contains bupropion: contraindicated in seizure disorders" -> "in seizure disorders": the
# line says "contraindicated" once, before the rows.
_CONTRAINDICATED = re.compile(r"^(?:[^:]*: )?contraindicated ")
_REASON = re.compile(r" \([^()]*\)$")


def _which(hiding: Sequence[DataGap]) -> str:
    """ "withheld conditions" when the EHR said it withheld results, else "conditions not read"."""
    withheld = any("withheld" in g.reason for g in hiding)
    return "withheld conditions" if withheld else "conditions not read"


def _unseen_which(hiding: Sequence[DataGap]) -> str:
    """ "withheld visits and diagnoses", "diagnoses not read" ...: what `self_harm_unseen` found,
    "withheld" when the EHR said it withheld results (as `_which`)."""
    kinds = [
        k
        for k, domain in (("visits", DataDomain.VISITS), ("diagnoses", DataDomain.CONDITIONS))
        if any(g.domain is domain for g in hiding)
    ]
    said = " and ".join(kinds)
    withheld = any("withheld" in g.reason for g in hiding)
    return f"withheld {said}" if withheld else f"{said} not read"


def conditions_matter_at(draft: DraftOrder) -> bool:
    """Whether a diagnosis could change a card at an order of this drug: a pathway drug (an
    antidepressant or adjunct: the bipolar, psychotic-features, pregnancy and contraindication
    checks), or another drug a condition table names (data/drug_cautions.csv,
    drug_disease_cautions.csv, condition_drug_rules.csv). A drug known only for its interactions
    (lisinopril beside lithium) is checked against the medications alone."""
    if draft.role is not Role.INTERACTING:
        return True
    return draft.ingredient.lower() in _condition_drugs() or (
        draft.drug_class.lower() in _condition_drugs()
    )


@cache
def _condition_drugs() -> frozenset[str]:
    """The ingredients and classes the condition tables name, lower case."""
    names: set[str] = set()
    for table, columns in (
        ("drug_cautions.csv", ("ingredient",)),
        ("drug_disease_cautions.csv", ("ingredient", "classes")),
        ("condition_drug_rules.csv", ("ingredient", "drug_class")),
    ):
        text = resources.files("services").joinpath(f"data/{table}").read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            for column in columns:
                names.update(n.strip().lower() for n in (row[column] or "").split(";") if n.strip())
    return frozenset(names)
