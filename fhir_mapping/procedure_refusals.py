"""A Procedure the patient declined: status `not-done` with a statusReason that says refusal
(data/procedure_refusal_reasons.csv: SNOMED CT 183944003 Procedure refused, 105480006 Refusal of
treatment by patient, 183945002; or its text: "Patient declined ECT").

Read for ECT (review 16 W6: "ECT refused, Procedure 90870 not-done, statusReason Procedure
refused" went unread, and the optimise card offered ECT with nothing said) and TMS (review s29
RK finding 5: a TMS Procedure not-done, statusReason 183944003, went unsaid on the TMS card). It
is never a session: the courses and the Maudsley ECT points read completed procedures only
(procedures_devices.py). A `not-done` Procedure for another reason (contraindicated, not
indicated) is not a refusal and is not read here. A Procedure named in words only whose name
says the refusal ("ECT consultation - patient declined ECT", review s29 RK finding 1) is one
too, whatever its status (`refused_in_words`, the same words).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import term_kinds, terms
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concept_label, concept_words, concepts, whole_words
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, parse_date

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Reasons:
    codes: frozenset[tuple[str, str]]  # (canonical system, code)
    terms: re.Pattern[str]
    # `negated` rows: words just before a refusal word that say it does not hold ("patient no
    # longer declines ECT": recheck K20b s30).
    negated: re.Pattern[str]
    # `undone` rows: words after a refusal that take it back ("now agrees to proceed",
    # "prefers inpatient"; recheck K18 s29 finding 5) when their clause is about the refused
    # treatment (`_takes_back`).
    undone: re.Pattern[str]
    # `same` rows: words in that clause that point back at the refused treatment or a setting of
    # it ("to proceed with", "inpatient course"), never at another one.
    same: frozenset[str]
    # `other` rows: treatments the procedure terms do not name ("ketamine"): a refusal of one
    # ("patient declined ketamine, now agrees to ECT") is not the procedure's (recheck K20b s30).
    other: re.Pattern[str]
    # `someone_else` rows: a person other than the patient ("wife") in the clause of undo words:
    # their agreement is not the patient's consent, the refusal stands (recheck K22 s30).
    someone_else: re.Pattern[str]

    def says_refused(self, words: str, name: str = "") -> bool:
        """A refusal word in `words` (lower-cased), not negated, about this procedure, and not
        taken back by words after it. `name`: the Procedure's own name when `words` is its
        statusReason (what was refused)."""
        return self.refused(words, name) is not None

    def refused(self, words: str, name: str = "") -> str | None:
        """What `says_refused` found refused: the refusal's clause when it names a procedure
        ("declined ect" in "ect consultation - patient declined ect, now agrees to rtms": recheck
        K22 s30, the TMS card read "TMS declined"), else the name and words before it; None
        when there is no refusal."""
        found = [m for m in self.terms.finditer(words) if self._negation(words, m) is None]
        if not found:
            return None
        last = found[-1]
        undos = self._undos(words, last.end())
        refused = _clause(words[last.end() : undos[0][0] if undos else len(words)])
        if self._of_other(refused):
            return None
        for start, end in undos:
            # A relative's agreement is not the patient's ("wife now agrees to ECT").
            if self.someone_else.search(_last_clause(words[last.end() : start])):
                continue
            if self._takes_back(f"{name} {words[:start]}", words[end:]):
                return None
        return refused if term_kinds(refused, "procedure") else f"{name} {words[: last.start()]}"

    def _undos(self, words: str, after: int) -> list[tuple[int, int]]:
        """Spans of the words after `after` that may take a refusal back: `undone` rows and a
        negated refusal ("no longer declines"), which is held to the same clause rule (recheck
        K22 s30: "declined ECT; no longer declines lithium" dropped the ECT refusal)."""
        spans = [(m.start(), m.end()) for m in self.undone.finditer(words, after)]
        for found in self.terms.finditer(words, after):
            negation = self._negation(words, found)
            if negation is not None:
                spans.append((negation, found.end()))
        return sorted(spans)

    def _negation(self, words: str, refusal: re.Match[str]) -> int | None:
        """Where a negation right before `refusal` starts ("no longer declines"), else None."""
        before = words[: refusal.start()].rstrip()
        for m in self.negated.finditer(before):
            if m.end() == len(before):
                return m.start()
        return None

    def _of_other(self, refused: str) -> bool:
        """Whether what the refusal names is another treatment only ("declined ketamine"): an
        `other` row and no procedure term ("declined ECT and ketamine" stays this one's)."""
        return self.other.search(refused) is not None and not term_kinds(refused, "procedure")

    def _takes_back(self, before: str, after: str) -> bool:
        """Whether the clause after the undo words is about the treatment refused before them:
        only words pointing back at it or its setting up to where it names it ("now agrees to
        ECT after ketamine failed"), or to the clause's end ("now agrees to proceed", "prefers
        inpatient course"). Any other word first is another treatment, named by a table or not
        ("now agrees to lithium augmentation", "now wants to try a different medication",
        "prefers outpatient CBT", "now wants ketamine instead of ECT": recheck K20b s30,
        replacing K19b's list of other treatments)."""
        clause = _clause(after)
        # Nothing named before ("pt declined, now agrees to ECT"): the refused is this one.
        named = set(term_kinds(before, "procedure"))
        starts = [
            found.start()
            for term in terms()
            if "procedure" in term.applies_to and (term.kind in named or not named)
            for found in term.pattern.finditer(clause)
        ]
        lead = clause[: min(starts)] if starts else clause
        return all(word in self.same for word in _WORD.findall(lead))


# Where the clause a refusal or the undo words open ends: "declined ECT; prefers ..." ends at
# the next mark.
_CLAUSE_END = re.compile(r"[,;.:()]")
_WORD = re.compile(r"[a-z0-9]+")


def _clause(text: str) -> str:
    return _CLAUSE_END.split(text, maxsplit=1)[0]


def _last_clause(text: str) -> str:
    return _CLAUSE_END.split(text)[-1]


@cache
def _reasons() -> _Reasons:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/procedure_refusal_reasons.csv")
        .read_text("utf-8")
    )
    codes: set[tuple[str, str]] = set()
    words: dict[str, list[str]] = {
        k: [] for k in ("term", "negated", "undone", "same", "other", "someone_else")
    }
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "code":
            codes.add((canonical_system(row["system"]), row["code"]))
        elif row["kind"] in words:
            words[row["kind"]].append(row["term"].lower())
    return _Reasons(
        frozenset(codes),
        whole_words(words["term"]),
        whole_words(words["negated"]),
        whole_words(words["undone"]),
        frozenset(words["same"]),
        whole_words(words["other"]),
        whole_words(words["someone_else"]),
    )


