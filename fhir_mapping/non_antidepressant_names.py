"""Names of drugs known not to be antidepressants, read in a name the drug tables do not otherwise
hold (fix meds48).

Epic attaches the visit's diagnoses to every order of the visit: "hydroxyzine HCl 25 MG Oral
Tablet" (RxNorm 995218) for F33.1, prazosin for nightmares with F43.10 and F33.1, atorvastatin
pointing at the depression Condition. depression_unknown_name.py reads a name the tables do not
hold, ordered for depression, as a record whose drug could not be identified (it may be a new
antidepressant brand); a name that holds one of these ingredients is not that: the drug is known,
and it is off this pathway. Reading it as unidentified held bupropion back for a hydroxyzine
order, asked the TMS screen's question and raised a data-quality card at an MAOI draft: noise a
clinician learns to ignore, beside the one unknown brand where the card matters.

The names: data/non_antidepressant_names.csv (ingredients co-prescribed in psychiatry and
primary care), and, not copied there, the names the other tables already hold of drugs that are
no antidepressant and no adjunct: data/sedative_names.csv's rows with an ingredient (benzodiazepines,
barbiturates, z-drugs and their brands) and every ingredient and alias of the drug tables with
no antidepressant or augmentation row (gabapentin, clonazepam, lisinopril read only with lithium,
metoprolol ...). A name is matched word for word, case-insensitive ("Hydroxyzine Pamoate" holds
hydroxyzine; "prazosinex" holds nothing). An antidepressant or adjunct name is never among them,
so a brand the tables lack stays unidentified unless its name also holds a known other drug.
"""

from __future__ import annotations

import csv
import io
import re
from functools import cache
from importlib import resources

from fhir_mapping.drug_table import all_drugs, drug_namings
from fhir_mapping.trial_parts import Role

# The roles whose drugs are the pathway's: a name of one of them is never "known, off the pathway".
_PATHWAY_ROLES = frozenset({Role.ANTIDEPRESSANT, Role.AUGMENTATION})


def _rows(table: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{table}").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def _names() -> frozenset[str]:
    """Every known non-antidepressant name, lower case (module docstring)."""
    pathway = {d.ingredient for d in all_drugs() if d.role in _PATHWAY_ROLES}
    names = {row["name"].strip().lower() for row in _rows("non_antidepressant_names.csv")}
    names.update(
        row["name"].strip().lower()
        for row in _rows("sedative_names.csv")
        if row["ingredient"].strip() and not row["name"].strip().endswith("*")
    )
    for naming in drug_namings():
        if naming.ingredient not in pathway:
            names.add(naming.ingredient.lower())
            names.update(alias.lower() for alias in naming.aliases)
    return frozenset(name for name in names if name)


@cache
def _pattern() -> re.Pattern[str]:
    alternation = "|".join(re.escape(n) for n in sorted(_names(), key=len, reverse=True))
    return re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])", re.IGNORECASE)


def names_other_drug(name: str) -> bool:
    """Whether a drug name holds, as a word, a drug known not to be an antidepressant or adjunct
    ("hydroxyzine HCl 25 MG Oral Tablet": True; "Zorvexa 20 MG Oral Tablet": False)."""
    return bool(_pattern().search(name))
