"""Drug-disease cautions at the order hooks (review 13 W5): angle-closure glaucoma, urinary
retention and dementia (data/drug_disease_cautions.csv).

- A tricyclic drafted with angle-closure glaucoma or an anatomically narrow angle on record
  (FindingKind.ANGLE_CLOSURE: ICD-10-CM H40.2x, H40.03x, H40.06x): a warning. Tricyclics are
  strongly anticholinergic, and the mydriasis can close a narrow angle.
- An SSRI, SNRI, bupropion (or Auvelity), mirtazapine, vortioxetine or vilazodone drafted with
  the same: information, as their labels frame it ("may trigger an angle closure attack in a
  patient with anatomically narrow angles who does not have a patent iridectomy": a precaution,
  not a contraindication). Open-angle glaucoma (H40.1x) is not this finding: the labels' warning
  is about narrow angles, and a card on every SSRI order of a patient with open-angle glaucoma
  would be noise.
- A tricyclic drafted with urinary retention or BPH with lower urinary tract symptoms on record
  (FindingKind.URINARY_RETENTION: R33.x, N40.1): a warning (AGS Beers 2023 drug-disease table;
  the tricyclic labels below 65).
- A strongly anticholinergic antidepressant (the tricyclics AGS Beers 2023 lists, paroxetine)
  drafted with dementia or cognitive impairment on record (FindingKind.DEMENTIA: G30.x, F01-F03,
  G31.84): a warning at any age (AGS Beers drug-disease table: avoid anticholinergics in
  dementia; review 16 W7, early-onset Alzheimer's at 62). The card names the diagnosis, that the
  drug works against a cholinesterase inhibitor, and antidepressants with little
  anticholinergic effect.
- An antipsychotic drafted with dementia on record (the boxed warning on mortality in elderly
  patients with dementia-related psychosis; AGS Beers 2023: avoid), or one other than
  quetiapine, clozapine and pimavanserin with Parkinson's disease (FindingKind.PARKINSON; AGS
  Beers 2023: avoid, it worsens parkinsonism): a warning at any age (review K73a findings 3, 5;
  the optimise card names them as text only: data/condition_drug_rules.csv).

At 65 and older a strongly anticholinergic drug already gets the Beers card (order_checks/
older_adults.py): the condition is then said on that card, as one more line, not on a second card
about the same anticholinergic load. Not snoozable (a safety check of one order). Only at the
order hooks: a running drug with the condition on record is a regimen someone chose, and the
optimise card's one-click raise of a running tricyclic is held instead (rules/angle_closure_hold.py).
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder, Finding, FindingKind
from services import cards
from services.card_format import record_cite
from services.order_checks import older_adults
from services.order_checks.model import OrderCheck
from services.order_checks.older_adults import TOPIC as OLDER_ADULT
from services.recommendation import Indicator
from services.rules.context import RuleContext

TOPIC = "order-drug-disease"
_WORDS = {
    FindingKind.ANGLE_CLOSURE: "angle-closure glaucoma",
    # The kind holds BPH with lower urinary tract symptoms (N40.1) beside retention (R33): a
    # summary naming the kind says both (audit 16 f04: "urinary retention" for BPH with LUTS).
    FindingKind.URINARY_RETENTION: "urinary retention or BPH",
    FindingKind.DEMENTIA: "dementia",
    FindingKind.PARKINSON: "Parkinson's disease",
}


@dataclass(frozen=True, slots=True)
class DrugDiseaseCaution:
    """One row of data/drug_disease_cautions.csv."""

    finding: FindingKind
    ingredients: frozenset[str]
    classes: frozenset[str]
    indicator: Indicator
    note: str  # what the drug does with the condition, as the card says it
    short: str  # the few words the summary prints
    action: str  # what to do
    cite: str  # the short citation the card prints
    source: str  # the long provenance: stays in the table
    status: str

    def applies(self, draft: DraftOrder) -> bool:
        return draft.ingredient.lower() in self.ingredients or draft.drug_class in self.classes


def _set(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(";") if p.strip())


@cache
def rows() -> tuple[DrugDiseaseCaution, ...]:
    text = resources.files("services").joinpath("data/drug_disease_cautions.csv")
    return tuple(
        DrugDiseaseCaution(
            finding=FindingKind(row["finding"]),
            ingredients=frozenset(i.lower() for i in _set(row["ingredient"])),
            classes=_set(row["classes"]),
            indicator=Indicator(row["indicator"]),
            note=row["note"],
            short=row["short"],
            action=row["action"],
            cite=row["cite"],
            source=row["source"],
            status=row["status"],
        )
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    )


def cautions_for(draft: DraftOrder) -> tuple[DrugDiseaseCaution, ...]:
    return tuple(r for r in rows() if r.applies(draft))


def coded_for(
    ctx: RuleContext, ingredient: str, drug_class: str | None
) -> tuple[tuple[DrugDiseaseCaution, Finding], ...]:
    """The rows of a drug (by ingredient or class) whose finding is coded, each with its latest
    finding, one per finding kind: what a running drug's card names (review 13 recheck, g2)."""
    found: list[tuple[DrugDiseaseCaution, Finding]] = []
    for row in rows():
        if ingredient.lower() not in row.ingredients and drug_class not in row.classes:
            continue
        finding = latest(ctx, row.finding)
        if finding is not None and all(r.finding is not row.finding for r, _ in found):
            found.append((row, finding))
    return tuple(found)


