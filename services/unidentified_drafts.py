"""A draft order whose drug could not be identified, said at the order (review 15 U2).

A draft MedicationRequest that names its drug only by a `medicationReference` the service could
not resolve (not in draftOrders, not in the prefetch, not readable from the FHIR server, no
display), or by a Medication or concept with no name and no standard drug code, could be anything:
sertraline drafted beside a running phenelzine gave a quiet `{"cards": []}`. None of the order
checks could run on it (MAOI washout, interactions, dose range, an earlier failed trial,
contraindications, intolerances), so the order hook says so on a `data-quality` card (warning)
naming each draft, whatever other cards the hook gives: it is the order being written, not a
record of the past, so it is not folded into the other cards' "Data not read" lines.

When an MAOI (phenelzine, tranylcypromine, linezolid, IV methylene blue: services/washout.py) is
running, stopped within its washout, or on this same order, the unknown drug is dangerous precisely
because of it (review 15 recheck W-b): most antidepressants, serotonergic opioids, dextromethorphan
and sympathomimetic stimulants must not meet it, and the prescriber may not be the one who started
it. The card then names the MAOI and is critical (the severity of the MAOI check it stands in
for), and cannot be snoozed: the drafts are new every time.

The mapping marks these gaps (fhir_mapping/draft_medication.py); this module words them.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from fhir_mapping.draft_medication import UNIDENTIFIED_DRAFT
from fhir_mapping.record import DataGap, PatientRecord, Role
from services import cards, draft_tapers, drug_names, washout
from services.order_statement import with_statement
from services.recommendation import Indicator, Recommendation
from services.washout_state import stop_recorded, stop_said
from services.washout_table import table as washout_rows
from services.washout_words import kind_label

TOPIC = "data-quality"
# What the order hooks check on an identified draft (services/order_hooks.py): what was not done.
_CHECKS = (
    "MAOI washout, interactions with the drugs running now, dose range, an earlier failed "
    "trial, contraindications and intolerances"
)


# What an unidentified drug is taken to be for the MAOI question: an antidepressant with no
# washout row, which washout_table.row_for reads as serotonergic with the 2-week interval of CPS
# 2023 Table 5 (the safer guess), so the MAOIs found are those the MAOI order check would meet.
_UNKNOWN_DRUG = "unidentified drug"
# How the detail names the kinds an MAOI must not meet (data/maoi_washout.csv `kind`), in order;
# the drugs of each are the table's rows.
_KIND_WORDS = (
    ("opioid", "serotonergic opioids"),
    ("antitussive", "dextromethorphan products"),
    ("stimulant", "sympathomimetic stimulants"),
)


def with_unidentified_drafts(
    recommendations: Sequence[Recommendation],
    gaps: Sequence[DataGap],
    record: PatientRecord | None = None,
) -> list[Recommendation]:
    """`recommendations` with the unidentified drafts `gaps` said: at the top of the data-quality
    card when there is one (cards.merged), else on a card of their own. `record`: the chart, to
    name an MAOI running, within its washout or on the same order (critical then)."""
    if not gaps:
        return list(recommendations)
    refs = list(dict.fromkeys(_ref(g) for g in gaps))
    maois = _maoi_conflicts(record) if record is not None else []
    card = dataclasses.replace(
        cards.make(
            TOPIC,
            summary=_maoi_summary(refs, maois[0]) if maois else _summary(refs),
            detail=cards.join_sections(_maoi_section(maois), _section(gaps))
            if maois
            else _section(gaps),
            indicator=Indicator.CRITICAL if maois else None,
            # Answered once for these drafts, not repeated at order-sign (order cards' keys).
            dedupe_key=",".join(f"{r}:{TOPIC}:unidentified" for r in refs),
        ),
        # A snooze of the chart's data-quality card (another record it could not read) must not
        # hide an order nobody could check: the card rests on these drafts.
        evidence_key=_fingerprint(refs),
        # Beside an MAOI it stands in for the MAOI check, which is never snoozed (topics.csv
        # order-maoi-interaction).
        topic_snoozable=not maois,
    )
    # Its key ends with the fingerprint of what it states: an answer given before an MAOI was
    # on record (an information card) does not hide the critical card an MAOI makes of it
    # (review 18b U2, services/order_statement.py).
    card = with_statement(card)
    out = list(recommendations)
    for i, rec in enumerate(out):
        if rec.topic == TOPIC:
            # Merged, the drafts first: the card now speaks for these drafts and the other
            # card's statements, so an answer or a snooze given to either alone (its dedupe or
            # evidence key) hides neither (cards.merged).
            out[i] = cards.merged(card, rec)
            return out
    out.append(card)
    return out


def _maoi_conflicts(record: PatientRecord) -> list[washout.Conflict]:
    """The MAOIs an unidentified antidepressant drafted now would meet, as the MAOI order check
    finds them (washout.conflicts_for): running, stopped within the interval an antidepressant
    needs after it, or on this same order."""
    # A running MAOI halted on this order ends today (review s27 RD finding 1).
    drafts = [*record.draft_orders, *draft_tapers.stops_running(record)]
    return washout.conflicts_for(_UNKNOWN_DRUG, Role.ANTIDEPRESSANT, record, drafts=drafts)


def _maoi_state(c: washout.Conflict, name: str) -> str:
    """ "Phenelzine (MAOI) is running", "... is on this same order", "... was stopped 5 days ago
    (14-day washout, until 2025-06-11)", `name` the MAOI as shown with its label; an end not
    recorded as a stop as washout_state.stop_said words it (fix maoi56, as wash66 did for the
    other MAOI cards): "phenelzine (MAOI) supply ran out 5 days ago (14-day washout, ...)"."""
    start = c.earliest_start
    if c.old.on_order:
        return f"{name} is on this same order"
    if start is None:
        # Its start named, so no resource id is needed to find it (review 19 b01s).
        return f"{name} is running" + (f" (since {c.old.start.isoformat()})" if c.old.start else "")
    washout_left = f"({c.days}-day washout, until {start.isoformat()})"
    if stop_recorded(c.old):
        return f"{name} was stopped {c.days_off()} ago {washout_left}"
    return f"{stop_said(c.old, name, f'{c.days_off()} ago')} {washout_left}"


def _maoi_summary(refs: Sequence[str], c: washout.Conflict) -> str:
    name = drug_names.shown(c.old.ingredient)
    head = _maoi_state(c, f"{name} ({kind_label(c.old.row)})")
    drafted = "a drafted drug" if len(refs) == 1 else f"{len(refs)} drafted drugs"
    return cards.fit_summary(
        f"{head[:1].upper()}{head[1:]}: an antidepressant drafted now could be contraindicated; "
        f"identify the drug before signing",
        f"{head[:1].upper()}{head[1:]}: {drafted} not identified; identify before signing",
        f"{drug_names.shown_first(c.old.ingredient)} ({kind_label(c.old.row)}): drafted drug "
        "not identified; identify it before signing",
    )


def _must_not_meet() -> str:
    """ "serotonergic opioids (tramadol, meperidine, ...), dextromethorphan products (...) and
    sympathomimetic stimulants (...)", from the MAOI washout table."""
    rows = washout_rows()
    parts = []
    for kind, words in _KIND_WORDS:
        names = [drug_names.shown(n) for n, r in rows.items() if r.kind == kind]
        if names:
            parts.append(f"{words} ({', '.join(names)})")
    return ", ".join(parts[:-1]) + f" and {parts[-1]}" if len(parts) > 1 else "".join(parts)


