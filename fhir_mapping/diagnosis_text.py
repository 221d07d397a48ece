"""Diagnoses named only in a Condition's text: the kinds that stop or gate a card.

Real problem lists carry text-only entries (Oracle Health "health concerns", outside records typed
in: "Bipolar II disorder per outside psychiatrist"). A bipolar, psychotic, epileptic or catatonic
patient whose diagnosis is only text would otherwise be proposed TMS or an antidepressant without
cover (vendor README trap 10); a substance use disorder typed in ("Alcohol use disorder, severe")
would go unreviewed, and duloxetine be offered beside it. Read only when no coding of the Condition matched the code tables
(codes win), with the TMS screen's NegEx-style negation ("no history of seizure disorder",
"family history of bipolar" are not the patient's). The terms are data (data/diagnosis_terms.csv).

Depression itself is never read from text as DEPRESSION: it qualifies a patient for TMS and payers
require a coded diagnosis, so text alone must not open that door. Major depression in words
("Major depression, recurrent (CMS/HCC)") is read as its own kind, DEPRESSION_TEXT, so that the
cards say the problem is recorded but not coded, instead of "no depression diagnosis on the
problem list" (review 16 W3); a text that also names bipolar disorder ("bipolar II, most recent
episode major depressive") is not read as it: the bipolar reading decides. Uncertain wording ("rule out
bipolar") is read as the finding: it blocks TMS and raises the diagnosis-review card, the safer
direction, and the card names the text so the clinician can judge it.

Suicidal ideation is also read as the abbreviation "SI", a whole word only ("+SI", "SI: yes",
"endorses SI"; not "SIG", "SIADH", "basis"; session 28 fix fx-selfharm2): a problem or a visit
reason typed "SI" raised no suicide-risk card. Rows of kind `lookalike` are words that hold a term
and name something else ("SI joint", the sacroiliac joint), blanked before the terms are read; so
is "SI" beside the sacroiliac joint's words ("Left SI inj", "SI arthritis": abbreviation_context.py,
recheck K7 s28 finding 3). Suicidal ideation in words as EDs write it ("Suicidal", "suicidal
thoughts", "thoughts of killing herself", "wants to kill himself") is rows of its own (recheck K7
s28 finding 1).

Withdrawal from a benzodiazepine, barbiturate or z-drug named by its generic or brand name
("Klonopin withdrawal", "Withdrawal from Xanax", "Benzodiazepine w/d") is read as sedative
withdrawal, both kinds the terms table gives "benzo withdrawal" (substance use, and the
withdrawal that contraindicates bupropion): the names are data (data/sedative_names.csv; recheck
K16 s29 finding 2: they offered bupropion plainly).

A withdrawal written as history ("Hx of alcohol withdrawal", "history of benzo withdrawal":
each mention after a word of past time in its clause, the `clause_time` words self-harm's reading
uses, data/self_harm_terms.csv) is a past episode (`said_as_past`): condition_text.py reads it
as the same withdrawal coded and resolved is read, not as a current contraindication (recheck
K16 s29 finding 4); "Alcohol withdrawal", "currently in alcohol withdrawal" stay current. So is
one to rule out ("Rule out benzo withdrawal", "r/o xanax withdrawal": data/differential_cues.csv,
a differential, not a diagnosis) and one said resolved after it ("Klonopin withdrawal -
resolved"): `said_as_not_current` (recheck K17 s29 finding 6). The withdrawal words read beside
a name include the misspelling "withdrawl", "WD", "detox" and the bupropion label's "abrupt
discontinuation of" ("Abrupt discontinuation of Xanax", "Benzodiazepine detox"); alcohol and EtOH
are names of data/sedative_names.csv too, so "Alcohol detox" reads as "Alcohol withdrawal".
A withdrawal after the use, dependence or abuse it belongs to ("Alcohol use disorder, in
withdrawal", "Alcohol dependence with withdrawal, uncomplicated", every ICD-10-CM F10.x3x and
F13.x3x display) is that substance's withdrawal when alcohol or a sedative is the substance named
nearest before it in its sentence; an opioid, cannabis, stimulant or nicotine named nearer
and not joined to it ("alcohol and opioid") keeps it out (`_governed`; RM s29, K19a s29).

A relative written as the subject of a seizure, withdrawal, substance-use, SI or bipolar mention
("Father with alcohol withdrawal seizures", "Sister with SI, family stress", "mother bipolar";
relative_diagnosis.py) makes it the relative's, as self_harm_subject.py reads a relative's
suicide attempts; and a withdrawal mention that is
counselling, an inquiry or a relative's ("Counselled: abrupt discontinuation of Xanax not
advised", "Inquired about alcohol detox programs for brother") or a past episode the words date
("Alcohol detox 2015, sober since") is read as withdrawal_context.py says (review s29 RQ4
findings 2-3).

Rows of kind `substance-use-in-remission` ("in sustained remission") are qualifiers, not
diagnoses: "in remission" alone names no disorder ("MDD in remission"), so they are read only on
a Condition coded, or named in its text, as substance use (`says_in_remission`, review 7 finding 8).
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.abbreviation_context import blank_out_of_context
from fhir_mapping.gestation_text import gestation_stated
from fhir_mapping.ideation_lookalike import blank_other_meanings
from fhir_mapping.quoted_answer import blank_quoted_negatives
from fhir_mapping.record import FindingKind
from fhir_mapping.relative_diagnosis import family_shared, relatives
from fhir_mapping.text_negation import negated_inside, scope_after, scope_before, term_pattern
from fhir_mapping.tms_safety import negated, normalise_text
from fhir_mapping.withdrawal_context import current_after, not_patients, past_episode

# Qualifier rows of the terms table: read by `says_in_remission`, never as a diagnosis.
_QUALIFIERS = frozenset({FindingKind.SUBSTANCE_USE_IN_REMISSION})

# Rows of this kind are look-alikes, not diagnoses: words that hold a term and name something
# else ("SI joint", the sacroiliac joint, holds "SI", suicidal ideation), blanked before reading.
_LOOKALIKE = "lookalike"


def _rows() -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath("data/diagnosis_terms.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _compiled(term: str) -> re.Pattern[str]:
    return term_pattern(term.strip().lower())


# The kinds a named sedative's withdrawal is read as: those of the terms table's "benzo withdrawal".
_SEDATIVE_WITHDRAWAL = (FindingKind.SUBSTANCE_USE, FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL)


def _names(other: bool) -> str:
    """The names of data/sedative_names.csv as one alternation (a closing `*` any ending:
    "benzodiazepines"): the sedatives' and alcohol's, or (`other`) the rows of group
    `other-substance`, named only to decide whose a "with withdrawal" is."""
    text = resources.files("fhir_mapping").joinpath("data/sedative_names.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    names = sorted(
        (r["name"].strip().lower() for r in rows if (r["group"] == _OTHER_SUBSTANCE) is other),
        key=len,
        reverse=True,
    )
    return "|".join(re.escape(n.rstrip("*")) + (r"\w*" if n.endswith("*") else "") for n in names)


# Rows of data/sedative_names.csv naming a substance whose withdrawal is not the bupropion
# contraindication (opioids, cannabis, stimulants, nicotine): never read as a withdrawal, only
# to stop a sedative named before them governing a "with withdrawal" after them.
_OTHER_SUBSTANCE = "other-substance"


@cache
def _sedative_withdrawal() -> re.Pattern[str]:
    """ "<name> withdrawal", "<name> w/d" or "withdrawal from <name>" (the words of
    `_WITHDRAWAL_WORD` and `_WITHDRAWAL_OF`) for each sedative name of data/sedative_names.csv;
    and a withdrawal governed by the name before it (`_governed`)."""
    body = _names(other=False)
    # Governed first: "Father with alcohol withdrawal; in withdrawal" reads on (recheck K19a t22).
    return re.compile(
        rf"{_governed(body, _names(other=True))}"
        rf"|\b(?:(?:{body})\s+{_WITHDRAWAL_WORD}(?!\w)|{_WITHDRAWAL_OF}\s+(?:{body})\b)"
    )


def _governed(body: str, other: str) -> str:
    """ "<name> ... with withdrawal" or "<name> ..., in withdrawal": the ICD-10-CM F10.x3x and
    F13.x3x displays ("Alcohol dependence with withdrawal, uncomplicated", "Sedative, hypnotic or
    anxiolytic abuse with withdrawal delirium", "Alcohol use, unspecified with withdrawal") and a
    problem typed "Alcohol use disorder, in withdrawal" (review RM s29 finding 1: read as alcohol
    use only, bupropion offered), in the name's clause or a later one of its sentence ("..., not
    in remission, in withdrawal", "...; in withdrawal": recheck K19a s29 w01, t22). The substance
    named nearest before it decides ("Alcohol dependence, opioid dependence with withdrawal": the
    opioid's, not read), unless joined to the name ("Alcohol and opioid use disorder", "(alcohol,
    opioids)": read as the sedative's, the safer reading; K19a w02, w03). The withdrawal's own
    clause (group `last`) holds its negation (`_negated_governed`), relative or past (`_start`)."""
    between = rf"(?:(?!\b(?:{body}|{other})\b)[^;.,])*"
    joined = rf"(?:(?:\s*[,/&]\s*|\s+(?:and|or)\s+)(?:{other})\b)*"
    return (
        rf"\b(?:{body})\b{joined}(?:{between}[,;])*"
        rf"(?P<last>{between}(?P<words>\b(?:with|in)\s+{_WITHDRAWAL_WORD}))(?!\w)"
    )


def _start(m: re.Match[str]) -> int:
    """Where a mention's own words start: a governed withdrawal's "in withdrawal" (`_governed`)
    when its name stands in an earlier clause ("..., father with withdrawal seizures" is the
    father's), else the mention's start."""
    if m.re is not _sedative_withdrawal() or m.group("last") is None:
        return m.start()
    crossed = re.search(r"[,;]", m.string[m.start() : m.start("last")])
    return m.start("words") if crossed else m.start()


# Chart words for a withdrawal after the name ("Klonopin withdrawal", the misspelling "Xanax
# withdrawl", "Klonopin WD", "Benzodiazepine detox": detox is a managed withdrawal) and before it
# ("withdrawal from", "detox from", and the bupropion label's own words "abrupt discontinuation
# of": recheck K17 s29 finding 6). Chart wording, not a clinical fact; the names are data.
_WITHDRAWAL_WORD = r"(?:withdrawal|withdrawl|w/d|wd|detox(?:ification)?)"
_WITHDRAWAL_OF = r"(?:(?:withdrawal|withdrawl|detox)\s+(?:from|of)|abrupt\s+discontinuation\s+of)"


@cache
def _all_terms() -> tuple[tuple[FindingKind, re.Pattern[str]], ...]:
    named = _sedative_withdrawal()
    return tuple(
        (FindingKind(row["kind"]), _compiled(row["term"]))
        for row in _rows()
        if not row["kind"].startswith(_LOOKALIKE)
    ) + tuple((kind, named) for kind in _SEDATIVE_WITHDRAWAL)


@cache
def _lookalikes() -> tuple[re.Pattern[str], ...]:
    return tuple(_compiled(row["term"]) for row in _rows() if row["kind"] == _LOOKALIKE)


def _blank_lookalikes(text: str) -> str:
    """`text` with each look-alike phrase ("si joint"), abbreviation in another meaning's context
    ("Left SI inj": abbreviation_context.py) and ideation word meaning something else ("want to
    live with her mother": ideation_lookalike.py) blanked, same length (positions stay)."""
    for pattern in _lookalikes():
        text = pattern.sub(lambda m: " " * len(m.group()), text)
    return blank_other_meanings(blank_out_of_context(blank_quoted_negatives(text)))


@cache
def _terms() -> tuple[tuple[FindingKind, re.Pattern[str]], ...]:
    return tuple(t for t in _all_terms() if t[0] not in _QUALIFIERS)


@cache
def _remission_terms() -> tuple[re.Pattern[str], ...]:
    return tuple(p for kind, p in _all_terms() if kind is FindingKind.SUBSTANCE_USE_IN_REMISSION)


@lru_cache(maxsize=1024)
def says_in_remission(text: str) -> bool:
    """Whether a substance-use Condition's text or display says it is in remission ("Alcohol use
    disorder, severe, in sustained remission"), not negated ("not in remission") and not ended
    after it ("sober since, relapsed, now in withdrawal": withdrawal_context.current_after)."""
    text = normalise_text(text)
    return any(
        not negated(text, m.start(), m.end()) and not current_after(text, m.start())
        for pattern in _remission_terms()
        for m in pattern.finditer(text)
    )


def _inside_longer(text: str, kind: FindingKind, found: re.Match[str]) -> bool:
    """Whether a longer term of the same kind holds this mention ("suicidal" in "Suicidal
    ideation/homicidal ideation: denies"): the longer term's reading decides, its checklist
    answer included (recheck K7 s28 finding 4)."""
    return any(
        _start(m) <= found.start()
        and m.end() >= found.end()
        and m.end() - m.start() > found.end() - found.start()
        and not _negated_governed(m)
        for other, pattern in _terms()
        if other is kind
        for m in pattern.finditer(text)
    )


def _negated_governed(m: re.Match[str]) -> bool:
    """Whether a governed withdrawal (its span runs from the name to the word: `_governed`) is
    negated inside ("Alcohol use disorder, not in withdrawal"): no withdrawal, and no longer term
    holding the use disorder named in it (`_inside_longer`)."""
    if m.re is not _sedative_withdrawal() or m.group("last") is None:
        return False
    if _start(m) == m.start():
        return negated_inside(m.group())
    # Its own clause after the name's word: "not in remission" before it negates no withdrawal.
    return negated_inside(m.group().split()[0] + " " + m.group("last"))


@lru_cache(maxsize=1024)
def _terms_blanked(text: str) -> str:
    """`text` with every term mention blanked, same length: a relative governs the mentions after
    it whatever other terms stand between ("Father with alcohol withdrawal seizures")."""
    chars = list(text)
    # Every match read on the text as given, so overlapping terms ("alcohol withdrawal",
    # "withdrawal seizure") each blank their own words; clause ends stay, and a governed
    # withdrawal blanks only its own words (`_start`): a relative governs only its own clause.
    for _, pattern in _terms():
        for m in pattern.finditer(text):
            for i in range(_start(m), m.end()):
                chars[i] = chars[i] if chars[i] in ".;,:" else " "
    return "".join(chars)


# The kinds a withdrawal mention gives whose counselling, inquiry or relative after it is no
# finding (withdrawal_context.py; review s29 RQ4 finding 3).
_WITHDRAWAL_KINDS = frozenset({FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL, FindingKind.SUBSTANCE_USE})


def _asserted(text: str, kind: FindingKind, found: re.Match[str]) -> bool:
    """Whether the mention is the patient's: not negated (before or after it, or inside a governed
    withdrawal: `_negated_governed`), no relative's (relative_diagnosis.py: "Father with alcohol
    withdrawal seizures", "mother bipolar"), and for a withdrawal mention no counselling, inquiry
    or relative's (withdrawal_context.py)."""
    start = _start(found)
    if negated(text, start, found.end()) or _negated_governed(found):
        # "FHx bipolar, pt also": the family's and the patient's (relative_diagnosis, fix bip69).
        return family_shared(text, kind, start, found.end())
    if kind in _WITHDRAWAL_KINDS and not_patients(text, start, found.end()):
        return False
    return not relatives(_terms_blanked(text), text, kind, start, found.end())


@lru_cache(maxsize=4096)
def text_kinds(text: str) -> tuple[FindingKind, ...]:
    """The kinds `text` asserts (not negated, not a relative's), in table order, no repeats."""
    text = _blank_lookalikes(normalise_text(text))
    if not text.strip():
        return ()
    kinds: list[FindingKind] = []
    for kind, pattern in _terms():
        if kind in kinds:
            continue
        if any(
            _asserted(text, kind, m) and not _inside_longer(text, kind, m)
            for m in pattern.finditer(text)
        ):
            kinds.append(kind)
    if FindingKind.PREGNANCY not in kinds and gestation_stated(text):
        kinds.append(FindingKind.PREGNANCY)  # "G2P1 at 20 wks" (gestation_text.py, fix tms59)
    if FindingKind.BIPOLAR in kinds and FindingKind.DEPRESSION_TEXT in kinds:
        # "Bipolar II disorder, most recent episode major depressive" is bipolar depression, not
        # a unipolar problem waiting for its code.
        kinds.remove(FindingKind.DEPRESSION_TEXT)
    if FindingKind.DEPRESSION_WORDS in kinds and (
        FindingKind.DEPRESSION_TEXT in kinds or FindingKind.BIPOLAR in kinds
    ):
        # Words that name major depression or bipolar disorder are read as that (review s23 RO
        # finding 4: DEPRESSION_WORDS is only the depression no other reading took).
        kinds.remove(FindingKind.DEPRESSION_WORDS)
    return tuple(kinds)


@cache
def past_words() -> re.Pattern[str]:
    """The words of past time ("history of", "hx of", "h/o", "past", "prior", "previous"): the
    `clause_time` rows self-harm's reading uses (self_harm_scope.py), one list of them."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    words = sorted(
        (normalise_text(row["term"]) for row in rows if row["role"] == "clause_time"),
        key=len,
        reverse=True,
    )
    return re.compile(r"(?<![\w'])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w'])")


def _asserted_mentions(text: str, kind: FindingKind) -> list[re.Match[str]]:
    """The mentions of `kind` in `text` (normalised, lookalikes blanked) that are asserted."""
    return [
        m
        for other, pattern in _terms()
        if other is kind
        for m in pattern.finditer(text)
        if _asserted(text, kind, m)
    ]


@lru_cache(maxsize=1024)
def said_as_past(text: str, kind: FindingKind) -> bool:
    """Whether every asserted mention of `kind` in `text` follows a word of past time in its
    clause ("Hx of alcohol withdrawal"; module docstring); False when none is asserted."""
    text = _blank_lookalikes(normalise_text(text))
    mentions = _asserted_mentions(text, kind)
    past = past_words()
    return bool(mentions) and all(past.search(scope_before(text, _start(m))) for m in mentions)


# A mention said to be over after it, in its clause ("Klonopin withdrawal - resolved"), unless
# negated ("not resolved", "unresolved" is another word): past, as "history of" is (recheck K17
# s29 finding 6). Chart wording, as the clause-time words are.
OVER_AFTER = re.compile(r"(?<![\w'])(?<!not )(?<!never )resolved(?![\w'])")


@cache
def rule_out_cues() -> re.Pattern[str]:
    """The rule-out cues of data/differential_cues.csv ("r/o", "rule out"); differential_text.py
    reads a bipolar diagnosis to rule out with them too."""
    text = resources.files("fhir_mapping").joinpath("data/differential_cues.csv")
    cues = [r["cue"].strip().lower() for r in csv.DictReader(text.read_text("utf-8").splitlines())]
    alternation = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)")


@lru_cache(maxsize=1024)
def said_as_not_current(text: str, kind: FindingKind) -> bool:
    """Whether no asserted mention of `kind` in `text` is a current one: each follows a word of
    past time (`said_as_past`) or a rule-out cue ("Rule out benzo withdrawal", "r/o xanax
    withdrawal": one being considered, not a diagnosis; data/differential_cues.csv) in its clause,
    or is said resolved after it in its clause ("Klonopin withdrawal - resolved"); recheck K17
    s29 finding 6. False when none is asserted."""
    text = _blank_lookalikes(normalise_text(text))
    mentions = _asserted_mentions(text, kind)
    past, cue = past_words(), rule_out_cues()

    def over(m: re.Match[str]) -> bool:
        before = scope_before(text, _start(m))
        after = scope_after(text, m.end())
        return bool(past.search(before) or cue.search(before) or OVER_AFTER.search(after))

    return bool(mentions) and all(over(m) for m in mentions)


@lru_cache(maxsize=1024)
def said_to_rule_out(text: str, kind: FindingKind) -> bool:
    """Whether every asserted mention of `kind` (at least one) follows a rule-out cue in its clause
    ("r/o OSA": considered, not diagnosed; the cues differential_text.py reads; fix dx69)."""
    text = _blank_lookalikes(normalise_text(text))
    mentions = _asserted_mentions(text, kind)
    cue = rule_out_cues()
    return bool(mentions) and all(cue.search(scope_before(text, _start(m))) for m in mentions)


@lru_cache(maxsize=1024)
def said_as_dated_past(text: str, kind: FindingKind, before: int | None) -> bool:
    """Whether every asserted mention of `kind` in `text` is a withdrawal the words date as past
    ("Alcohol detox 2015", "..., sober since": withdrawal_context.past_episode, a year before
    `before`, the entry's onset year), as "Hx of alcohol withdrawal" is (review s29 RQ4 finding
    3). False when none is asserted."""
    text = _blank_lookalikes(normalise_text(text))
    mentions = _asserted_mentions(text, kind)
    return bool(mentions) and all(past_episode(text, m.start(), m.end(), before) for m in mentions)
