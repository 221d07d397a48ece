"""One line on the patient's age where it is seen: the first line of the first card whose rules
read the age (review 19 D3, D4).

- No age (no birth date, or one that cannot be read; chart p04): the age rules did not run. The
  line says which could not be checked (the older-adult rules, the under-25 boxed warning, the
  under-18 rules and TMS's adult criterion, an age dose maximum of a drug on record). It used to
  be the last sentence of the optimise card's "Beyond medication" paragraph.
- A birth date that gives its year (or month) only and leaves the patient either side of an age
  a rule starts or ends at (born 1960: 64 or 65 on 2025-06-02): each such rule was read on its
  safer side (fhir_mapping/ages.py: older-adult rules as if 65, rules below an age as if the
  younger), and the line says which. A range that crosses no such age changes no rule: the cards
  print the range where they name the age, and no line is added.

Which cards read the age is data: the `patient` domain of services/data/topic_data.csv. At the
order hooks a draft's own "Age not known" line already says what its age rules are (order_checks/
doses.py), so only the birth-year line is added there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.ages import span
from fhir_mapping.record import DataDomain, PatientRecord
from services import age_limits, cards, drug_rules, pathway_options, screen
from services.data_gap_section import card_domains
from services.drug_rules import Choice
from services.policy import Policy
from services.recommendation import Recommendation

_PATIENT = DataDomain.PATIENT


@dataclass(frozen=True, slots=True)
class _AgeRule:
    """A rule that starts (`from_age`: applies at this age and over) or ends (applies below
    `below`) at an age, in the words the line uses."""

    at: int
    words: str
    from_age: bool


def _rules(record: PatientRecord, policy: Policy) -> list[_AgeRule]:
    """The age rules this service applies, as the line names them: the policy's older-adult and
    adult ages, the boxed-warning row of data/age_restricted_antidepressants.csv, and the
    labelled older-adult doses (data/older_adult_doses.csv) of the drugs on record."""
    found = [
        _AgeRule(
            policy.older_adult_age,
            f"the older-adult rules from {policy.older_adult_age} (ECT listed first: "
            f"{pathway_options.options()['ect'].older_adult}; the AGS Beers 2023 cautions; the "
            "sodium and kidney checks)",
            True,
        ),
        _AgeRule(
            policy.adult_age,
            f"the under-{policy.adult_age} rules (NICE NG134 antidepressant list; the TMS "
            "criteria are for adults)",
            False,
        ),
    ]
    found += [
        _AgeRule(r.below_age, f"the under-{r.below_age} suicidality warning ({r.cite})", False)
        for r in drug_rules.age_rules()
        # The antidepressants' row only: an agent's own-label row (aripiprazole) is the same age,
        # said once
        if r.choice is Choice.BOXED_WARNING and r.below_age is not None and r.ingredient is None
    ]
    on_record = {t.ingredient for t in record.trials if t.ongoing} | {
        d.ingredient for d in record.draft_orders
    }
    limits = age_limits.limits()
    found += [
        _AgeRule(
            limit.min_age,
            f"the {limit.ingredient} {limit.labelled(cards.fmt_mg(limit.max_mg))} from "
            f"{limit.min_age} ({limit.cite})",
            True,
        )
        for name in sorted(on_record)
        if (limit := limits.get(name.lower())) is not None
    ]
    return found


def line(record: PatientRecord, policy: Policy, *, unknown: bool = True) -> str:
    """The age line for this record, or "" (module docstring). `unknown`: whether to say an age
    not on record (patient-view; the order hooks say it per draft)."""
    ages = span(record.patient.age)
    if ages is None:
        if not unknown:
            return ""
        names = cards.and_list([r.words for r in _rules(record, policy)])
        return (
            "**Age not on record:** no birth date could be read from the Patient resource, so "
            f"the age rules were not checked: {names}. Check the age."
        )
    young, old = ages
    if young == old:
        return ""
    straddled = [r for r in _rules(record, policy) if young < r.at <= old]
    if not straddled:
        return ""
    applied = cards.and_list([r.words for r in straddled])
    at = cards.and_list(sorted({str(r.at) for r in straddled}, key=int))
    given = "month" if "month" in getattr(record.patient.age, "basis", "") else "year"
    return (
        f"**Age {record.patient.age}:** the birth date gives the {given} only, so the patient "
        f"may be {young} or {old}, either side of {at}. Read on the safer side, these apply: "
        f"{applied}."
    )


def on_first_card(
    shown: Sequence[Recommendation], record: PatientRecord, policy: Policy, *, unknown: bool = True
) -> tuple[Recommendation, ...]:
    """`shown` with the age line first on the first card whose topic reads the age (the
    `patient` domain of data/topic_data.csv); as it is when there is no line or no such card."""
    text = line(record, policy, unknown=unknown) if shown else ""
    if not text:
        return tuple(shown)
    out = list(shown)
    for i, card in enumerate(out):
        if _PATIENT in card_domains(card.topic):
            out[i] = screen.with_fields(card, detail=cards.join_sections(text, card.detail))
            break
    return tuple(out)
