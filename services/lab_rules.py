"""The rows of data/lab_safety.csv as the safety checks read them (split from lab_safety.py by
idea: the table and its loader here, what a result is against a row there): `LabRule`, one row
with its line and words; `rules`, every row; `rule_for`, a check's row for a drug or class; and
`level_target`, the age-aware serum-level target of a drug dosed by its level. lab_safety
re-exports them: the rules and cards read them there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.record import LabResult
from services import cards
from services.lab_readings import by_flag, flag_words, value
from services.policy import Policy


@dataclass(frozen=True, slots=True)
class LabRule:
    check: str  # "lithium-target" | "qtc-stop" | "qtc-warning" | "qtc-caution" | "sodium-low"
    test: str
    drugs: frozenset[str]
    classes: tuple[str, ...]
    low: float | None
    high: float | None
    unit: str
    # What a card says the line is ("the label says to stop it"; for escitalopram "citalopram's
    # label says to stop it": the line is citalopram's, not read in an escitalopram label).
    says: str
    source: str
    status: str
    cite: str = ""  # the short citation of the line ("Spasovski 2014")
    effect_cite: str = ""  # of what the drug does ("SSRI and SNRI labels")
    # The patient-view card of a drug already running beyond the line (review 10 finding 7;
    # sodium-low only): what the drug may be ("may be the cause (SIADH)"), what to do ("repeat
    # sodium, review the drug") and what the result adds to falls on record.
    cause: str = ""
    if_running: str = ""
    falls: str = ""
    # A QTc stop line that is the drug's own label's, as the card says it ("its label
    # contraindicates it with a QTc above {bounds} at baseline ...": gepirone); "" for the rows
    # whose line is citalopram's (citalopram, escitalopram).
    stop_line: str = ""
    # The row applies from this age (years, on the evaluation date) only; None: at any age, or
    # for a "-older" row the clinic's policy.older_adult_age (`is_older`; lab63: the lithium
    # "-older" rows have none, qtc-older keeps the FDA's own ages).
    min_age: int | None = None
    # The order card's indicator above the line where it is not the topic's ("critical": a
    # citalopram or escitalopram order with a QTc above 500 ms, where citalopram's label says
    # to discontinue it; review s24 RB finding 10); "" for the topic's own.
    indicator: str = ""
    # The upper line itself counts as beyond it (`above`: at or above): the qtc-warning rows,
    # where a QTc of exactly 480 ms is prolonged by the AHA/ACCF values and is no lesser risk
    # than 481 (review s26 RG finding 4; data/lab_safety.csv `at_line`, with its source).
    at_line: bool = False
    # Days after a start or dose change before a level is the dose's steady state (the
    # nortriptyline level rows: 7, UNVERIFIED, with its source); None: not said.
    steady_days: int | None = None
    # What the running-drug-level card asks of a level beyond the line drawn after the course's
    # recorded end (`if_stopped`), or under steady_days after the dose was lowered, still falling
    # (`if_lowered`; review s26 RK3 findings 1 and 2); "": the row's if_running.
    if_stopped: str = ""
    if_lowered: str = ""
    # The side of this row's line the lab's critical call is read on ("above" / "below"; "":
    # none): a critical call with no side and no value ("Critical" alone, v3 AA) counts as beyond
    # the line, and `lab_safety.called_critical` names a value the lab called critical on that
    # side though it is not beyond the line by its number (data/lab_safety.csv `critical_call`,
    # with `critical_call_source`; labs37 item 2, labs38 items 1 and 3).
    critical_call: str = ""

    def beyond(self, lab: LabResult) -> str:
        """The words of `lab` past the upper line: "above 480 ms", or "at the 480 ms line" for
        a result exactly at the line of a row whose line itself counts (`at_line`)."""
        if by_flag(lab):  # the lab's flag, never this line (session 29 RL)
            return flag_words(lab, f"the {self.bounds()} line")
        if self.at_line and value(lab) == self.high:
            return f"at the {self.bounds()} line"
        return f"above {self.bounds()}"

    def applies_to(self, ingredient: str, drug_class: str) -> bool:
        return ingredient in self.drugs or drug_class in self.classes

    def bounds(self) -> str:
        """ "0.5-0.8 mmol/L", "500 ms", "130 mmol/L"."""
        if self.low is not None and self.high is not None:
            return f"{cards.fmt_mg(self.low)}-{cards.fmt_mg(self.high)} {self.unit}"
        bound = self.high if self.high is not None else self.low
        return f"{cards.fmt_mg(bound)} {self.unit}"


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def rules() -> tuple[LabRule, ...]:
    text = resources.files("services").joinpath("data/lab_safety.csv").read_text("utf-8")
    return tuple(
        LabRule(
            check=row["check"],
            test=row["test"],
            drugs=frozenset(d for d in row["drugs"].split(";") if d),
            classes=tuple(c for c in row["classes"].split(";") if c),
            low=_float(row["low"]),
            high=_float(row["high"]),
            unit=row["unit"],
            says=row["says"],
            source=row["source"],
            status=row["status"],
            cite=row["cite"].strip(),
            effect_cite=row["effect_cite"].strip(),
            cause=row["cause"].strip(),
            if_running=row["if_running"].strip(),
            falls=row["falls"].strip(),
            stop_line=(row.get("stop_line") or "").strip(),
            min_age=int(age) if (age := (row.get("min_age") or "").strip()) else None,
            indicator=(row.get("indicator") or "").strip(),
            at_line=(row.get("at_line") or "").strip() == "true",
            steady_days=int(days) if (days := (row.get("steady_days") or "").strip()) else None,
            if_stopped=(row.get("if_stopped") or "").strip(),
            if_lowered=(row.get("if_lowered") or "").strip(),
            critical_call=(row.get("critical_call") or "").strip(),
        )
        for row in csv.DictReader(text.splitlines())
    )


# Remembered per (check, ingredient, class): a linear scan of the table per call, asked by the
# order checks and the lithium rules of every chart; `rules()` is read once per process (issue 14).
@lru_cache(maxsize=1024)
def rule_for(check: str, ingredient: str, drug_class: str) -> LabRule | None:
    return next(
        (r for r in rules() if r.check == check and r.applies_to(ingredient, drug_class)), None
    )


def is_older(age: int | None, older_adult_age: int) -> bool:
    """Whether a "-older" row of data/lab_safety.csv with no `min_age` is this patient's: at the
    clinic's policy.older_adult_age (`older_adult_age`) and over. The one place that decides
    "older adult" for those rows (lab63 item 1: the running-lithium card read lithium-high-older
    at the table's fixed 65 while the optimise hold and the same-day weighing read the policy
    age, so a clinic age of 70 gave a 67-year-old with lithium 1.0 two answers). An unknown age
    is not older (nothing says so): the general rows are read."""
    return age is not None and age >= older_adult_age


def level_target(ingredient: str, age: int | None, policy: Policy) -> LabRule | None:
    """The serum-level target of a drug dosed by its level, for this patient: its "-target" row
    (lithium-target, CANMAT 2023 0.5-0.8 mmol/L), or at policy.older_adult_age and over its
    "-target-older" row when there is one (lithium-target-older, NICE NG222 0.4-0.6 mmol/L at 65
    and over: review s21 RR2 finding 3, 0.45 at 79 read "raise toward 0.5-0.8"). The one place
    the age picks the target; an unknown age keeps the general row (nothing says older)."""
    return _by_age(ingredient, "target", age, policy)


def upper_line(ingredient: str, age: int | None, policy: Policy) -> LabRule | None:
    """The usual upper line of a drug dosed by its level, for this patient: its "-high" row
    (lithium-high, 1.0 mmol/L), or at policy.older_adult_age and over its "-high-older" row
    (lithium-high-older, 0.8: recheck 2 m23). Read by the running-lithium card, the lithium
    order check and the optimise hold alike (lab63 item 1: one age for every reader)."""
    return _by_age(ingredient, "high", age, policy)


def _by_age(ingredient: str, kind: str, age: int | None, policy: Policy) -> LabRule | None:
    general = rule_for(f"{ingredient}-{kind}", ingredient, "")
    if is_older(age, policy.older_adult_age):
        return rule_for(f"{ingredient}-{kind}-older", ingredient, "") or general
    return general
