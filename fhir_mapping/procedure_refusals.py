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
from fhir_mapping.text_bounds import CLAUSE_OR_BRACKET, first_piece, last_piece

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
    # treatment (`_taken_back`) and they are the patient's (`_by_patient`).
    undone: re.Pattern[str]
    # `same` rows: words in that clause that point back at the refused treatment or a setting of
    # it ("to proceed with", "inpatient course"), never at another one.
    same: frozenset[str]
    # `other` rows: treatments the procedure terms do not name ("ketamine"): a refusal of one
    # ("patient declined ketamine, now agrees to ECT") is not the procedure's (recheck K20b s30).
    other: re.Pattern[str]
    # `someone_else` rows: a person other than the patient ("wife", "mom", "team") named after the
    # undo words ("now agrees to ECT per wife") or in their clause: not the patient's consent.
    someone_else: frozenset[str]
    # `patient` rows: the only subjects whose undo words take a refusal back (recheck K24b s30:
    # "mom now agrees", "team now agrees" dropped it; any subject not listed keeps it, so a
    # person no table names is never read as the patient). `joins` rows: words that join
    # clauses or treatments ("but now agrees", "rTMS and ECT"), no subject.
    patient: frozenset[str]
    joins: frozenset[str]
    # `attribution` rows: words after the undo words that say whose word it is ("now agrees to
    # ECT (per husband)", ", per mom": recheck K25a s30): a `someone_else` after one, in any
    # later clause, keeps the refusal. `reporting` rows: a teller before the subject ("mother
    # reports pt now agrees"): the subject is the one after them, and it must be the patient.
    attribution: re.Pattern[str]
    reporting: frozenset[str]
    # `not_consent` rows: what agreeing to is not agreeing to the treatment ("now agrees to ECT
    # consult only"). `all_of` rows: every refused treatment ("declined ECT and rTMS, now agrees
    # to both"); undo words naming none of several refused ones take none back (K25a s30).
    not_consent: frozenset[str]
    all_of: frozenset[str]

    def says_refused(self, words: str, name: str = "") -> bool:
        """A refusal word in `words` (lower-cased), not negated, about this procedure, and not
        taken back by words after it. `name`: the Procedure's own name when `words` is its
        statusReason (what was refused)."""
        return self.refused(words, name) is not None

    def refused(self, words: str, name: str = "") -> frozenset[str] | None:
        """The procedure kinds `says_refused` found still refused: those the refusal's clause
        names ("declined ect" in "ect consultation - patient declined ect, now agrees to rtms":
        recheck K22 s30), else those of the name and words before it (all kinds when they name
        none), less those the patient's undo words name ("declined ECT and rTMS, now agrees to
        rTMS" keeps ECT: recheck K24b s30); None when there is no refusal or all are taken back."""
        found = [m for m in self.terms.finditer(words) if self._negation(words, m) is None]
        if not found:
            return None
        last = found[-1]
        undos = self._undos(words, last.end())
        refused = _clause(words[last.end() : undos[0][0] if undos else len(words)])
        if self._of_other(refused):
            return None
        named = frozenset(
            term_kinds(refused, "procedure")
            or term_kinds(f"{name} {words[: last.start()]}", "procedure")
        )
        kinds = named or _procedure_kinds()
        for start, end in undos:
            if not self._by_patient(words[last.end() : start], words[end:]):
                continue
            clause = _clause(words[end:])
            # "declined ECT and rTMS, now agrees": which one is not said; keeping both asks to
            # revisit them with the patient, the safer reading.
            unnamed = not _procedure_terms(clause) and not set(_WORD.findall(clause)) & self.all_of
            if len(named) > 1 and unnamed:
                continue
            back = self._taken_back(clause, kinds)
            # A refusal naming nothing ("pt initially declined, now agrees to proceed with ECT")
            # was of what the patient now agrees to: all of it is taken back.
            kinds = kinds - back if named or not back else frozenset()
            if not kinds:
                return None
        return kinds

    def _by_patient(self, before: str, after: str) -> bool:
        """Whether undo words are the patient's: their clause before them has no subject or a
        `patient` one ("now agrees", "but pt now agrees"), only `joins`/`same` words and
        procedure terms beside it, and their clause after names no `someone_else` ("per wife").
        "mom now agrees", "team now agrees", "legal guardian now agrees" are not: a guardian's
        consent may be valid for a minor, but the card only asks to revisit the refusal with the
        patient, which is the safer reading when the record says the patient declined."""
        subject = _WORD.findall(_without_terms(_last_clause(before)))
        told = [i for i, word in enumerate(subject) if word in self.reporting]
        if told:
            # "husband reports she now agrees": the patient must be named after the teller.
            subject = subject[told[-1] + 1 :]
            if not set(subject) & self.patient:
                return False
        allowed = self.patient | self.joins | self.same
        if not all(word in allowed for word in subject) and not (
            # "pt and mom now agree", "mom and pt now agree": the patient is among them.
            set(subject) & self.patient
            and all(word in allowed | self.someone_else for word in subject)
        ):
            return False
        if any(word in self.someone_else for word in _WORD.findall(_clause(after))):
            return False
        # "now agrees to ECT (per husband)", "..., per mom": whose word it is, past the clause.
        return not any(
            set(_WORD.findall(_clause(after[found.end() :]))) & self.someone_else
            for found in self.attribution.finditer(after)
        )

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

    def _taken_back(self, clause: str, refused: frozenset[str]) -> frozenset[str]:
        """The refused kinds the clause after undo words takes back: those it names from its
        start with only `same` words before them and `joins` between them ("now agrees to ECT
        after ketamine failed", "to rTMS and ECT"), all of them when it names none and has only
        `same` words ("now agrees to proceed", "prefers inpatient course"), none when another
        word comes first: another treatment, named by a table or not ("now agrees to lithium
        augmentation", "now wants ketamine instead of ECT": recheck K20b s30)."""
        if set(_WORD.findall(clause)) & self.not_consent:
            return frozenset()
        named: set[str] = set()
        at = 0
        for start, end, kind in _procedure_terms(clause):
            if start >= at:
                allowed = self.joins | self.same if named else self.same
                if not set(_WORD.findall(clause[at:start])) <= allowed:
                    break
            named.add(kind)
            at = max(at, end)
        if named:
            return refused & frozenset(named)
        pointing = self.same | self.all_of
        return refused if set(_WORD.findall(clause)) <= pointing else frozenset()


