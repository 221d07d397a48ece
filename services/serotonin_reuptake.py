"""Antidepressants that inhibit serotonin reuptake (services/data/serotonin_reuptake_inhibitors.csv):
the SSRIs, the SNRIs, vortioxetine, vilazodone, clomipramine and dextromethorphan-bupropion
(Auvelity: its dextromethorphan; review s23 RD finding 2), whatever the drug table's class
column calls them.

Two of them taken together is a second serotonin reuptake inhibitor on top of the first
(recheck 16-2 m01: sertraline drafted while venlafaxine ER 225 mg runs drew no card, while two
SSRIs did): serotonin-syndrome risk adds up (the SSRI and SNRI labels' Serotonin Syndrome
warnings; Keks et al. 2016 on switching), and it is no combination CANMAT 2023 gives evidence for
(Table 7.2: bupropion, mirtazapine or mianserin added; other antidepressant combinations third
line, Level 3). A drug the table does not list (bupropion, mirtazapine, agomelatine, trazodone,
the secondary-amine tricyclics) is not one: trazodone's reuptake inhibition is weak and its
low-dose use for sleep beside an SSRI is common; the other tricyclics are left out until their
serotonin transporter affinity is read from a source."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services import tables


@dataclass(frozen=True, slots=True)
class _Table:
    classes: frozenset[str]  # drug-table classes, lower case
    ingredients: dict[str, str]  # ingredient -> why (for the card)


@cache
def _table() -> _Table:
    text = (
        resources.files("services")
        .joinpath("data/serotonin_reuptake_inhibitors.csv")
        .read_text("utf-8")
    )
    classes: set[str] = set()
    ingredients: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "class":
            classes.add(row["member"].strip().lower())
        else:
            # A row not confirmed in its source says so wherever a card prints its reason.
            mark = " (UNVERIFIED)" if row["status"].strip() == "UNVERIFIED" else ""
            ingredients[row["member"].strip()] = row["why"].strip() + mark
    return _Table(frozenset(classes), ingredients)


def inhibits_reuptake(ingredient: str, drug_class: str) -> bool:
    """Whether the drug (by its ingredient, or its drug-table class) inhibits serotonin
    reuptake."""
    table = _table()
    return ingredient in table.ingredients or drug_class.strip().lower() in table.classes


def member_note(ingredient: str) -> str:
    """Why a drug the table lists by name inhibits serotonin reuptake ("inhibits serotonin
    reuptake (and acts on 5-HT receptors), label 12.1"), for the card; "" for a drug of an SSRI
    or SNRI class, whose class says it."""
    return _table().ingredients.get(ingredient, "")


# CANMAT 2023 Table 7.2 (../shared/clinical/REFERENCE.md 1.7): the antidepressants it adds are
# bupropion and mirtazapine or mianserin (second line); other antidepressant combinations are
# third line, Level 3. Said by the order card and the chart-open line of a pair alike.
NOT_A_STRATEGY = (
    "not a CANMAT 2023 combination strategy (Table 7.2 adds bupropion, mirtazapine or "
    "mianserin; other antidepressant combinations are third line, Level 3)"
)


def serotonin_syndrome_cite() -> str:
    """ "the SSRI and SNRI labels' Serotonin Syndrome warnings; [Keks 2016](url)": the sources
    the MAOI and serotonergic-pair checks already rest on (data/guidelines.csv keks2016)."""
    keks = tables.guideline("keks2016")
    link = f"[{keks.short}]({keks.url})" if keks.url else keks.short or keks.label
    return f"the SSRI and SNRI labels' Serotonin Syndrome warnings; {link}"