def words(kind: FindingKind) -> str:
    """ "angle-closure glaucoma", "urinary retention" """
    return _WORDS[kind]


def latest(ctx: RuleContext, kind: FindingKind) -> Finding | None:
    """The latest-onset finding of `kind` on record (undated last), or None."""
    found = ctx.facts.findings_of(kind)
    return max(found, key=lambda f: f.onset or date.min) if found else None


def on_record(kind: FindingKind, finding: Finding) -> str:
    """ "**Benign prostatic hyperplasia with lower urinary tract symptoms on record** (ICD-10-CM
    N40.1, since 2020-01-01, Condition/c-1)": the condition as coded leads the line, not the
    kind it is filed under (audit 16 f04: BPH with LUTS shown as "Urinary retention"); the kind's
    words when the finding has no display."""
    if not finding.display:
        return f"**{_WORDS[kind].capitalize()} on record** ({named(finding)})"
    rest = named(finding, display=False)
    return f"**{finding.display} on record**" + (f" ({rest})" if rest else "")


def named(finding: Finding, *, display: bool = True) -> str:
    """ "Primary angle-closure glaucoma, ICD-10-CM H40.20X0, since 2023-04-11" (without the
    display when `display` is False); the Condition's id only when it has no onset to name it by
    (cards.record_cite, session 20: "..., ICD-10-CM H40.20X0, Condition/c-1")."""
    parts = [finding.display if display else "", finding.coding]
    if finding.onset is not None:
        parts.append(finding.onset_phrase or "")
    parts.append(record_cite(finding.source, finding.onset is not None, "{}"))
    return ", ".join(p for p in parts if p)


def _flag(row: DrugDiseaseCaution) -> str:
    return " (UNVERIFIED)" if row.status == "UNVERIFIED" else ""


def drug_disease_check(
    ctx: RuleContext, draft: DraftOrder, by_topic: dict[str, list[OrderCheck]]
) -> OrderCheck | None:
    """The drug-disease card of one drafted drug, or None. When the Beers card already speaks
    for this draft (65 and older, in `by_topic`), its finding gets the condition lines and None is
    returned: one card about the anticholinergic load, not two."""
    found: list[tuple[DrugDiseaseCaution, Finding]] = []
    for row in cautions_for(draft):
        finding = latest(ctx, row.finding)
        if finding is not None and all(r.finding is not row.finding for r, _ in found):
            found.append((row, finding))
    if not found:
        return None
    name = draft.ingredient.capitalize()
    lines = [
        f"- {on_record(row.finding, finding)}: {name}: "
        f"{row.note} ({row.cite}{_flag(row)}). {row.action[0].upper()}{row.action[1:]}."
        for row, finding in found
    ]
    words = " and ".join(_WORDS[row.finding] for row, _ in found)
    beers = by_topic.get(OLDER_ADULT, [])
    beers_row = older_adults.beers_row(ctx, draft)
    for i, check in enumerate(beers):
        if check.draft is draft:
            # The condition leads the Beers card's summary too, not only its detail (review 13
            # recheck, W5 partly): it is the more specific danger of the same drug.
            summary = (
                older_adults.beers_summary(ctx, draft, beers_row.cite, words)
                if beers_row is not None
                else check.summary
            )
            beers[i] = dataclasses.replace(
                check,
                summary=summary,
                detail=cards.join_sections(check.detail, "\n".join(lines)),
            )
            return None
    warning = any(row.indicator is Indicator.WARNING for row, _ in found)
    first_row, first = found[0]
    summary = cards.fit_summary(
        f"{name} ordered with {words} on record ({first.code}): {first_row.short}",
        f"{name} ordered with {words} on record: {first_row.short}",
        f"{name} ordered with {words} on record",
    )
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        f"{name} and what is on record:\n\n" + "\n".join(lines),
        # The topic's indicator is a warning; the labels' precautions alone are information.
        indicator=None if warning else Indicator.INFO,
        basis=tuple(dict.fromkeys(row.cite for row, _ in found)),
    )
