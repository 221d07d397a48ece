"""Why a ward dose was not given (MedicationAdministration.statusReason), read as missed or held
(review s25 RK1 finding 1; data/administration_reasons.csv).

A not-done (or stopped) dose read as missed whatever its reason turned a clinical hold into
non-adherence: one oral dose withheld "NPO for procedure" on a 2-day stay made a 99 % PDC course
"poor". A dose the ward withheld on a clinical reason (NPO, a procedure, a prescriber's hold,
vomiting) is not the patient's choice: it reads HELD, left out of the PDC as an on-hold dose is.

Rules:
- a coding of the table's code rows reads as its row (FHIR R4's example value set
  reason-medication-not-given: None, Away, Asleep, Vomit);
- the text (statusReason.text and the codings' displays; Epic sends text only) reads as the
  table's text rows, each term a whole word or phrase, case-insensitive;
- a reason that reads missed anywhere wins ("held - patient refused" is a refusal): counting a
  refusal as held could call a trial adequate that the MAR shows refused;
- no reason, or none the table knows: missed, as before (the safer reading); on an on-hold dose,
  held (its status says so), but a reason that reads missed wins there too (review s28 RH
  finding 1: "Patient refused" charted on-hold);
- the patient as the agent beside "held" ("Held at patient request", "Held - patient wants to
  discuss with MD") reads missed: the patient's choice, as a refusal (review s28 RH finding 2);
- word forms: a term ending in "*" is a stem ("refus*": "Pt refusing", "Refuse"; review s28 K9
  finding 2), and the patient's other words for not taking it ("did not want", "unwilling",
  "spit out", "cheeked", "noncompliant") read missed;
- a term followed by a possessive names what the patient has ("Held per patient's psychiatrist"
  is the prescriber's hold, held; review s28 K9 finding 3), and a refusal word right after a
  negation is no refusal ("Not refused - held for sedation", "No refusal; held for low BP": K9
  finding 6);
- "asleep", "away", "off unit", "LOA", "out on pass" read missed as the codes c (Asleep) and b
  (Away) do, and win over "held" beside them ("Held - patient asleep"; K9 finding 5);
- precedence tiers (the table's `reading`: session 28 fix dx30): a refusal (`missed`) wins over
  everything; then an eloped word (`eloped`: "eloped", "AWOL", "left AMA", "against medical
  advice") reads missed, whatever errand stands beside it ("Patient eloped from ECT suite": not
  there; session 29 fix ward30); then an away word (`away`: "off unit", code b) reads missed, unless the same reason
  names a clinical errand (`clinical-errand`: a procedure, test, dialysis, surgery, ECT): "Off unit
  for procedure" is a clinical hold, held; then `held` and `clinical-errand` read held;
- a supply problem ("pharmacy unavailable") is not the patient's doing: held (review s25 RK4
  finding 4); "patient unavailable" is the patient away: missed;
- an `on-unit` phrase ("elopement precautions", "elopement risk", "AWOL risk") is the patient
  ON the unit under watch: the away and eloped words inside it are not read, and with a staff
  hold word beside it (`held`: "held", "per MD", "sedated") it reads held, a clinical hold
  ("Held, pt on elopement precautions"; session 29 fix ward30); so are a risk, a watch, an
  attempt or a return ("Patient at risk for elopement; held per provider", "Elopement attempt -
  held for sedation", "Pt returned from AWOL, held per MD", "AMA risk - held": recheck K17 s29
  finding 4), where "Left AMA" still reads eloped. Without a hold word the phrase says why the
  patient was watched, not that the ward withheld the dose: it names nothing, so the dose reads
  as unnamed, missed for a dose not given ("At risk for elopement", "Returned from AWOL": review
  s29 K18 finding 4; the safer reading, as for "off unit"); and a wish to
  leave ("Pt wants to leave AMA, held per MD": the "pt wants" refusal row inside it is no refusal
  of the dose; review RM s29 item 2);
- a refusal word inside an `other-refusal` phrase is no refusal of the dose: someone else refused
  ("pharmacy refused to dispense") or the patient refused something else ("Pt refused labs - med
  held per MD"); the rest of the reason reads on (held), and a reason naming nothing else reads
  as unnamed. Such a phrase followed by "and", "or", "&", "+" or "/" ("refused labs and meds")
  is not one: the refusal may be the dose's (the safer reading; session 29 fix mar30 item 1);
  nor one followed by the dose's noun ("refused lab meds") or by a comma and a list item
  ("refused labs, meds - held per MD"; a comma clause naming a held or errand word, "refused
  ECG, medication held", is the ward's hold: recheck K17 s29 finding 1);
- the statusReason entries read together: an away code in one and a clinical errand in another
  (code b, then the text "Off unit for procedure") read held as one entry naming both does
  (session 29 fix mar30 item 3); a refusal in any entry still wins;
- the words said for a reason (`reason_words`): its text, else its codings' displays, else the
  table's display for its code (review s25 RK4 finding 6: a bare code c reads "Asleep", never
  "no reason stated");
- a dose not given whose reason names a side effect (`names_side_effect`, the adverse-reaction
  words of data/intolerance_reasons.csv: "refused - nausea") is still missed, and the card asks
  about tolerability beside it (review s25 RK4 finding 5).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.intolerance_reasons import intolerance_reason

# The table's precedence tiers (column `reading`; module docstring). An away word ("off unit")
# reads missed unless a clinical-errand word stands beside it ("Off unit for procedure": the ward
# sent the patient for care, a clinical hold; review of fix FDX4, session 28).
_MISSED, _AWAY, _ERRAND, _HELD = "missed", "away", "clinical-errand", "held"
# The patient gone without leave ("eloped", "AWOL", "left AMA"): missed, an errand beside it or
# not ("Patient eloped from ECT suite"); and a phrase naming the patient kept ON the unit
# ("elopement precautions"): the eloped and away words inside it are not read, a clinical hold
# (session 29 fix ward30, review K16).
_ELOPED, _ON_UNIT = "eloped", "on-unit"
# A phrase holding a refusal word that is not the patient refusing the dose ("pharmacy refused",
# "refused labs"): the refusal words inside it are not read (session 29 fix mar30 item 1).
_OTHER = "other-refusal"
_TIERS = frozenset({_MISSED, _ELOPED, _AWAY, _ERRAND, _HELD, _ON_UNIT, _OTHER})
# An other-refusal phrase joined to more ("refused labs and meds", "labs/meds"), or its object
# followed by the dose's own noun ("refused lab meds"): the refusal may be the dose's too, so the
# phrase is not read (the safer reading: missed; recheck K17 s29 finding 1).
_JOINED = r"(?!\s*(?:and\b|or\b|&|\+|/)|\s+(?:meds?|medications?|pills?|doses?)\b)"
# A comma after the phrase begins either a list ("refused labs, meds - held per MD": the refusal
# runs on to the meds) or a clause of its own ("refused ECG, medication held"): the part up to
# the next mark is a list item unless it names a held or clinical-errand word (K17 finding 1).
_AFTER_COMMA = re.compile(r"\s*,([^,;.:()\-]*)")


@dataclass(frozen=True, slots=True)
class _Reasons:
    codes: dict[tuple[str, str], str]  # a code row's tier
    displays: dict[tuple[str, str], str]  # the code system's display of a code row
    texts: dict[str, re.Pattern[str] | None]  # each tier's text terms


# A term the table ends with "*" is a stem ("refus*": refuse, refusing, refused, refusal: review
# s28 K9 finding 2, "Pt refusing" read held). A term followed by a possessive ("per patient's
# psychiatrist") names what the patient has, not the patient's wish (K9 finding 3): no match.
_POSSESSIVE = r"(?!'s\b)"
# A refusal word right after a negation ("Not refused - held for sedation", "No refusal") is no
# refusal (K9 finding 6): only the word just before, so "not given - refused" stays a refusal.
_NEGATED = re.compile(r"\b(?:not|no|never|without)\s+$", re.IGNORECASE)


def _term(term: str) -> str:
    """A table term as a pattern: each word ending in "*" a stem ("refus* labs": "refusing
    labs")."""
    return r"\w*".join(map(re.escape, term.split("*")))


def _pattern(terms: Iterable[str], tail: str = _POSSESSIVE) -> re.Pattern[str] | None:
    found = sorted({t for t in terms if t}, key=len, reverse=True)
    if not found:
        return None
    alternatives = "|".join(map(_term, found))
    return re.compile(r"\b(?:" + alternatives + r")\b" + tail, re.IGNORECASE)


def _names(
    pattern: re.Pattern[str] | None,
    text: str,
    *,
    negatable: bool = False,
    inside: Iterable[tuple[int, int]] = (),
) -> bool:
    """Whether `text` names one of the pattern's terms (a negated one not, when `negatable`;
    none within a span of `inside`: an other-refusal phrase)."""
    if pattern is None:
        return False
    spans = tuple(inside)
    return any(
        not (negatable and _NEGATED.search(text, 0, m.start()))
        and not any(a <= m.start() and m.end() <= b for a, b in spans)
        for m in pattern.finditer(text)
    )


@cache
def _reasons() -> _Reasons:
    path = resources.files("fhir_mapping").joinpath("data/administration_reasons.csv")
    rows = list(csv.DictReader(path.read_text("utf-8").splitlines()))
    unknown = {r["reading"].strip() for r in rows} - _TIERS
    if unknown:
        raise ValueError(f"administration_reasons.csv: unknown reading {sorted(unknown)}")
    codes = {
        (r["system"].strip(), r["term"].strip()): r["reading"].strip()
        for r in rows
        if r["match"].strip() == "code"
    }
    displays = {
        (r["system"].strip(), r["term"].strip()): r["display"].strip()
        for r in rows
        if r["match"].strip() == "code" and r["display"].strip()
    }
    texts = [r for r in rows if r["match"].strip() == "text"]
    return _Reasons(
        codes,
        displays,
        {
            t: _pattern(
                (r["term"].strip() for r in texts if r["reading"].strip() == t),
                _JOINED if t == _OTHER else _POSSESSIVE,
            )
            for t in _TIERS
        },
    )


def _other_refusals(text: str) -> list[tuple[int, int]]:
    """The spans of the other-refusal phrases in `text` that are not joined to more: one followed
    by a comma and a list item ("refused labs, meds") is the patient's refusal running on (module
    docstring; recheck K17 s29 finding 1), not read as someone else's."""
    pattern = _reasons().texts
    other = pattern[_OTHER]
    if other is None:
        return []
    spans: list[tuple[int, int]] = []
    for m in other.finditer(text):
        after = _AFTER_COMMA.match(text, m.end())
        if after is not None and not (
            _names(pattern[_HELD], after.group(1)) or _names(pattern[_ERRAND], after.group(1))
        ):
            continue
        spans.append(m.span())
    return spans


def _touching(
    pattern: re.Pattern[str] | None, text: str, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The spans of the pattern's matches in `text` that overlap one of `spans`."""
    if pattern is None:
        return []
    return [
        m.span()
        for m in pattern.finditer(text)
        if any(m.start() < b and a < m.end() for a, b in spans)
    ]


def _concept_reading(tiers: set[str], text: str) -> DoseReading | None:
    """The statusReasons' reading by the precedence tiers (module docstring): `tiers` are their
    codings' rows, `text` their words; None when they name nothing the table knows."""
    pattern = _reasons().texts
    unit = pattern[_ON_UNIT]
    watched = [m.span() for m in unit.finditer(text)] if unit is not None else []
    # A patient's-wish word sharing words with an on-unit phrase is that phrase's ("Pt wants to
    # leave AMA, held per MD": "pt wants" is the wish to leave, no refusal of the dose; review RM
    # s29 item 2): not read as a refusal. A refusal elsewhere in the reason still wins.
    spans = _other_refusals(text) + _touching(pattern[_MISSED], text, watched)
    if _MISSED in tiers or _names(pattern[_MISSED], text, negatable=True, inside=spans):
        return DoseReading.MISSED
    if _ELOPED in tiers or _names(pattern[_ELOPED], text, negatable=True, inside=watched):
        return DoseReading.MISSED
    errand = _ERRAND in tiers or _names(pattern[_ERRAND], text)
    if _AWAY in tiers or _names(pattern[_AWAY], text, negatable=True, inside=watched):
        return DoseReading.HELD if errand else DoseReading.MISSED
    # An on-unit phrase alone holds nothing (review s29 K18 finding 4: "At risk for elopement",
    # "AMA risk" read held): it only keeps its away and eloped words from being read; the dose
    # is held when the ward's hold word stands beside it ("held", "per MD", "sedated").
    if errand or _HELD in tiers or _names(pattern[_HELD], text):
        return DoseReading.HELD
    return None


def reason_reading(
    status_reasons: object, *, unnamed: DoseReading = DoseReading.MISSED
) -> DoseReading:
    """MISSED or HELD for a dose not given with these statusReason CodeableConcepts (module
    docstring); `unnamed` when no reason the table knows is stated: MISSED for a dose not done,
    HELD for one on hold (review s28 RH finding 1: a refusal named on an on-hold dose wins)."""
    table = _reasons()
    # Every entry read together (session 29 fix mar30 item 3: code b in one entry, "Off unit for
    # procedure" in the next, read missed): their codings' tiers and their words, each entry's
    # apart ("; ": a negation or a phrase never runs from one entry into the next).
    tiers: set[str] = set()
    said: list[str] = []
    for concept in array(status_reasons):
        if not isinstance(concept, JSON_OBJECT):
            continue
        words = [concept.get("text")]
        for coding in array(concept.get("coding")):
            if not isinstance(coding, JSON_OBJECT):
                continue
            words.append(coding.get("display"))
            system, code = coding.get("system"), coding.get("code")
            if isinstance(system, str) and isinstance(code, str):
                found = table.codes.get((system, code))
                if found is not None:
                    tiers.add(found)
        said.append(" ".join(w for w in words if isinstance(w, str)))
    # A typographic apostrophe reads as the table's ("patient’s request").
    text = "; ".join(said).replace("\u2019", "'")
    reading = _concept_reading(tiers, text)
    return unnamed if reading is None else reading


def reason_words(status_reasons: object) -> str:
    """What the ward said for a dose not given ("Patient refused"; "Asleep" for a bare code c),
    "" when nothing: each concept's text, else its codings' displays, else the table's display
    of its code."""
    table = _reasons()
    said: list[str] = []
    for concept in array(status_reasons):
        if not isinstance(concept, JSON_OBJECT):
            continue
        text = concept.get("text")
        if isinstance(text, str) and text.strip():
            said.append(text.strip())
            continue
        codings = [c for c in array(concept.get("coding")) if isinstance(c, JSON_OBJECT)]
        displays = [
            c["display"].strip()
            for c in codings
            if isinstance(c.get("display"), str) and c["display"].strip()
        ]
        if not displays:
            displays = [
                table.displays[(c["system"], c["code"])]
                for c in codings
                # A code that is an object or a list is no code (never a 500 on the lookup).
                if isinstance(c.get("system"), str)
                and isinstance(c.get("code"), str)
                and (c["system"], c["code"]) in table.displays
            ]
        said.extend(displays[:1])
    return "; ".join(dict.fromkeys(said))


def names_side_effect(words: str) -> bool:
    """Whether a reason for a dose not given names an adverse reaction or a side effect
    ("refused - nausea"), by the words a stop reason is read with (intolerance_reasons.py)."""
    return bool(words) and intolerance_reason({"text": words}) is not None
