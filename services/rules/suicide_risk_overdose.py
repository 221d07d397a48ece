"""The suicide-risk card's quantity line at order-select / order-sign (review order-hooks finding
14): a drafted drug dangerous in overdose (data/overdose_toxicity.csv: the tricyclics,
venlafaxine; MAOIs and lithium UNVERIFIED) and the means-restriction advice, limiting the
quantity supplied.

Apart from the card (suicide_risk.py) because it reads only the draft orders and its own data
table, never the risk signal; the card adds the line when a signal is open.

The same words for the running supply (review 16 M8): at patient-view, when a current self-harm
finding is an intentional overdose of a drug (data/self_poisoning_codes.csv: ICD-10-CM T36-T50
with the self-harm intent character, SNOMED 86849004), the card asks to limit the quantity of
each running antidepressant (or drug of the overdose table) supplied at a time
(`running_supply_line`): the next prescription of what the patient holds is the supply a
clinician decides. A drug the ward stopped whose home order was left open (Trial.
home_order_open, fhir_mapping/ward_stop.py; review s27 RE finding 3) is not running, but the
open order may be refilled and its tablets may be at home: the line says it once, "venlafaxine
stopped on the ward 2026-11-11; the home order is still open: reconcile".
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping import self_harm_text
from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import DraftOrder, Finding, FindingKind, PatientRecord, Role, Trial


@dataclass(frozen=True, slots=True)
class OverdoseRisk:
    """A drug dangerous in overdose (data/overdose_toxicity.csv)."""

    ingredient: str
    why: str
    status: str


@cache
def _overdose_table() -> tuple[dict[str, OverdoseRisk], str]:
    """(ingredient -> why it is dangerous in overdose, the means-restriction advice)."""
    text = resources.files("services").joinpath("data/overdose_toxicity.csv").read_text("utf-8")
    drugs: dict[str, OverdoseRisk] = {}
    advice = ""
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "advice":
            advice = row["text"]
        else:
            drugs[row["name"]] = OverdoseRisk(row["name"], row["text"], row["status"])
    return drugs, advice


def overdose_risks(drafts: Sequence[DraftOrder]) -> tuple[OverdoseRisk, ...]:
    """The drafted drugs that are dangerous in overdose, once each, in draft order."""
    drugs, _ = _overdose_table()
    found: dict[str, OverdoseRisk] = {}
    for draft in drafts:
        risk = drugs.get(draft.ingredient)
        if risk is not None:
            found.setdefault(risk.ingredient, risk)
    return tuple(found.values())


def means_restriction_line(drafts: Sequence[DraftOrder]) -> str | None:
    """The card's line about limiting the quantity of a drafted drug that is dangerous in
    overdose (review order-hooks finding 14), or None when no draft is one."""
    risks = overdose_risks(drafts)
    if not risks:
        return None
    _, advice = _overdose_table()
    named = "; ".join(
        f"{r.ingredient} is {r.why}" + (" (UNVERIFIED)" if r.status == "UNVERIFIED" else "")
        for r in risks
    )
    # The advice is a design drawn from the confirmed toxicity rows (its own guideline wording
    # was not read: the table says so); an unverified drug fact is marked on the card.
    return f"**Quantity on this order:** {named}. {advice[0].upper()}{advice[1:]}."


@cache
def _self_poisoning_codes() -> tuple[tuple[str, str, re.Pattern[str] | None], ...]:
    """(system, code, pattern) rows of data/self_poisoning_codes.csv."""
    text = resources.files("services").joinpath("data/self_poisoning_codes.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        system = canonical_system(row["system"])
        pattern = re.compile(row["code"]) if row["match"] == "pattern" else None
        rows.append((system, normalise_code(system, row["code"]), pattern))
    return tuple(rows)


def is_overdose(finding: Finding) -> bool:
    """A self-harm finding coded as an intentional overdose of a drug (T43.222A, 86849004), or
    one whose words alone state an intentional overdose or self-poisoning ("Intentional overdose
    of sertraline", fhir_mapping/self_harm_text.py; review s26 RC finding 1). An overdose whose
    intent is not recorded is not called "an intentional overdose" here."""
    if finding.system == "text":
        return finding.verification == self_harm_text.TEXT_ONLY and self_harm_text.names_poisoning(
            finding.display
        )
    system = canonical_system(finding.system)
    key = normalise_code(system, finding.code)
    return any(
        s == system and (p.match(key) if p is not None else key == code)
        for s, code, p in _self_poisoning_codes()
    )


def running_supply_line(record: PatientRecord, findings: Sequence[Finding]) -> str | None:
    """After a current intentional overdose among `findings` (the suicide-risk signal's current
    findings), the line asking to limit the quantity of each running antidepressant (or drug of
    the overdose table) supplied at a time (review 16 M8), or None. The words and drug facts are
    `means_restriction_line`'s."""
    overdoses = [f for f in findings if f.kind is FindingKind.SELF_HARM and is_overdose(f)]
    if not overdoses:
        return None
    drugs, advice = _overdose_table()
    running = list(
        dict.fromkeys(
            t.ingredient
            for t in sorted(record.trials, key=lambda t: t.start)
            if t.ongoing and (t.role is Role.ANTIDEPRESSANT or t.ingredient in drugs)
        )
    )
    # Review s27 RE finding 3: a drug the ward stopped whose home order was left open is not
    # running, but the open order may still be refilled and tablets from it may be at home.
    open_home = _open_home_orders(record, drugs, running)
    if not running and not open_home:
        return None
    latest = max(overdoses, key=lambda f: f.onset.toordinal() if f.onset else 0)
    when = f" on {latest.onset.isoformat()}" if latest.onset is not None else ""
    how = "in text only" if latest.system == "text" else latest.coding
    verb = "is" if len(running) == 1 else "are"
    named = "; ".join(
        f"{r.ingredient} is {r.why}" + (" (UNVERIFIED)" if r.status == "UNVERIFIED" else "")
        for r in (drugs[i] for i in running if i in drugs)
    )
    said = f"{', '.join(running)} {verb} running" + (f": {named}" if named else "")
    stopped = "; ".join(
        f"{ingredient} stopped on the ward {day.isoformat()}; the home order is still open: "
        "reconcile"
        for ingredient, day in open_home
    )
    return (
        f"**Quantity supplied:** an intentional overdose is on record ({how}{when}) "
        f"and {'; '.join(part for part in (said if running else '', stopped) if part)}"
        f". {advice[0].upper()}{advice[1:]}."
    )


def _open_home_orders(
    record: PatientRecord, drugs: Mapping[str, OverdoseRisk], running: Sequence[str]
) -> list[tuple[str, date]]:
    """(ingredient, last day given on the ward) of each antidepressant (or drug of the overdose
    table) whose latest course the ward stopped while its home order is still open
    (Trial.home_order_open), not running now."""
    latest: dict[str, Trial] = {}
    for trial in sorted(record.trials, key=lambda t: t.start):
        latest[trial.ingredient] = trial
    return [
        (t.ingredient, t.home_order_open)
        for t in latest.values()
        if t.home_order_open is not None
        and t.ingredient not in running
        and (t.role is Role.ANTIDEPRESSANT or t.ingredient in drugs)
    ]
