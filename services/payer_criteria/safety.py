"""The `contraindications` (the TMS safety screen) and `concurrent` (drugs that must not run
alongside) criteria."""

from __future__ import annotations

from fhir_mapping.record import DataDomain, GapCause
from services.pathway import finding_line
from services.payer_criteria.findings import finding_names, findings_of
from services.payer_criteria.inputs import Inputs
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged
from services.unattributed_screen import unattributed

# Where the contraindication screen looks, and what a card calls each list when it is missing.
_SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)


def evaluate_contraindications(c: Criterion, x: Inputs) -> CriterionResult:
    record, facts = x.record, x.facts
    found = findings_of(c.findings, record)
    if found:
        return judged(c, CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    # Every list read (most charts): none missing, none to look for (issue 14).
    missing = (
        [name for domain, name in _SCREENED if record.unavailable(domain)] if record.gaps else []
    )
    # A record left out for its subject may be this patient's implant (fix tms58, K63a 10).
    unread = [s for d, _ in _SCREENED if (s := unattributed(record, d))] if record.gaps else []
    if c.cautions == "screen" and facts.tms_cautions:
        items = tuple(finding_line(f) for f in facts.tms_cautions)
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (f"none of: {finding_names(c.findings)}", *(f"to screen: {i}" for i in items)),
            to_document="the TMS safety screen's clearance of "
            + ", ".join(f.display or f.code for f in facts.tms_cautions),
        )
    if missing or unread or x.unseen(c.kind):
        lists = ", ".join(missing) or (_incomplete_parts(x) if x.unseen(c.kind) else "")
        why = "; ".join([f"{lists} not available"] * bool(lists) + unread)
        return judged(
            c,
            CriterionStatus.NOT_AVAILABLE,
            # Worded as to confirm, not as a clearance (audit 17 W7: "none of: seizure
            # disorder ... recognised" beside a withheld problem list read as one).
            (f"to confirm, not ruled out ({why}): {finding_names(c.findings)}",),
        )
    return judged(c, CriterionStatus.MET, (f"none of: {finding_names(c.findings)}",))


def _incomplete_parts(x: Inputs) -> str:
    """What of the screened lists could not all be seen, as the gap lines name it (audit 15 W4:
    an `observations` Bundle cut short said "part of the condition, procedure or device list",
    though only the pregnancy status, read from Observations, was incomplete). A gap's reason
    opens with the feed it is about (fhir_mapping/gap_feeds.py `_feed_words`): a named part of a list
    ("pregnancy status (Observation)") is said as "pregnancy status, read from Observations,", the
    list's own resources as "part of the condition list"."""
    parts: list[str] = []
    for domain, name in _SCREENED:
        for gap in x.record.gaps:
            if gap.domain is domain and gap.cause is not GapCause.LEFT_OUT:
                feed = gap.reason.partition(": ")[0]
                what, named, kind = feed.partition(" (")
                parts.append(
                    f"{what}, read from {kind.rstrip(')')}s," if named else f"part of the {name}"
                )
    return ", ".join(dict.fromkeys(parts)) or "part of the condition, procedure or device list"


def evaluate_concurrent(c: Criterion, x: Inputs) -> CriterionResult:
    running = [t for t in x.record.trials if t.ongoing and t.ingredient.lower() in c.ingredients]
    if running:
        return judged(
            c,
            CriterionStatus.NOT_MET,
            tuple(f"{t.ingredient} since {t.start.isoformat()} (ongoing)" for t in running),
        )
    if x.unseen(c.kind):
        return judged(c, CriterionStatus.NOT_AVAILABLE, ("medication list not available in full",))
    return judged(c, CriterionStatus.MET, (f"no {' or '.join(c.ingredients)} running",))
