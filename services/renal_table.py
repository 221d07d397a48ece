"""The renal table (data/renal_doses.csv, review 11 finding 1) and its bands.

Each row of the table is one band of one drug's label: where the eGFR falls (`egfr_from`
inclusive, `egfr_below` exclusive), what the label says there ("avoid", "at most 50 mg/day",
"reduce by 50 % or more", "use with caution") and where it says it. The labels give their bands
as creatinine clearance (Cockcroft-Gault); the record has eGFR, which is read as its estimate, so
a value near a band's edge is said with that caveat (`CRCL_NOTE`), never as settled.

The kidney readings (services/egfr_reading.py, kidney_failure.py, ckd_stage.py) place themselves
in these bands; services/renal_doses.py says which reading is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping import formulations
from services import tables
from services.card_format import fmt_mg
from services.label_columns import cite as cite
from services.label_columns import label_columns
from services.recommendation import Indicator

# Said once on every card that compares an eGFR with a label's band (the labels' bands are
# creatinine clearance; eGFR is indexed to 1.73 m2 and overestimates clearance in a small or
# frail older adult).
CRCL_NOTE = (
    "The labels' bands are creatinine clearance (Cockcroft-Gault); the eGFR is read as its "
    "estimate here, and in an older or low-weight patient the clearance may be lower: estimate "
    "it when the eGFR is near a band's edge."
)


@dataclass(frozen=True, slots=True)
class RenalRow:
    ingredient: str
    band: str  # the label's words: "severe renal impairment"
    egfr_from: float  # inclusive (0 when the table leaves it blank)
    egfr_below: float  # exclusive
    action: str  # "avoid" | "max" | "reduce" | "caution"
    # The band's daily maximum: a "max" row's; a "reduce" row's ceiling above the reduced dose
    # (milnacipran below 30: 50 mg/day maintenance, up to 100 by response).
    max_mg: float | None
    says: str  # the label's line, as a card quotes it
    short: str  # the same in a few words, for the switch and augment lists
    cite: str  # "Pristiq label 2 and 8.6"
    indicator: Indicator
    on_lists: bool  # named beside the drug where the patient-view lists offer it
    # Makes an order card: false for the mild bands (eGFR 60-89, where most adults over 50 are;
    # review 11 recheck finding 7), kept in the table for reference.
    at_order: bool
    source: str
    status: str
    # The formulations.csv key of a row that holds for one release form only ("paroxetine-cr":
    # Paxil CR's 12.5/50 below 30 mL/min, not the IR label's 10/40; rk3 finding 11), as
    # age_limits.py reads the older-adult rows; None for the drug's own rows.
    formulation: str | None = None

    @property
    def key(self) -> str:
        """What the band lookups below match: the release form's key for its own rows, else the
        ingredient (`key_for`)."""
        return self.formulation or self.ingredient

    def kind(self) -> str:
        """What the row's `action` makes of the band, for a card's words (session 37 renal49,
        K55a finding 5: lithium at eGFR 45, a caution band, was called "beyond the labelled renal
        limit"): "limit" (avoid, a labelled maximum, or a reduce row with a ceiling),
        "dose-reduction" (a reduce row with no ceiling: the record cannot show the reduced
        dose) or "caution" (start low, titrate, monitor: no limit is crossed)."""
        if self.action == "caution":
            return "caution"
        if self.action == "reduce" and self.max_mg is None:
            return "dose-reduction"
        return "limit"

    def holds(self, egfr: float) -> bool:
        return self.egfr_from <= egfr < self.egfr_below

    def upper_words(self) -> str:
        """The band's top as the label words it: "below 30" (CrCl < 30), or "at or below 50"
        for a band the label closes at its edge (Pristiq: moderate, CrCl 30-50 mL/min). eGFR is
        reported in whole numbers, so such a band is stored with `egfr_below` one above the
        label's edge (51): the matching stays exact, and the words never say "below 51", a
        number no label prints (review 14 audit). Label edges are multiples of 5 (5, 15, 30, 50,
        60, 90; tests/services/test_k1_audit.py checks the table keeps to it)."""
        if self.egfr_below % 5 == 1:
            return f"at or below {fmt_mg(self.egfr_below - 1)}"
        return f"below {fmt_mg(self.egfr_below)}"


@cache
def rows() -> tuple[RenalRow, ...]:
    return tuple(
        RenalRow(
            **label_columns(row),
            band=row["band"].strip(),
            egfr_from=float(row["egfr_from"]) if row["egfr_from"].strip() else 0.0,
            egfr_below=float(row["egfr_below"]),
            formulation=(row.get("formulation") or "").strip() or None,
        )
        for row in tables._rows("renal_doses.csv")
    )


def key_for(ingredient: str, formulation: str | None) -> str:
    """The lookup key of a drug in a release form: the form's key when the table has rows of its
    own for it (paroxetine CR), else the ingredient, whose rows hold for every form. The band
    functions below take this key where they say `ingredient`; a patient-view caller passing
    the bare ingredient reads the drug's own rows, as before."""
    if formulation and any(r.formulation == formulation for r in rows()):
        return formulation
    return ingredient


def drug_words(key: str) -> str:
    """ "paroxetine CR" for a release form's key, else the ingredient as given."""
    for r in rows():
        if r.formulation == key:
            form = formulations.get(key)
            return f"{r.ingredient} {form.shown_as}" if form is not None else r.ingredient
    return key


@cache
def drugs() -> frozenset[str]:
    """The ingredients whose labels set a renal limit (the table's)."""
    return frozenset(r.ingredient for r in rows())


def row_for(ingredient: str, egfr: float) -> RenalRow | None:
    """The band of `ingredient`'s label that `egfr` falls in, or None (no limit at this eGFR)."""
    return next((r for r in rows() if r.key == ingredient and r.holds(egfr)), None)


def limits_dose(ingredient: str) -> bool:
    """Whether the drug's label avoids it or limits or reduces its dose in some band: only then
    is a missing eGFR worth a card at the order (a label that only asks for caution, mirtazapine
    or bupropion, would make one on every order of an older adult: noise)."""
    return any(r.key == ingredient and r.action != "caution" for r in rows())


def top_band(ingredient: str) -> float | None:
    """The eGFR below which the drug's label sets a limit an order card names ("below 60"), or
    None: the mild bands (at_order false) are left out, so an old eGFR of 75 is never called
    "above the bands" of lithium's label (below 90) while 75 is in its mild band."""
    found = [r.egfr_below for r in rows() if r.key == ingredient and r.at_order]
    return max(found) if found else None


def esrd_row(ingredient: str) -> RenalRow | None:
    """The band of the drug's label for end-stage renal disease or dialysis: its lowest band (the
    one from 0). In every label of the table the lowest band is the one naming severe renal
    impairment with ESRD or dialysis (duloxetine, desvenlafaxine, venlafaxine, paroxetine,
    lithium), ESRD itself (levomilnacipran, milnacipran), or the only band (mirtazapine,
    bupropion)."""
    return row_for(ingredient, 0.0)


def lowest_below(ingredient: str, bound: float, inclusive: bool) -> RenalRow | None:
    """The lowest band of the drug's label that an eGFR below `bound` (at most `bound` when
    `inclusive`) could fall in: in every label of the table the lowest band is the most severe
    (`esrd_row`)."""
    found = [
        r
        for r in rows()
        if r.key == ingredient and (r.egfr_from < bound or (inclusive and r.egfr_from <= bound))
    ]
    return min(found, key=lambda r: r.egfr_from) if found else None


@cache
def _indexed_notes() -> dict[str, str]:
    """(lower-case unit) -> what a card says of a creatinine clearance sent in it
    (data/indexed_clearance.csv: the body-surface-indexed units; lab63 item 2)."""
    return {
        row["unit"].strip().lower(): row["note"].strip()
        for row in tables._rows("indexed_clearance.csv")
    }


def indexed_note(test: str, unit: str | None) -> str:
    """The clause a card says beside a creatinine clearance normalised to 1.73 m2 (lab63 item 2:
    a CrCl 25 mL/min/1.73m2 was read on the labels' unindexed mL/min bands without a word), or
    "" for any other reading (an eGFR has CRCL_NOTE; an unindexed clearance is the labels' own
    measure)."""
    if test != "crcl" or unit is None:
        return ""
    return _indexed_notes().get(unit.strip().lower(), "")
