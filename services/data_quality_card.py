"""The `data-quality` card (issue 10: never silent), raised by data_gaps.annotate when gaps that
could hide a card on their own (medications, scores, diagnoses) are carried by no other card. Its
summary counts what could not be read, or names a record whose subject is not confirmed as this
patient (review 17 U1), a patient record merged into another (review 17 M6) or another patient's
records excluded (review 17 M7); its basis is the chart's data, not a guideline.

Apart from data_gaps.py because it is the card's wording alone: which gaps reach it is
annotate's decision.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from fhir_mapping.draft_medication import DraftReport, draft_report, drafts_only
from fhir_mapping.fill_order_drug import from_order
from fhir_mapping.gap_counts import counted
from fhir_mapping.gaps import (
    ANOTHER_PATIENT,
    PREGNANCY_SUBJECTS,
    SUBJECT_UNCONFIRMED,
    is_record_status,
    record_status,
    subject,
)
from fhir_mapping.lab_lookalike import unread_lab
from fhir_mapping.record import DataDomain, DataGap, PatientRecord
from services import cards, unconfirmed_signal, unconfirmed_subject, unidentified_running
from services.data_gap_section import (
    SENT_OR_FETCHED,
    bipolar_not_ruled_out,
    item9_unseen,
    section,
    self_harm_unseen,
)
from services.recommendation import Indicator, Recommendation

TOPIC = "data-quality"


def data_quality_card(
    record: PatientRecord, gaps: Sequence[DataGap], *, antidepressant: bool = False
) -> Recommendation:
    # The Patient record's own status is no resource left unread (fix 19a): never counted.
    # A fill read with its order's drug (fill_order_drug.py) was read: never counted as left.
    resources_left = [
        g for g in gaps if g.source is not None and not is_record_status(g) and not from_order(g)
    ]
    read_from_order = [g for g in gaps if from_order(g)]
    if read_from_order and len(read_from_order) == len(gaps):
        n = len({g.source for g in read_from_order})
        head = f"{n} fill{'' if n == 1 else 's'} read as the drug {'its' if n == 1 else 'their'} order names"
        summary = f"{head}: {'its' if n == 1 else 'their'} own medication could not be read"
    elif resources_left:
        # Counted by the noun a card says (a partner drug's record is a medication record too),
        # an order and its fills as one medication (gap_counts.py).
        head = f"{counted(resources_left)} could not be read"
        one = len({g.source for g in resources_left}) == 1
        summary = f"{head}: this chart was judged without {'it' if one else 'them'}"
        # At an MAOI or interacting draft, the check it leaves incomplete (review 18a M1).
        summary = unidentified_running.summary(gaps, record) or summary
    else:
        # What may be missing by what it is ("scores and pregnancy status"), never "conditions"
        # when only the Observations carrying a pregnancy status were cut (audit 16 W6).
        named = sorted({subject(g) for g in gaps}, key=lambda n: (n in PREGNANCY_SUBJECTS, n))
        head = f"{' and '.join(named).capitalize()} may be incomplete"
        summary = _incomplete_summary(head, gaps)
        # The order being written was not checked as sent: said first (review s27 RD finding 4).
        summary = _DRAFT_SUMMARIES.get(_draft_kind(gaps) or "", summary)
    lead = _lead(gaps)
    indicator: Indicator | None = None
    # PHQ-9 results of unconfirmed subject that would be no signal are listed as any score gap,
    # never the card's subject (review 17 second recheck M1; unconfirmed_signal.no_signal).
    plain = unconfirmed_signal.no_signal(gaps)
    unconfirmed = [g for g in gaps if g.reason == SUBJECT_UNCONFIRMED and g not in plain]
    if unconfirmed:
        summary, head = unconfirmed_subject.summary(unconfirmed, record), ""
        # The general lead's "a suicide-risk answer, a failed trial ..." does not fit one order
        # of unconfirmed subject (audit 17 M1): said only beside other gaps.
        alone = len(unconfirmed) == len(gaps)
        # The MAOI example only where a medication record is among them (review 17 second
        # recheck M1: it stood under a PHQ-9).
        own = UNCONFIRMED_LEAD if _medications(unconfirmed) else UNCONFIRMED_OTHER_LEAD
        lead = own if alone else own + " " + lead
        signal = unconfirmed_signal.summary(unconfirmed)
        conflicts = unconfirmed_subject.draft_conflicts(unconfirmed, record)
        if conflicts and not signal:
            # A drafted drug an MAOI of unconfirmed subject would forbid (review 17 second
            # recheck W2): the draft line says what the general lead says, for this draft;
            # critical (unconfirmed_subject's docstring says why).
            lead = unconfirmed_subject.draft_line(conflicts)
            lead = lead if alone else cards.join_sections(lead, _lead(gaps))
            indicator = Indicator.CRITICAL
        # A possible suicide signal among them leads the card (review 17 recheck R1); the
        # general lead only when more than the scores is of unconfirmed subject (it said the
        # reason twice: review 17 second recheck M1).
        if signal:
            summary = signal
            scores_only = all(g.score is not None for g in unconfirmed)
            line = unconfirmed_signal.detail_line(unconfirmed)
            if conflicts:
                line = cards.join_sections(line, unconfirmed_subject.draft_line(conflicts))
                indicator = Indicator.CRITICAL
            lead = line if scores_only and alone else cards.join_sections(line, lead)
    elif (status := record_status(gaps)) is not None:
        # Review 17 M6: merged into another record, or inactive with no link to the one in use;
        # inactive and linked by seealso, refer or replaces (review 19 E2): the record named.
        head, means = status
        summary = cards.fit_summary(f"{head}: {means}", head)
    elif all(g.reason == ANOTHER_PATIENT for g in gaps):
        summary = cards.fit_summary(
            f"{counted(resources_left) if resources_left else 'Records'} of "
            f"another patient among {SENT_OR_FETCHED}: excluded, never read for this patient",
            f"Another patient's records among {SENT_OR_FETCHED}: excluded, never read for this "
            "patient",
        )
        head = ""
        lead = EXCLUDED_LEAD
    if indicator is None and unidentified_running.maoi_drafted_beside(gaps, record):
        indicator = Indicator.CRITICAL  # a washout check that could not run (review 18a M1)
    if head and antidepressant and bipolar_not_ruled_out(gaps):
        # At an antidepressant order with no other card, this card is the one warning: its
        # summary says the risk, for the clinician who reads summaries only (the safer choice:
        # the draft is exactly when a hidden bipolar diagnosis matters).
        summary = cards.fit_summary(
            f"{head}: a bipolar diagnosis cannot be ruled out before an antidepressant", summary
        )
    if indicator is None and (item9_unseen(gaps) or self_harm_unseen(gaps)):
        indicator = Indicator.WARNING  # a PHQ-9 item 9 answer may be among them (session 21 RCM)
    detail = cards.join_sections(lead, section(gaps, antidepressant=antidepressant, record=record))
    # Its basis is the chart's data, not a guideline (audit 16 W6: the card cited CANMAT).
    source = dataclasses.replace(cards.source_for(TOPIC), label=DATA_SOURCE, url=None)
    card = cards.make(TOPIC, summary=summary, detail=detail, source=source, indicator=indicator)
    return dataclasses.replace(card, evidence_key=gaps_key(gaps))


def gaps_key(gaps: Sequence[DataGap]) -> str:
    """The card's own snooze fingerprint: every gap it lists (what, why, which resource, what it
    states). Review 18b W1: a snooze of "1 medication record could not be read" hid a second
    unreadable record (README "never silent": it may be an MAOI); a new gap is a new key, and
    the card is back. A gap with no resource id is told apart by what it states and its date.
    Each gap counts, twins too (two id-less records). Hashed as services/screen.py `pairs_key`
    hashes (not imported from there: screen -> pathway -> ... -> data_gaps is a cycle)."""
    items = sorted(
        "|".join(
            (
                g.domain.value,
                g.reason,
                str(g.source) if g.source is not None else "no id",
                "whole" if g.whole_domain else "",
                g.stated,
                g.date.isoformat() if g.date is not None else "",
                ",".join(g.taken_now + g.drugs),
            )
        )
        for g in gaps
    )
    return hashlib.sha256("\n".join(items).encode("utf-8")).hexdigest()[:16]


def _medications(gaps: Sequence[DataGap]) -> bool:
    return any(g.domain in (DataDomain.MEDICATIONS, DataDomain.PARTNER_DRUGS) for g in gaps)


# What a gap of each kind may hide from every card, as the lead says it: only what is missing
# (audit 17 M3: "a suicide-risk answer, a failed trial or a diagnosis" was said when only the
# diagnoses were withheld). The pregnancy status is the Observations carried into the conditions
# domain (gaps.subject).
_MAY_HIDE = {
    DataDomain.SCORES.value: "a suicide-risk answer",
    DataDomain.MEDICATIONS.value: "a failed trial",
    DataDomain.PARTNER_DRUGS.value: "a drug interacting with one running",
    DataDomain.CONDITIONS.value: "a diagnosis",
    # A safety lab named under a local code only (services/unread_lab_gaps.py; review s24 RM 2).
    DataDomain.LABS.value: "a safety lab result (sodium, QTc, kidney or liver tests)",
    # An ECG whose QTc is in its text only, beside a drug judged by it (review s29 RL finding 2).
    DataDomain.QTC.value: "a long QTc",
    "pregnancy status": "a pregnancy",
    "pregnancy tests": "a pregnancy",  # the hCG tests under `labsSI` (review s29 RL finding 6)
}
_PREGNANCY_TESTS = "pregnancy tests"


def _incomplete_summary(head: str, gaps: Sequence[DataGap]) -> str:
    """ "Scores may be incomplete: the server said its answer is incomplete; check the
    chart for a suicide-risk answer": what may be missing, why (when the gaps give one cause),
    and what it may hide (review s24 RN finding 10: "this chart was judged without the missing
    part" said neither)."""
    # type_gaps writes "<feed words>: <cause>" (fhir_mapping/gaps._partial_cause).
    causes = list(dict.fromkeys(g.reason.partition(": ")[2] or g.reason for g in gaps))
    check = f"check the chart for {_may_hide(gaps)}"
    cause = f": {causes[0]}" if len(causes) == 1 else ""
    return cards.fit_summary(f"{head}{cause}; {check}", f"{head}: {check}")


def _may_hide(gaps: Sequence[DataGap]) -> str:
    """What the gaps' kinds may hide, in `_MAY_HIDE`'s order ("a suicide-risk answer or a
    pregnancy"); the three of the general case when no kind is named there."""
    # An hCG under a local code may hide a pregnancy, not a sodium (labs33 item 3).
    kinds = {_PREGNANCY_TESTS if unread_lab(g, "hcg") else subject(g) for g in gaps}
    named = [words for kind, words in _MAY_HIDE.items() if kind in kinds]
    if not named:
        named = ["a suicide-risk answer", "a failed trial", "a diagnosis"]
    return ", ".join(named[:-1]) + f" or {named[-1]}" if len(named) > 1 else named[0]


def _lead(gaps: Sequence[DataGap]) -> str:
    """ "The decision support read this chart without the data below. A diagnosis in it would
    not be reflected in any card: check it in the chart.", naming what the gaps' kinds may hide
    (`_MAY_HIDE`, in its order); the three of the general case when no kind is named there.

    The protocol layer's report of draft orders not read as sent is no chart data that may hide
    a failed trial: its own lead says which checks the order missed (review s27 RD finding 4),
    the general one follows for the other gaps."""
    kind = _draft_kind(gaps)
    rest = [g for g in gaps if not drafts_only(g)]
    if kind is not None and not rest:
        return _DRAFT_LEADS[kind]
    said = _may_hide(rest or gaps)
    general = (
        "The decision support read this chart without the data below. "
        f"{said[:1].upper()}{said[1:]} in it would not be reflected in any card: check it in the "
        "chart."
    )
    return general if kind is None else f"{_DRAFT_LEADS[kind]} {general}"


def _draft_kind(gaps: Sequence[DataGap]) -> DraftReport | None:
    """ "not-checked" when a draft order (or the order a selection names) had no order check,
    "checked-instead" when every draft was checked in place of a selection naming none, else
    None (draft_medication.draft_report)."""
    kinds = {k for g in gaps if (k := draft_report(g)) is not None}
    if "not-checked" in kinds:
        return "not-checked"
    return "checked-instead" if kinds else None


# What the order checks (services/order_hooks.py) look for on a draft, as the card says it.
_ORDER_CHECKS = (
    "an MAOI running or within its washout, a serotonergic combination, the dose range, an "
    "earlier failed trial"
)
_DRAFT_SUMMARIES: dict[str, str] = {
    "not-checked": cards.fit_summary(
        "A draft order was not checked: no MAOI, serotonergic or dose check was made on it; "
        "check that order before signing",
        "A draft order was not checked (MAOI, serotonergic, dose): check that order",
    ),
    "checked-instead": cards.fit_summary(
        "The selected order is not among the draft orders sent: every draft was checked in its "
        "place; confirm the order being signed is among them",
        "Selected order not among the drafts sent: every draft checked in its place",
    ),
}
_DRAFT_LEADS: dict[str, str] = {
    "not-checked": (
        "The order checks (" + _ORDER_CHECKS + ") were not made on the draft order named "
        "below: check that order before signing."
    ),
    "checked-instead": (
        "The order selected was not among the draft orders the EHR sent, so every draft order "
        "was checked in its place: confirm that the order being signed is among them."
    ),
}


# Review 17 U1: a record sent with this patient's data whose subject is an identifier matching
# none of this patient's. Not read (it may be someone else's), but said first and by what it is:
# if it is this patient's, an MAOI order among them is a contraindicated combination no card shows.
UNCONFIRMED_LEAD = (
    "If the record below is this patient's, the safety checks (an MAOI with a serotonergic drug, "
    "for one) did not see it: check whose it is in the chart."
)
# The same for records of unconfirmed subject that are not medications (a diagnosis, a score).
UNCONFIRMED_OTHER_LEAD = (
    "If the record below is this patient's, no card read it: check whose it is in the chart."
)
# Review 17 M7: another patient's records are an interface error, not a gap in this patient's
# data; they may have come in the request or from the EHR's FHIR server (review s21 RI finding 4).
EXCLUDED_LEAD = (
    f"{SENT_OR_FETCHED.capitalize()} from the EHR held records of another patient (an "
    "interface, proxy or FHIR server error)."
)


# The data-quality card's source: what it reports on.
DATA_SOURCE = "This chart's record as the EHR sent it (data not read)"