# The statuses whose statusReason can say the patient refused: `not-done`, and a course's
# `stopped` / `on-hold` (recheck K18 s29 finding 1: a TMS Procedure `stopped`, statusReason
# 183944003 Procedure refused, read as a course "stopped after 1 session" whose reason was not on
# record; R4 gives statusReason to every status, and "refused" says none was given).
_REFUSABLE = frozenset({"not-done", "stopped", "on-hold"})


def refusal_reason(resource: Resource) -> str | None:
    """The statusReason as the record words it ("Patient declined ECT") when the Procedure is
    `not-done` (or `stopped` / `on-hold`: `_REFUSABLE`) and the reason says the patient
    refused, else None."""
    status = resource.get("status")
    # A malformed status (an object, a list) is no refusal, never a crash (tests/fuzz).
    if not isinstance(status, str) or status not in _REFUSABLE:
        return None
    table = _reasons()
    code = resource.get("code")
    name = concept_words(code).lower() if isinstance(code, Mapping) else ""
    for concept in concepts(resource.get("statusReason")):
        label = concept_label(concept) or ""
        coded = codings(concept)
        if any((system, code) in table.codes for system, code, _ in coded) or (
            table.says_refused(label.lower(), name)
            or any(table.says_refused(display.lower(), name) for _, _, display in coded)
        ):
            return label or "refused"
    return None


def refused_in_words(label: str) -> bool:
    """Whether a Procedure's own name (lower-cased) says the patient refused it, by the words a
    statusReason is read by ("ECT consultation - patient declined ECT"), unless words after it
    take it back ("initially declined, now agrees to proceed")."""
    return _reasons().says_refused(label)


def refused_kinds(kinds: tuple[str, ...], reason: str, name: str) -> tuple[str, ...]:
    """Of a Procedure's `kinds`, those its refusal (`reason`, the statusReason or its own name;
    `name`: its name) names: "ECT consultation - patient declined ECT, now agrees to rTMS" is
    an ECT refusal, not a TMS one (recheck K22 s30). All of them when it names none of them
    ("Procedure refused"): a refusal is never lost to its words."""
    words, name = reason.lower(), name.lower()
    # Read by its own name (no statusReason said it): the name is the reason, not what it
    # refers back to (its "rtms" would make "now agrees to rtms" the refused one's).
    refused = _reasons().refused(words, "" if name in words else name) or ""
    named = term_kinds(refused, "procedure")
    return tuple(kind for kind in kinds if kind in named) or kinds


def recorded_on(resource: Resource, performed: date | None) -> date | None:
    """The day the refusal is dated: performed[x] when the sender gives it (a planned date), else
    meta.lastUpdated, the only date FHIR R4 gives a `not-done` Procedure without one. That is
    when the server last stored it, so a card says "recorded", never that the patient declined
    on that day."""
    if performed is not None:
        return performed
    meta = resource.get("meta")
    return parse_date(meta.get("lastUpdated")) if isinstance(meta, JSON_OBJECT) else None
