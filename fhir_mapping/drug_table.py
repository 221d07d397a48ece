"""The drug table: antidepressants and augmentation agents with their adequate dose range.

Loaded once from data/antidepressants.csv and data/augmentation_agents.csv (one row per drug, each
with its source and verification status). Doses are mg/day.

Four drugs have a row in each file because CANMAT 2023 lists them both as antidepressants
(Table 3.3) and as adjuncts (Table 7.2): bupropion, mirtazapine, mianserin and quetiapine.
`drug_info(name)` returns the antidepressant row for them; `drug_info(name, Role.AUGMENTATION)`
returns the adjunct row (whether a course was augmentation depends on what else was taken at the
same time, which only the episode builder knows).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.record import Role

# interacting_drugs.csv: drugs that are not on the pathway but interact with it (linezolid and
# intravenous methylene blue act as MAOIs, issue 11 item 1); role "interacting", no doses.
# interaction_partners.csv: the same shape, for the drugs of the interaction table that meet no
# MAOI (tamoxifen, tizanidine, ramelteon: services/data/drug_interactions.csv, review 7 finding
# 5); a file of its own because every row of interacting_drugs.csv has an MAOI washout row. Its
# `read_only_with` column names the drugs without which a row's drug is not read at all (the
# NSAIDs, ACE inhibitors, ARBs and thiazides that raise a lithium level: lithium).
# other_psychotropics.csv: psychotropics off the pathway that interact with none of it but carry
# a safety row of their own (valproate in pregnancy, services/data/condition_drug_rules.csv:
# review s26 RG finding 1, a divalproex draft in pregnancy went unread); the same shape and role.
_FILES = (
    "data/antidepressants.csv",
    "data/augmentation_agents.csv",
    "data/interacting_drugs.csv",
    "data/interaction_partners.csv",
    "data/other_psychotropics.csv",
)


# The class column's MAOI group: the antidepressant MAOIs and the drugs that act as one
# (linezolid, intravenous methylene blue). Their own checks (the MAOI washout and combination
# rules) speak for them, so the duplicate, cross-taper and reuptake checks leave them out; the
# test is read in one place so every check draws that line the same way.
MAOI_CLASS = "MAOI"


def is_maoi_class(drug_class: str) -> bool:
    """Whether a drug-table class is the MAOI group ("MAOI"; an MAO-B inhibitor is not)."""
    return MAOI_CLASS in drug_class.upper()


@dataclass(frozen=True, slots=True)
class DrugInfo:
    ingredient: str  # lower-case generic name, the key used everywhere ("sertraline")
    drug_class: str  # mechanism group for "switch to a different mechanism" ("SSRI", "SNRI", ...)
    role: Role
    rxcui: str | None  # RxNorm ingredient (IN) code; None when unverified
    atc: str | None
    min_adequate_mg: float | None  # lower bound of the CANMAT 2023 range; None when unverified
    max_mg: float | None
    canmat_line: str | None  # "1st" | "2nd" | "3rd" (CANMAT 2023 Table 3.3 / 7.2)
    low_dose_use: (
        str | None
    )  # e.g. "insomnia": below the range this drug is not an antidepressant trial
    source: str
    status: str  # confirmed | corroborated | UNVERIFIED (of the dose values)
    # Markets where CANMAT 2023 Table 3.3 notes the drug is not available ("Canada", "US"), so a
    # card does not offer mianserin or agomelatine to a US clinician without saying so.
    not_marketed_in: tuple[str, ...] = ()
    # Markets where the drug is sold but depression is not a labelled use (milnacipran in the US is
    # labelled for fibromyalgia only), so a card never offers it as an antidepressant there
    # without saying it would be off-label.
    off_label_for_depression_in: tuple[str, ...] = ()
    # `low_dose_use` only when every dosage line says "as needed" (column low_dose_when =
    # as-needed): mirtazapine 15 mg is both a bedtime sleep aid and the labelled antidepressant
    # starting dose, so a scheduled 15 mg course stays a (low-dose) trial that a card asks to
    # raise; trazodone below its range is a sleep dose however it is written.
    low_dose_only_as_needed: bool = False
    # Read only when one of these ingredients is on the chart or drafted (column read_only_with):
    # lisinopril, ibuprofen or hydrochlorothiazide matter to this service only as drugs that
    # raise a lithium level. Read on every chart, the blood-pressure drugs of most patients
    # would become lanes on the timeline and "no usable date" gaps on cards about nothing they
    # change (noise), and cost their reading on every call.
    read_only_with: frozenset[str] = frozenset()
    # A drug given as one course of a fixed length (column fixed_course_days: zuranolone, 14
    # days for postpartum depression by its label; brexanolone, one 60-hour infusion, 2.5 days:
    # review 15 W1), never as an open-ended trial: its courses are shown in the history but never
    # judged adequate, inadequate or failed (review 10 finding 2; fhir_mapping/fixed_course.py).
    # None: an ordinary drug.
    fixed_course_days: float | None = None
    # Dosed to a serum level, not to mg/day (column dose_by_level, augmentation_agents.csv:
    # lithium). Its mg/day range never decides a raise: the same dose gives very different levels
    # with age, kidney function and interacting drugs, so no dose change is one click (recheck
    # R1: "Raise lithium to 600 mg/day" for a 78-year-old with eGFR 45 and a level of 0.7).
    dose_by_level: bool = False
    # The short cite of the row's own dose values (column dose_source: "CANMAT 2023 Table 3.3",
    # "CPS 2023 Table 6", "EXXUA label"), which a dose card names: fluvoxamine's 150 mg/day is
    # CPS 2023's usual lower bound, not a CANMAT range, and was printed as "CANMAT 2023 Table
    # 3.3". None: no dose on the row, or a table without the column (interacting drugs).
    dose_source: str | None = None


@dataclass(frozen=True, slots=True)
class DrugNaming:
    """How a drug is named in charts: what terminology.py needs besides the DrugInfo row."""

    ingredient: str
    aliases: tuple[str, ...]  # other names of the same ingredient ("lithium carbonate")
    # A fixed combination counted as one drug (dextromethorphan-bupropion): the names that must all
    # appear, the first one being the component whose mg the dose range is expressed in.
    combination_of: tuple[str, ...]
    # Words one of which the product name must contain, e.g. selegiline is an antidepressant only
    # as the transdermal system (oral selegiline 5-10 mg is MAO-B selective, for Parkinson disease).
    requires_form: tuple[str, ...]
    # What a product of this ingredient without the required form is read as instead of being
    # dropped: oral selegiline is not an antidepressant trial, but it still meets an MAOI check
    # ("oral selegiline", an interacting row). None: such a product is not read.
    without_form: str | None = None


def _low_dose_when(text: str | None) -> bool:
    """The low_dose_when column: "as-needed" (True), or empty (False: at any low dose)."""
    value = (text or "").strip()
    if value not in ("", "as-needed"):
        raise ValueError(f"antidepressants.csv low_dose_when must be empty or as-needed: {value!r}")
    return value == "as-needed"


def _days(text: str | None) -> float | None:
    """The fixed_course_days column (only antidepressants.csv has it): days, a fraction for a
    course counted in hours (brexanolone's 60-hour infusion is 2.5)."""
    value = (text or "").strip()
    return float(value) if value else None


def fixed_course_words(days: float) -> str:
    """ "14-day course", or "60-hour course" for a course that is not whole days (a label gives
    brexanolone's infusion in hours)."""
    if days == int(days):
        return f"{int(days)}-day course"
    return f"{days * 24:g}-hour course"


def _flag(text: str | None) -> bool:
    """The dose_by_level column (only augmentation_agents.csv has it): "true" or empty."""
    value = (text or "").strip()
    if value not in ("", "true"):
        raise ValueError(f"augmentation_agents.csv dose_by_level must be empty or true: {value!r}")
    return value == "true"


def _number(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


def _optional(text: str) -> str | None:
    text = text.strip()
    return text or None


def _markets(text: str | None) -> tuple[str, ...]:
    """A market list ("Canada;US") as written: market names keep their case."""
    return tuple(part.strip() for part in (text or "").split(";") if part.strip())


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip().lower() for part in text.split(";") if part.strip())


@cache
def _rows() -> tuple[tuple[DrugInfo, DrugNaming], ...]:
    rows: list[tuple[DrugInfo, DrugNaming]] = []
    for name in _FILES:
        text = resources.files("fhir_mapping").joinpath(name).read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            ingredient = row["ingredient"].strip().lower()
            info = DrugInfo(
                ingredient=ingredient,
                drug_class=row["drug_class"].strip(),
                role=Role(row["role"].strip()),
                rxcui=_optional(row["rxcui"]),
                atc=_optional(row["atc"]),
                min_adequate_mg=_number(row["min_adequate_mg_day"]),
                max_mg=_number(row["max_mg_day"]),
                canmat_line=_optional(row["canmat_line"]),
                low_dose_use=_optional(row["low_dose_use"]),
                source=row["source"].strip(),
                status=row["status"].strip(),
                not_marketed_in=_markets(row.get("not_marketed_in")),
                off_label_for_depression_in=_markets(row.get("off_label_for_depression_in")),
                low_dose_only_as_needed=_low_dose_when(row.get("low_dose_when")),
                read_only_with=frozenset(_split(row.get("read_only_with") or "")),
                fixed_course_days=_days(row.get("fixed_course_days")),
                dose_by_level=_flag(row.get("dose_by_level")),
                dose_source=_optional(row.get("dose_source") or ""),
            )
            naming = DrugNaming(
                ingredient=ingredient,
                aliases=_split(row["aliases"]),
                combination_of=_split(row["combination_of"]),
                requires_form=_split(row["requires_form"]),
                without_form=_optional(row.get("without_form_read_as") or ""),
            )
            rows.append((info, naming))
    return tuple(rows)


@cache
def _by_key() -> dict[tuple[str, Role], DrugInfo]:
    table: dict[tuple[str, Role], DrugInfo] = {}
    for info, _ in _rows():
        key = (info.ingredient, info.role)
        if key in table:
            raise ValueError(f"duplicate drug table row: {info.ingredient} ({info.role})")
        table[key] = info
    return table


@cache
def _alias_index() -> dict[str, str]:
    """Every accepted name (lower case) -> the table's ingredient key."""
    index: dict[str, str] = {}
    for _, naming in _rows():
        index[naming.ingredient] = naming.ingredient
        for alias in naming.aliases:
            index[alias] = naming.ingredient
    return index


@lru_cache(maxsize=1024)  # by name: every medication event looks its ingredient up (issue 14)
def canonical_ingredient(name: str) -> str | None:
    """The table's key for a generic name or alias ("Lithium Carbonate" -> "lithium"), or None."""
    key = " ".join(name.lower().split())
    return _alias_index().get(key)


def drug_info(ingredient: str, role: Role | None = None) -> DrugInfo | None:
    """The row for a generic name (case-insensitive, aliases accepted), or None.

    Without `role`, the antidepressant row is preferred where a drug has both (see module doc).
    """
    if role is None:
        # A name written as the table writes it (what every medication event and trial asks
        # with): one lookup.
        found = _preferred().get(ingredient)
        if found is not None:
            return found
    key = canonical_ingredient(ingredient)
    if key is None:
        return None
    if role is not None:
        return _by_key().get((key, role))
    return _preferred().get(key)


@cache
def _preferred() -> dict[str, DrugInfo]:
    """Every accepted name as the alias index writes it -> the row of its ingredient when no
    role is asked: the antidepressant row, else the adjunct row, else the interacting-drug row
    (see module doc)."""
    table = _by_key()
    preferred: dict[str, DrugInfo] = {}
    for name, key in _alias_index().items():
        found = (
            table.get((key, Role.ANTIDEPRESSANT))
            or table.get((key, Role.AUGMENTATION))
            or table.get((key, Role.INTERACTING))
        )
        if found is not None:
            preferred[name] = found
    return preferred


@cache
def conditional_ingredients() -> dict[str, frozenset[str]]:
    """Each drug read only with another -> the drugs it is read with (DrugInfo.read_only_with)."""
    return {d.ingredient: d.read_only_with for d in all_drugs() if d.read_only_with}


@cache  # asked for on every evaluation (services/drugs.py)
def all_drugs() -> tuple[DrugInfo, ...]:
    """Every row of both tables: one per (ingredient, role), antidepressants first."""
    return tuple(info for info, _ in _rows())


@cache
def drug_namings() -> tuple[DrugNaming, ...]:
    """Naming data of each ingredient (one entry per ingredient, rows of both tables merged)."""
    merged: dict[str, DrugNaming] = {}
    for _, naming in _rows():
        first = merged.get(naming.ingredient)
        if first is None:
            merged[naming.ingredient] = naming
            continue
        merged[naming.ingredient] = DrugNaming(
            ingredient=first.ingredient,
            aliases=tuple(dict.fromkeys(first.aliases + naming.aliases)),
            combination_of=first.combination_of or naming.combination_of,
            requires_form=first.requires_form or naming.requires_form,
            without_form=first.without_form or naming.without_form,
        )
    return tuple(merged.values())


@cache
def _components() -> dict[str, tuple[str, ...]]:
    return {n.ingredient: n.combination_of for n in drug_namings() if n.combination_of}


def components(ingredient: str) -> tuple[str, ...]:
    """The ingredients a drug of the table is made of: a fixed combination's components, the
    one its dose is expressed in first ("dextromethorphan-bupropion" -> bupropion,
    dextromethorphan); any other drug is its own one component (review 10 finding 1: a
    combination counts as each of its components in the duplicate, total-dose and switch checks).
    """
    return _components().get(ingredient) or (ingredient,)


def shared_ingredients(first: str, second: str) -> tuple[str, ...]:
    """The ingredients two different drugs have in common, in `first`'s order: ("bupropion",)
    for bupropion and dextromethorphan-bupropion; () for one drug named twice (a renewal, not a
    duplicate) or for drugs with nothing in common."""
    if first == second:
        return ()
    other = components(second)
    return tuple(part for part in components(first) if part in other)


def component_mg(ingredient: str, component: str, mg: float | None) -> float | None:
    """The mg/day of `component` in `mg` mg/day of `ingredient`: the dose itself for a drug of one
    ingredient; for a fixed combination the dose of the component its range is expressed in (its
    first: Auvelity 210 mg/day is bupropion 210 mg/day); None for another component, whose
    strength the table does not hold (Auvelity's dextromethorphan)."""
    if mg is None:
        return None
    parts = components(ingredient)
    return mg if parts[0] == component else None