def _maoi_section(conflicts: Sequence[washout.Conflict]) -> str:
    lines = []
    for c in conflicts:
        cite = "" if c.old.on_order else cards.record_cite(c.old.source, c.old.start is not None)
        name = f"{drug_names.shown(c.old.ingredient)} ({kind_label(c.old.row)})"
        state = _maoi_state(c, name)
        lines.append(f"- {state[:1].upper()}{state[1:]}{cite}")
    return "\n".join(
        [
            "**An MAOI is on record, and the drafted drug is not known**: most antidepressants "
            f"(serotonergic or noradrenergic), {_must_not_meet()} must not be taken with it "
            "(serotonin syndrome or a hypertensive crisis; CPS 2023 Table 5, Keks et al. 2016). "
            "The order could be one of them: identify the drug (its name or RxNorm code on the "
            "order) before signing, so that the MAOI check can run.",
            *lines,
        ]
    )


def _fingerprint(refs: Sequence[str]) -> str:
    """The drafts' evidence fingerprint, hashed as services/screen.py `pairs_key` hashes its
    items (not imported from there: screen -> pathway -> ... -> data_gaps is a cycle)."""
    material = "\n".join(sorted({f"unidentified-draft {r}" for r in refs}))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _ref(gap: DataGap) -> str:
    return str(gap.source) if gap.source is not None else "a draft MedicationRequest with no id"


def _why(gap: DataGap) -> str:
    return gap.reason.removeprefix(UNIDENTIFIED_DRAFT).lstrip(": ") or "no reason given"


def _summary(refs: Sequence[str]) -> str:
    if len(refs) == 1:
        return cards.fit_summary(
            f"Drafted order {refs[0]}: drug not identified, so no MAOI, interaction or dose "
            "check was made",
            "Drafted order's drug not identified: no MAOI, interaction or dose check was made",
        )
    return cards.fit_summary(
        f"{len(refs)} drafted orders' drugs not identified: no MAOI, interaction or dose check "
        "was made on them"
    )


def _section(gaps: Sequence[DataGap]) -> str:
    lines = [f"- {_ref(g)}: {_why(g)}" for g in gaps]
    return "\n".join(
        [
            "**Drafted medication not identified**: the decision support could not tell which "
            f"drug is being ordered, so none of its order checks were made ({_CHECKS}). Check "
            "the drug on the order against the medications the patient takes now before "
            "signing.",
            *lines,
        ]
    )
