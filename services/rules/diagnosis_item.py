"""One line of the diagnosis review card (`Item`: its summary words, its detail bullet, and
whether it is said only, or reviewed alongside escalation), and how a line names a finding on
record (`_finding_ref`: display, code and onset).

Apart from diagnosis_review.py because the psychiatric lines (diagnosis_psychiatric.py), the
medical lines (diagnosis_medical.py) and the card itself all build on it; `_finding_ref` keeps its
name (tests call it through diagnosis_review, which re-exports it).
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.lab_status import shown as status_shown
from fhir_mapping.record import Finding, LabResult
from services import bipolar_findings


@dataclass(frozen=True, slots=True)
class Item:
    short: str  # for the summary
    text: str  # markdown bullet for the detail
    # Said in the detail only: never in the summary, never a reason for a warning or a card of
    # its own (a substance use disorder in remission: review 7 finding 8).
    info: bool = False
    # A contributor to review alongside escalation, not a reason to settle before it: the
    # optimise card's adjuncts stay one click beside it, so a summary of such items alone says
    # "alongside", never "before escalating" (review 14 audit s01). `named`: how the summary
    # names it, longest first (`short` when empty); `subject`: what the summary asks to review.
    alongside: bool = False
    named: tuple[str, ...] = ()
    subject: str = ""
    # A lab contributor corrected alongside any change of treatment (low vitamin D:
    # data/contributor_timing.csv): it holds nothing and asks nothing urgent, so a card of such
    # lines alone, or with a missing TSH, is information, as the missing-TSH line alone is (audit
    # 15 M11). An active substance use disorder, also "alongside", keeps the card a warning: it
    # asks for treatment or referral (CANMAT 2023 para 181).
    minor: bool = False
    # The line already says no TSH is within the look-back (hypothyroidism on replacement with no
    # recent TSH, review 17 W1): the card's own missing-TSH line would say it twice; its "Order
    # TSH" suggestion stays.
    says_tsh_missing: bool = False
    # The lab test the line asks to draw (a test of data/order_codes.csv: "free-t4", "folate"),
    # offered as an "Order ..." suggestion on the card (review 17 second recheck M6, M7: a line
    # asking for a free T4 or a repeat folate had nothing to order it with); "" when none.
    order: str = ""
    # What the line asks, without the finding it rests on (the alcohol lines: "Substance use
    # disorders are associated with poor response ..."): another card that names the finding
    # can carry it as a line of its own (rules/alcohol_once.py, review s24 RN finding 7); ""
    # for a line no other card carries.
    advice: str = ""
    # What a step held for this line waits for, as a summary says it ("check free T4": the TMS
    # card's "check free T4 first, then consider TMS referral", cards45 item 3); "" names the
    # finding itself ("review TSH high 12": diagnosis_review.review_words).
    step: str = ""
    # How a held step's summary names the finding when shorter than `short` ("low B12", where
    # the diagnosis review's own summary says "low B12 150 on 2026-10-19": labs71 finding 5);
    # "" names it by `short`. The held summaries carry item 9 and trial counts beside it.
    held: str = ""


def _finding_ref(finding: Finding) -> str:
    # A manic reaction is a dated event, "on" its day; a diagnosis is present "since" its onset.
    when = bipolar_findings.when_word(finding)
    onset = f", {when} {finding.onset_text}" if finding.onset else ""
    return f"{finding.display} ({finding.coding}{onset})"


def lab_number(lab: LabResult) -> str:
    """ "8", or "<0.01" for a bound (a valueQuantity.comparator, or text such as "<0.01": review
    s28 RJ finding 2), so a line never states a bound as the value; "" with no value."""
    if lab.value is None:
        return ""
    return f"{lab.comparator or ''}{lab.value:g}"


def status_note(lab: LabResult) -> str:
    """ " (preliminary)" for a result read before it is final (LabResult.status), "" else: said
    beside its value wherever a line names it, as the results it may still change."""
    return f" ({status_shown(lab.status)})" if lab.status else ""