def _procedure_terms(text: str) -> list[tuple[int, int, str]]:
    """Where procedure terms are in `text` (start, end, kind), in order."""
    return sorted(
        (found.start(), found.end(), term.kind)
        for term in terms()
        if "procedure" in term.applies_to
        for found in term.pattern.finditer(text)
    )


def _without_terms(text: str) -> str:
    """`text` with its procedure terms blanked: they are what was refused, not a subject."""
    chars = list(text)
    for start, end, _ in _procedure_terms(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


@cache
def _procedure_kinds() -> frozenset[str]:
    """Every procedure kind: what a refusal naming none refuses ("Procedure refused")."""
    return frozenset(term.kind for term in terms() if "procedure" in term.applies_to)


_WORD = re.compile(r"[a-z0-9]+")


def _clause(text: str) -> str:
    return first_piece(text, CLAUSE_OR_BRACKET)


def _last_clause(text: str) -> str:
    return last_piece(text, CLAUSE_OR_BRACKET)


@cache
def _reasons() -> _Reasons:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/procedure_refusal_reasons.csv")
        .read_text("utf-8")
    )
    codes: set[tuple[str, str]] = set()
    words: dict[str, list[str]] = {
        k: []
        for k in (
            "term",
            "negated",
            "undone",
            "same",
            "other",
            "someone_else",
            "patient",
            "joins",
            "attribution",
            "reporting",
            "not_consent",
            "all_of",
        )
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
        frozenset(words["someone_else"]),
        frozenset(words["patient"]),
        frozenset(words["joins"]),
        whole_words(words["attribution"]),
        frozenset(words["reporting"]),
        frozenset(words["not_consent"]),
        frozenset(words["all_of"]),
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
    refused = _reasons().refused(words, "" if name in words else name) or frozenset()
    return tuple(kind for kind in kinds if kind in refused) or kinds


def recorded_on(resource: Resource, performed: date | None) -> date | None:
    """The day the refusal is dated: performed[x] when the sender gives it (a planned date), else
    meta.lastUpdated, the only date FHIR R4 gives a `not-done` Procedure without one. That is
    when the server last stored it, so a card says "recorded", never that the patient declined
    on that day."""
    if performed is not None:
        return performed
    meta = resource.get("meta")
    return parse_date(meta.get("lastUpdated")) if isinstance(meta, JSON_OBJECT) else None
