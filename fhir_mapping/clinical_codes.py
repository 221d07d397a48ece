"""Code tables of the clinical context, loaded once from the package's data/ folder.

- condition_codes.csv: SNOMED CT / ICD-10-CM codes -> FindingKind. Built from the VSAC value sets in
  ../shared/clinical/vsac_valueset_extract.csv (Depression, Major Depression Including Remission,
  Bipolar, Schizophrenia or Psychotic Disorder, Alcohol and Drug Dependence, Epilepsy, Seizure
  Disorder, Generalized Anxiety Disorder, Dysthymia), codes.csv / code_verification.csv and the
  Synthea codes of REFERENCE.md 4.6. One code may carry several kinds: a bipolar-depressed code
  (F31.3x, in VSAC "Depression") is both "bipolar" and "depression", so the rules always see the
  bipolar exclusion. ICD-10-CM families are `match=prefix` rows on the dot-less code (F31, G40,
  F10-F19 without F17 nicotine, as VSAC "Alcohol and Drug Dependence" does). "anxiety" follows
  VSAC "Generalized Anxiety Disorder", which is broad (panic, phobias, OCD, stress disorders and
  PTSD; its PTSD members are also "ptsd"). ICD-9-CM rows of the extract are not used (FHIR R4
  charts of the period this service reads code ICD-10-CM). WHO ICD-10 codes are read through the
  ICD-10-CM rows in the categories where the two classifications agree (who_icd10.py, fix who75).
  `counts_when_resolved=yes` marks lifetime or history-type findings that still matter after the
  condition resolved: bipolar (a past manic episode makes the disorder bipolar; CANMAT 2023 asks
  to rule out missed bipolar disorder), epilepsy/seizure history (TMS risk), self-harm (a past
  attempt is the strongest suicide risk factor; Synthea resolves attempts after discharge),
  suicidal ideation (an ED encounter diagnosis is resolved when the visit closes, not when the
  risk ends: the suicide-risk window reads its date, review 16 recheck U-b) and implanted devices (the metal stays in place). "frailty" rows (ICD-10-CM R54, SNOMED CT 248279007
  and 404904002, each source in its row) feed `ClinicalContext.frailty`, not `findings`, and only
  when confirmed (context.py `_CONFIRMED_ONLY`). Left out on purpose: SNOMED 713634000 and
  129839007 (sources give each another meaning: the eFI Frailty Index score; at risk of pressure
  ulcers), the UK-edition mild/moderate/severe frailty findings (not in the US edition), and the
  Clinical Frailty Scale (Rockwood 2005) score: no LOINC code was found and its SNOMED score code
  differs between versions of the one guide that has it. A site's local frailty code can be
  mapped to R54 in `[codes]`.
- procedure_codes.csv / device_codes.csv: CPT / SNOMED codes of psychotherapy, ECT, TMS, CPAP,
  psychiatry referral and suicide risk assessment. Psychotherapy rows name their kind
  (`psychotherapy_kind`: standalone, group, add-on to an E/M visit, crisis; APA CPT 2013 guidance),
  so a crisis session or an add-on to a medication check is not read as a course of therapy. Implants, metal near the head and the other
  TMS safety screen items have their own tables (tms_safety.py, issue 11 item 6). G90.81 of VSAC
  "Epilepsy" (v2026) is serotonin syndrome, not a seizure disorder, and is left out; febrile
  convulsions (R56.0x) are not in the table (issue 11 item 7).
- procedure_terms.csv: words matched in free text when a code is missing ("*" = word prefix).
- lab_ranges.csv: reference intervals used only when the Observation carries neither an
  interpretation nor a referenceRange.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.code_systems import ICD9CM, ICD10, ICD10CM, canonical_system
from fhir_mapping.record import FindingKind
from fhir_mapping.who_icd10 import cm_code_for_who


@dataclass(frozen=True, slots=True)
class ConditionCode:
    kind: FindingKind
    system: str
    code: str  # ICD-10-CM without the dot, upper case (a pattern row: the regular expression)
    prefix: bool
    # match=pattern (ICD-10-CM only): the code, dot-less and upper case, starts with a match of
    # this expression. For families no prefix can name, such as "T36-T65 whose 6th character
    # is 2" (intentional self-harm by poisoning, NCHS NHSR 108).
    pattern: re.Pattern[str] | None
    severity: str | None
    counts_when_resolved: bool
    display: str
    source: str
    status: str
    # How a card names what the code records when it is less than its kind's name says
    # (`named_as`, blank for most rows): "a seizure" for R56.9, read as the epilepsy kind so
    # that TMS and bupropion are held as for a seizure disorder (the safer reading), but never
    # called one on a card (review 19 D1). None: the kind's own name.
    named_as: str | None = None


@dataclass(frozen=True, slots=True)
class ProcedureCode:
    kind: str  # psychotherapy | ect | tms | cpap | psychiatry | suicide-risk-assessment | implanted-device
    system: str
    code: str
    display: str
    source: str
    status: str
    # Psychotherapy rows only (procedure_codes.csv `psychotherapy_kind`, sources in `kind_source`):
    # standalone | group | add-on (to an E/M visit) | crisis. Which make a course of therapy is
    # the clinic's (services/policy/tms.py psychotherapy_course_kinds; review 6 finding 4).
    psychotherapy_kind: str = ""
    # The procedure in a few words, as a card names it ("haemodialysis"); "" for most rows
    # (procedure_codes.csv `short`; services/renal_doses.py names a dialysis session by it).
    short: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    kind: str
    pattern: re.Pattern[str]
    applies_to: frozenset[str]  # "procedure" | "service-request" | "device" | "encounter" | ...


@dataclass(frozen=True, slots=True)
class LabRange:
    test: str
    units: frozenset[str]
    low: float | None
    high: float | None
    source: str
    status: str
    # The units a value sent as text may carry (the QTc: "ms", "msec"); empty: never read from
    # text (lab_text.py).
    text_units: frozenset[str] = frozenset()
    # The unit a bound sent as text is read in ("> 60" for an eGFR: lab_text.bound_from_text);
    # None: a bound sent as text is never read.
    text_bound_unit: str | None = None
    # A number sent as text with no unit (valueString "1.6" for a lithium): read in `bare_unit`
    # when it lies in bare_low-bare_high, the plausible range in that unit (lab_text._bare); a
    # row without them never reads a bare number.
    bare_unit: str | None = None
    bare_low: float | None = None
    bare_high: float | None = None
    # A valueQuantity with neither unit nor code is read as a bare number is (`bare_unit` within
    # bare_low-bare_high): the QTc and the lithium level (labs32 item 3, recheck K27b s31
    # finding 1; lab_text.bare_quantity).
    bare_quantity: bool = False
    # A value sent WITH a unit of `units` outside bare_low-bare_high is not read either, named as a
    # value the test cannot have (sodium 12.4 mmol/L: labs33 item 1; lab_text.implausible).
    unit_bounds: bool = False
    # `unit_bounds` "check" (the lithium level): a value above bare_high in one of `units` is
    # read and acted on, shown with "check the entry" (lab_text.entry_doubt; recheck K27b s31
    # finding 3: a toxicity line must not fall silent on a slipped decimal).
    entry_check: bool = False


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def normalise_code(system: str, code: str) -> str:
    """ICD-10-CM, WHO ICD-10 and ICD-9-CM codes are compared without the dot and in upper case
    (F32.1 == F321 == f321; 296.89 == 29689, as VSAC lists them), whichever name the system
    goes by (the URI or its OID, code_systems.py)."""
    if canonical_system(system) in (ICD10CM, ICD10, ICD9CM):
        return code.replace(".", "").replace(" ", "").upper()
    return code.strip()


@cache
def condition_codes() -> tuple[ConditionCode, ...]:
    return tuple(
        ConditionCode(
            kind=FindingKind(row["kind"]),
            system=canonical_system(row["system"]),
            code=(
                row["code"].strip()
                if row["match"] == "pattern"
                else normalise_code(row["system"], row["code"])
            ),
            prefix=row["match"] == "prefix",
            pattern=re.compile(row["code"].strip()) if row["match"] == "pattern" else None,
            severity=row["severity"] or None,
            counts_when_resolved=row["counts_when_resolved"] == "yes",
            display=row["display"],
            source=row["source"],
            status=row["status"],
            named_as=row.get("named_as") or None,
        )
        # falls_codes.csv: the "falls" kind, in a table of its own (same columns; review 10
        # finding 7), so the diagnosis table's owners and the falls codes do not collide.
        for row in _rows("condition_codes.csv") + _rows("falls_codes.csv")
    )


@cache
def _condition_index() -> tuple[
    dict[tuple[str, str], tuple[ConditionCode, ...]], tuple[ConditionCode, ...]
]:
    exact: dict[tuple[str, str], list[ConditionCode]] = {}
    prefixes: list[ConditionCode] = []  # prefix and pattern rows: the ICD-10-CM families
    for row in condition_codes():
        if row.prefix or row.pattern is not None:
            prefixes.append(row)
        else:
            exact.setdefault((row.system, row.code), []).append(row)
    return {k: tuple(v) for k, v in exact.items()}, tuple(prefixes)


# Remembered by (system, code) (issue 14): charts of different patients code the same diagnoses,
# and an ICD-10-CM code is checked against every family row.
@lru_cache(maxsize=4096)
def condition_matches(system: str, code: str) -> tuple[ConditionCode, ...]:
    """Every table row a (system, code) falls under: exact rows, then the ICD-10-CM (and WHO
    ICD-10) families of the same system. A WHO ICD-10 code is also read as the ICD-10-CM code
    who_icd10.py names for it (WHO G40.9 as CM G40: epilepsy; fix who75), after its own rows."""
    system = canonical_system(system)
    key = normalise_code(system, code)
    found = list(_system_matches(system, key))
    if system == ICD10:
        cm_code = cm_code_for_who(key)
        if cm_code is not None:
            found.extend(r for r in _system_matches(ICD10CM, cm_code) if r not in found)
    return tuple(found)


def _system_matches(system: str, key: str) -> tuple[ConditionCode, ...]:
    exact, prefixes = _condition_index()
    found = list(exact.get((system, key), ()))
    if system in (ICD10CM, ICD10):
        found.extend(
            p
            for p in prefixes
            if p.system == system
            and (p.pattern.match(key) if p.pattern is not None else key.startswith(p.code))
        )
    return tuple(found)


def _procedure_rows(name: str) -> tuple[ProcedureCode, ...]:
    return tuple(
        ProcedureCode(
            kind=row["kind"],
            system=canonical_system(row["system"]),
            code=row["code"].strip(),
            display=row["display"],
            source=row["source"],
            status=row["status"],
            psychotherapy_kind=row.get("psychotherapy_kind") or "",
            short=(row.get("short") or "").strip(),
        )
        for row in _rows(name)
    )


@cache
def procedure_codes() -> dict[tuple[str, str], ProcedureCode]:
    return {(row.system, row.code): row for row in _procedure_rows("procedure_codes.csv")}


@cache
def device_codes() -> dict[tuple[str, str], ProcedureCode]:
    return {(row.system, row.code): row for row in _procedure_rows("device_codes.csv")}


def _term_pattern(term: str) -> re.Pattern[str]:
    # "psychiatr*" matches a word starting with "psychiatr"; "tms" only the whole word.
    if term.endswith("*"):
        return re.compile(r"\b" + re.escape(term[:-1]))
    return re.compile(r"\b" + re.escape(term) + r"\b")


@cache
def terms() -> tuple[Term, ...]:
    return tuple(
        Term(
            kind=row["kind"],
            pattern=_term_pattern(row["term"].lower()),
            applies_to=frozenset(row["applies_to"].split()),
        )
        for row in _rows("procedure_terms.csv")
    )


# Texts up to this length are remembered with their kinds, as tms_safety.text_rows does (issue 14):
# the same condition and procedure names recur across charts, and reading one runs every term's
# pattern. The terms are loaded once per process, so a text always reads the same.
_MEMO_TEXT_MAX = 512


def term_kinds(text: str, applies_to: str) -> tuple[str, ...]:
    """Kinds whose words occur in `text` (already lower-cased), in table order, no repeats."""
    if not text:
        return ()
    if len(text) <= _MEMO_TEXT_MAX:
        return _remembered_term_kinds(text, applies_to)
    return _term_kinds(text, applies_to)


@lru_cache(maxsize=4096)
def _remembered_term_kinds(text: str, applies_to: str) -> tuple[str, ...]:
    return _term_kinds(text, applies_to)


def _term_kinds(text: str, applies_to: str) -> tuple[str, ...]:
    found: list[str] = []
    for term in terms():
        if applies_to in term.applies_to and term.kind not in found and term.pattern.search(text):
            found.append(term.kind)
    return tuple(found)


@cache
def panel_tests() -> dict[str, tuple[str, ...]]:
    """Panel concept -> the tests read from its components (data/lab_panels.csv: an ECG is read
    as its QTc)."""
    found: dict[str, list[str]] = {}
    for row in _rows("lab_panels.csv"):
        found.setdefault(row["panel"], []).append(row["component_test"])
    return {panel: tuple(tests) for panel, tests in found.items()}


@cache
def lab_ranges() -> dict[str, LabRange]:
    def _float(value: str) -> float | None:
        return float(value) if value else None

    return {
        row["test"]: LabRange(
            test=row["test"],
            units=frozenset(u.lower() for u in row["units"].split("|")),
            low=_float(row["low"]),
            high=_float(row["high"]),
            source=row["source"],
            status=row["status"],
            text_units=frozenset(
                u.strip().lower() for u in (row.get("text_units") or "").split("|") if u.strip()
            ),
            text_bound_unit=(row.get("text_bound_unit") or "").strip() or None,
            bare_unit=(row.get("bare_unit") or "").strip() or None,
            bare_low=_float((row.get("bare_low") or "").strip()),
            bare_high=_float((row.get("bare_high") or "").strip()),
            bare_quantity=(row.get("bare_quantity") or "").strip() == "yes",
            unit_bounds=(row.get("unit_bounds") or "").strip() == "yes",
            entry_check=(row.get("unit_bounds") or "").strip() == "check",
        )
        for row in _rows("lab_ranges.csv")
    }


def any_code_in(
    coded: Iterable[tuple[str, str, str]], table: dict[tuple[str, str], ProcedureCode]
) -> ProcedureCode | None:
    """The first table row one of the codings falls under. `coded` is `fhir_fields.codings`
    output: its systems are canonical and its codes stripped already, as the table's are."""
    for system, code, _ in coded:
        row = table.get((system, code))
        if row is not None:
            return row
    return None
