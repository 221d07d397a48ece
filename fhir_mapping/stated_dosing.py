"""A "Plan:" answer that is a drug and how it is taken, or a count of tablets no dose is (split
from stated_heading.py by idea; session 32 fix heads43, recheck K30a).

Fixes hist36-hist39 read a heading's answer naming a drug of the drug tables with only dosing
words as the treatment plan ("Plan: take lithium nightly", "Plan: sertraline 50 mg, dispense 30
tablets", "Plan: take 2 tabs q6h prn"), and "take" with more tablets than a dose takes
(`plan_take_most`) as no dose ("Plan: take 30 tabs at bedtime" is critical). Recheck K30a:
- a count with a drug's name or no unit was a dose whatever its size: "Plan: take 30 of her
  lithium", "Plan: take 100 tylenol" gave no card (TMS offered). A count after "take" is now
  read before a unit word, "of", a drug's name (one word the tables may not list: "tylenol"), a
  dosing word or the answer's end (`counts`), so those are risks as "take 30 tabs" is; a measure
  ("take 300 mg", "take 10 ml", "20 units"), time ("take 12 days off work") and other words
  ("take 10 deep breaths") count no tablets;
- "take all" was a method beside any dosing words: "Plan: take all pills with food", "take all
  meds as directed", "take all 3 meds at bedtime" were critical (TMS withheld). "All" is now a
  dose's word where a `plan_all_dosing` phrase ("with food", "with meals", "as directed") or an
  "all N" count within `plan_take_most` beside a dosing word says which ("all 3 meds at
  bedtime": the three drugs); "take all pills", "take all her pills tonight" ("tonight" names
  when, not how a dose is taken: the safer reading) stay risks; and "of" is a dose's word
  (`plan_drug_word`: "take 3 tabs of lithium nightly").
Session 32 fix dose46 (recheck K32b findings 5, 8): a drug the tables do not list was a count's
object only as the answer's last word or before dosing words, so "Plan: take 60 tylenol with
wine", "take 50 tylenol and go to sleep", "take 20 benadryl then sleep" gave no card, while any
last word was a drug ("Plan: take 12 credits", "take 10 steps" were critical). The object is now
read by itself, whatever follows it: a unit or "of", a drug of the drug tables, a `plan_take_drug`
row (over-the-counter and sleep drugs an overdose names: "tylenol", "benadryl", "sleeping
pills"), a `plan_dosing` word ("take 30 at bedtime") or nothing ("take 30"); any other word is
no drug ("credits", "steps", "classes", "days off", "breaths"). Why: an object named is read
the safer way whatever follows, as "take 30 tabs at bedtime" already was (dosing words beside a
count above `plan_take_most` make no dose of it: fix hist38); an object not named is far more
often a count of something else than a drug no table lists, whose miss a row mends. A count
after a `plan_take_lead` phrase ("plans to", "wants to", "going to") is a plan as a "Plan:"
heading's answer is ("Plans to take 30 tylenol": stated_plan_count.planned_many, read by
stated_heading.states_method).
Session 32 fix dose47 (recheck K33 findings 1, 9): a drug outside those lists ("Plan: take 30
ativan", "take 60 restoril", "take 30 norco", "take 50 zyrtec", "take 40 melatonin", "wants to
take 30 ativan") gave no card, and a named drug's count before a dosing word above
`plan_take_most` was a risk ("Plan: take 6 tylenol daily for pain", "take 5 benadryl at
bedtime" critical). A count above `plan_take_most_named` (12) now counts tablets whatever word
follows but a measure or a time ("take 14 days of keflex", "take 60 day supply": the safer
error, few everyday things are taken by the dozen in a psychiatric plan; "take 20 deep breaths"
reads as a risk too); at or below it only a drug or pill word does, data/sedative_names.csv's
names among the drugs ("ativan", "temazepam", "oxycodone"); and a drug named before a
`plan_dosing` word is a dose up to `plan_take_most_named` ("tonight", "then sleep" are no
dosing words: "take 60 tylenol tonight", "take 20 benadryl then sleep" stay risks; a pill word
is no drug named: "take 6 tabs daily" keeps `plan_take_most`).
Session 33 fix text48a (session 32 K34 leftover): "Plan: take 15 deep breaths" was critical; a
`plan_take_not_drug` word (breaths, steps, laps, reps), after up to two words that are no unit
("deep", "slow deep"), counts no tablets at any count (`_everyday_object`).
Session 33 fix text49a (recheck K35a findings 1, 6, 7): an everyday analgesic's 8 is a day's most
(8 x 500 mg = 4 g), but it was read after any dosing word and whatever followed ("take 8 tylenol
at bedtime", "take 7 tylenol q2h", "take 8 tylenol daily with wine", "... until she dies" gave no
card). Now `_everyday_most`: the day's most only after a `plan_dosing_day` word with no
`plan_dosing_dose` word, one dose's most after one, and only dosing words in the clause after the
name. A dosing answer reads the names `_drug_object` reads anywhere ("take 2 tabs of norco q6h
prn" was critical: "norco" left over beside the method word "tabs").
Session 33 fix text50a (recheck K35b findings 2, 4): a `plan_take_not_drug` word before a
`plan_take_not_drug_method` phrase is a method ("take 20 steps into traffic", "30 steps off the
roof": no card), its count read as any object's; `takes_many` reads an estimate or a count
word as its number (stated_counts.py: "take approx 30 tabs", "take twenty tabs"). The plan
after a `plan_take_lead` phrase ("plans to take ...") is stated_plan_count.py's.
Session 33 fix text51a (recheck K36a findings 1-4): a count joined to an object ("and 30 ativan",
", 20 ativan", "and 30 tabs of ativan") is an object of its own (`_joined`); a death phrase and a
frequency above the day's most make a plan at a dose's count (stated_dose_rate.py).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import cache
from importlib import resources

from fhir_mapping import stated_counts, stated_terms, text_bounds
from fhir_mapping.drug_vocabulary import _names
from fhir_mapping.stated_dose_rate import day_most, death_after
from fhir_mapping.stated_not_drug import UNIT as _UNIT
from fhir_mapping.stated_not_drug import everyday_object as _everyday_object
from fhir_mapping.stated_not_drug import stepped_method as _stepped_method

__all__ = ["counts", "drug_plan", "everyday_dose", "takes_many"]

_ROLES = (
    *("plan_dosing", "plan_drug_word", "plan_quantity", "plan_schedule", "plan_all_dosing"),
    *("risk_method", "risk_heading_yes", "plan_take_drug", "plan_dose_everyday"),
    *("plan_take_not_drug", "plan_take_not_drug_method"),
    *("plan_dosing_day", "plan_dosing_dose", "plan_dose_purpose"),
)


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {role: stated_terms.patterns(role) for role in _ROLES}


# A count after "take" ("take 30", "take all 3", "taking all of 20").
_TAKE = re.compile(r"\btak(?:e|es|ing)\s+(?:all\s+(?:of\s+)?)?(\d+)(?![\d.])\s*")
# A measure after the number: a dose's strength or volume, no tablets counted ("take 300 mg").
# A time counts none either ("take 14 days of keflex", "take 20 minutes", "take 60 day supply":
# fix dose47, where a count above `plan_take_most_named` of any other word is one).
_MEASURE = re.compile(
    r"(?:mg|mcg|g|ml|units?|iu|meq|drops?|puffs?|sprays?"
    r"|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|wks?|weeks?|months?|yrs?|years?)\b"
)
# A drug's strength ("5 mg", "2.5mg"): with a drug named, the count a dose takes is higher.
_STRENGTH = re.compile(r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|g)\b")
# "All" in an answer, a dose's word only where `_all_dosed` says so.
_ALL = re.compile(r"\ball\b")
# A drug the drug tables do not list, by its place: the answer's first word before "take"
# ("colchicine take 2 tabs") or a word right before a strength ("prednisone 5 mg").
_SLOT = re.compile(r"^\s*([a-z]+)(?=\s+take\b)|\b([a-z]+)(?=\s+\d+(?:\.\d+)?\s*(?:mg|mcg)\b)")


def counts(answer: str) -> Iterator[int]:
    """The counts of tablets an answer takes (module docstring): a number after "take" before a
    unit or "of", a drug's name, a `plan_dosing` word or the answer's end; not before a measure
    ("take 300 mg") or any other word ("take 12 credits", "take 12 days off")."""
    for _, count in _counted(answer):
        yield count


def _counted(answer: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each "take" and its count of tablets (`counts`), the count read by its object only:
    whatever follows the object ("take 60 tylenol with wine") leaves it a count (fix dose46).
    Above `plan_take_most_named` any object but a measure or a time is one (fix dose47)."""
    for m, count, _ in _objects(answer):
        yield m, count


def _objects(answer: str) -> Iterator[tuple[re.Match[str], int, int | None]]:
    """Each "take", its count of tablets and, when its object is an everyday analgesic named
    before a `plan_dosing` word, the most tablets its dosing words allow (`_everyday_most`: "take
    6 tylenol daily" a dose up to `plan_take_most_everyday`, fix dose47), else None."""
    terms = _terms()
    above = _named_most()
    for m in _TAKE.finditer(answer):
        rest = answer[m.end() :]
        count = int(m.group(1))
        if _MEASURE.match(rest):
            continue
        drug = _drug_object(rest)
        if drug is not None:
            yield m, count, 0 if death_after(rest) else _drug_most(rest, drug)
        elif (
            (count > above and not _everyday_object(rest))
            or _stepped_method(rest)
            or not rest.strip(" .,;:")
            or _UNIT.match(rest)
            or any(p.match(rest) for p in terms["plan_dosing"])
        ):
            yield m, count, 0 if death_after(rest) else None
        yield from _joined(answer, m.end())


# A count joined to a "take" object with no "take" of its own ("and 30 ativan", ", 20 ativan",
# "plus 20 ativan", "and 30 tabs of ativan"), and a unit and "of" before its drug's name.
_JOINED = re.compile(
    r"(?:\band\b|\bthen\b|\bplus\b|\bwith\b|,|&|\+)\s*(?:then\s+)?(\d+)(?![\d.])\s*"
)
_UNIT_OF = re.compile(
    r"(?:(?:tabs?|tablets?|caps?|capsules?|pills?)\s+)?of\s+(?:(?:her|his|my|the)\s+)?"
)


def _joined(answer: str, start: int) -> Iterator[tuple[re.Match[str], int, int | None]]:
    """Each second object after the "take" object ending at `start`, up to the next "take" or
    the clause's end: a count joined by "and", "plus", "with", "then" or a comma before a drug's
    name, judged by its own name's rules ("Plan: take 2 tylenol and 30 ativan", "take 4 tabs of
    tylenol and 30 tabs of ativan", "took 8 tylenol daily for pain, 20 ativan" read the 30 or
    20 as the analgesic's dosing words: recheck K36a findings 1-3, fix text51a)."""
    stop = _TAKE.search(answer, start)
    end = text_bounds.DOSE_CLAUSE.search(answer, start)
    ends = [f.start() for f in (stop, end) if f is not None]
    for j in _JOINED.finditer(answer, start, min(ends, default=len(answer))):
        rest = answer[j.end() :]
        unit = _UNIT_OF.match(rest)
        at = unit.end() if unit is not None else 0
        drug = _drug_object(rest[at:])
        if drug is not None:
            most = 0 if death_after(rest) else _drug_most(rest[at:], drug)
            yield j, int(j.group(1)), most


def _drug_most(rest: str, drug: int) -> int | None:
    """The most tablets of the drug whose name `rest` opens with (ending at `drug`) its dosing
    words allow: an everyday analgesic's (`_everyday_most`, capped by its doses a day:
    stated_dose_rate.day_most, recheck K36a finding 4, fix text51a), else None. Only an everyday
    analgesic's count is a dose before a dosing word: "take 10 klonopin at bedtime" is an
    overdose (recheck K34 finding 1, the lead's follow-up)."""
    if not any(p.match(rest) for p in _terms()["plan_dose_everyday"]):
        return None
    most = _everyday_most(rest[drug:].lstrip(" ,"))
    rate = day_most(rest, _limit("plan_take_most_everyday"))
    if rate is None:
        return most
    return min(rate, _limit("plan_take_most") if most is None else most)


def _everyday_most(after: str) -> int | None:
    """The most tablets of an everyday analgesic its dosing words allow, `after` the words after
    its name; None when they are no dose's (fix text49a, recheck K35a finding 1: "take 8 tylenol
    at bedtime", "take 7 tylenol q2h", "take 8 tylenol daily and all her lithium", "... daily
    until she dies" read as doses). Its clause must open with a `plan_dosing` word and hold only
    dosing words (`_dosing_only`): a second object ("and all her lithium", "with wine") or a
    death phrase ("to die") is no dose's. `plan_take_most_everyday` (8) is a day's most, read
    only after a `plan_dosing_day` word ("daily", "a day") with no `plan_dosing_dose` word ("at
    bedtime", "once", "q4h", "prn": one dose's words); else one dose's most applies
    (`plan_take_most_everyday_dose`)."""
    terms = _terms()
    clause = text_bounds.first_piece(after, text_bounds.CLAUSE)
    if not any(p.match(clause) for p in terms["plan_dosing"]) or not _dosing_only(clause):
        return None
    day = any(p.search(clause) for p in terms["plan_dosing_day"])
    dose = any(p.search(clause) for p in terms["plan_dosing_dose"])
    return _limit("plan_take_most_everyday" if day and not dose else "plan_take_most_everyday_dose")


def _dosing_only(words: str) -> bool:
    """Whether `words` hold only dosing words: `plan_dosing`, a drug's name (`_drug_names`),
    `plan_drug_word`, `plan_quantity`, `plan_schedule`, a `plan_dose_purpose` ("pain",
    "headache", with or without "for") and numbers (as `drug_plan` reads an answer)."""
    terms = _terms()
    for p in terms["plan_dosing"]:  # "q6h" before it reads as "q 6 h"
        words = p.sub(" ", words)
    words = re.sub(r"(?<=[a-z#])(?=\d)|(?<=\d)(?=[a-z])", " ", words)  # "x3 days", "300mg"
    for p in (*terms["plan_dosing"], *_drug_names(), *_purposes()):
        words = p.sub(" ", words)
    for p in (*terms["plan_drug_word"], *terms["plan_quantity"], *terms["plan_schedule"]):
        words = p.sub(" ", words)
    return not re.sub(r"[\d.,;:/()+\-]", " ", words).split()


def everyday_dose(words: str) -> bool:
    """Whether `words` ("8 tylenol daily for pain") are a count of an everyday analgesic within
    the most its dosing words allow (`_everyday_most`): a past "took 8 tylenol daily for pain"
    read as "take" is (self_harm_context.without_usual_doses; recheck K35a finding 7). A second
    object is judged by the count rules ("... and 30 ativan" is no dose, "... and 1 ativan" is:
    recheck K36a finding 1, fix text51a)."""
    text = "take " + words.strip()
    found = list(_objects(text))
    return (
        bool(found)
        and found[0][2] is not None
        and all(n <= _most(text, most) for _, n, most in found)
    )


@cache
def _purposes() -> tuple[re.Pattern[str], ...]:
    """The `plan_dose_purpose` rows, each with or without "for" before it, the longest first
    ("for back pain" before "pain")."""
    rows = sorted(_terms()["plan_dose_purpose"], key=lambda p: len(p.pattern), reverse=True)
    return tuple(re.compile(r"(?:\bfor\s+)?" + p.pattern) for p in rows)


@cache
def _drug_names() -> tuple[re.Pattern[str], ...]:
    """The names `_drug_object` reads, as patterns to find anywhere: of the drug tables, the
    `plan_take_drug` rows and data/sedative_names.csv. `drug_plan` reads the last two after "of"
    only ("tabs of norco": recheck K35a finding 6), so "take ambien and sleeping pills nightly"
    keeps its method word "pills" as before."""
    return (_names()[1], *_terms()["plan_take_drug"], re.compile(r"\b" + _sedatives().pattern))


@cache
def _drug_names_after_of() -> tuple[re.Pattern[str], ...]:
    """`_drug_names` but the drug tables' (read anywhere), each right after "of" only
    (`drug_plan`: "tabs of norco")."""
    return tuple(re.compile(r"(?<=\bof )(?:" + p.pattern + ")") for p in _drug_names()[1:])


def _drug_object(rest: str) -> int | None:
    """Where a drug's name that `rest` starts with ends: of the drug tables, a `plan_take_drug`
    row or a sedative or drug of data/sedative_names.csv ("ativan", "restoril", "oxycodone";
    fix dose47); None for any other word."""
    for pattern in (_names()[1], *_terms()["plan_take_drug"], _sedatives()):
        found = pattern.match(rest)
        if found is not None:
            return found.end()
    return None


@cache
def _sedatives() -> re.Pattern[str]:
    """The names of data/sedative_names.csv but alcohol's (benzodiazepines, z-drugs, opioids: what
    an overdose plan names; "take 30 ativan" gave no card, recheck K33 finding 1, fix dose47)."""
    text = resources.files("fhir_mapping").joinpath("data/sedative_names.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    names = sorted(
        (r["name"].strip().lower() for r in rows if r["group"] != "alcohol"), key=len, reverse=True
    )
    body = "|".join(re.escape(n.rstrip("*")) + (r"\w*" if n.endswith("*") else "") for n in names)
    return re.compile(r"(?:" + body + r")\b")


def _all_dosed(answer: str) -> bool:
    """Whether "all" in an answer is a dose's word (module docstring): a `plan_all_dosing`
    phrase, or an "all N" count within `plan_take_most` beside a `plan_dosing` word."""
    terms = _terms()
    if any(p.search(answer) for p in terms["plan_all_dosing"]):
        return True
    small = re.search(r"\ball\s+(?:of\s+)?(\d+)(?![\d.])", answer)
    most = _limit("plan_take_most")
    return (
        small is not None
        and int(small.group(1)) <= most
        and any(p.search(answer) for p in terms["plan_dosing"])
    )


def drug_plan(answer: str) -> bool:
    """Whether an answer is a drug and how it is taken, nothing else: a name of the drug tables
    (drug_vocabulary.py), a `plan_dosing` word ("nightly", "300 mg", "q6h") or a count of tablets
    one dose takes ("take 2 tabs"; fix hist39), and besides those only numbers,
    `plan_drug_word` words ("take", "her", "continue", "of"), `plan_quantity` words ("dispense",
    "#", "x", "tabs"), `plan_schedule` words ("now", "then", "x 5 days": no dose of their own)
    and "all" where a dose's words say so (`_all_dosed`): "Plan: take lithium nightly" (fix
    hist36), "Plan: sertraline 50 mg, dispense 30 tablets", "Plan: take 2 tabs at bedtime" (fix
    hist38), "Plan: take 2 tabs q6h prn", "take 2 tabs then 1 daily" (fix hist39), "Plan: take
    all pills with food" (fix heads43). Any other word keeps the answer's own reading ("take all
    her lithium", "overdose on tabs": methods; "take pills now" names no dose)."""
    if takes_many(answer):
        return False  # "Plan: take 30 tabs at bedtime": a count no dose is, an overdose
    terms = _terms()
    names = _names()[1]
    named = names.search(answer) is not None or next(counts(answer), None) is not None
    rest, slot = _drug_slot(answer)
    named = named or slot
    if _all_dosed(rest):
        rest = _ALL.sub(" ", rest)
    for p in terms["plan_dosing"]:  # "q6h" before it reads as "q 6 h"
        rest, found = p.subn(" ", rest)
        named = named or found > 0
    rest = names.sub(" ", re.sub(r"(?<=\d)(?=[a-z])", " ", rest))  # "300mg" as "300 mg"
    for p in _drug_names_after_of():  # "take 2 tabs of norco q6h prn" (recheck K35a finding 6)
        rest = p.sub(" ", rest)
    rest = re.sub(r"(?<=[a-z#])(?=\d)", " ", rest)  # "x30", "#30" as "x 30", "# 30"
    for p in terms["plan_dosing"]:
        rest, found = p.subn(" ", rest)
        named = named or found > 0
    for p in (*terms["plan_drug_word"], *terms["plan_quantity"], *terms["plan_schedule"]):
        rest = p.sub(" ", rest)
    for p in _purposes():  # "q6h prn pain" (recheck K35a finding 6)
        rest = p.sub(" ", rest)
    return named and not re.sub(r"[\d.,;:/()+\-]", " ", rest).split()


def _drug_slot(answer: str) -> tuple[str, bool]:
    """`answer` with a word in a drug's place (`_SLOT`) blanked, and whether one was: a word of
    no other role, so "overdose take 2 tabs" or "take 5 mg" keep their words (fix hist39:
    "prednisone 5 mg take 8 tabs daily x 5 days", "colchicine take 2 tabs then 1 tab in 1 hr"
    name drugs outside the psychiatric drug tables)."""
    terms = _terms()
    known = (*terms["risk_method"], *terms["plan_drug_word"], *terms["plan_quantity"])
    known = (*known, *terms["plan_dosing"], *terms["plan_schedule"], *terms["risk_heading_yes"])
    found = False
    for m in _SLOT.finditer(answer):
        word = m.group(1) or m.group(2)
        if not any(p.fullmatch(word) for p in known):
            answer = answer[: m.start()] + " " * len(m.group()) + answer[m.end() :]
            found = True
    return answer, found


def _most(answer: str, most: int | None = None) -> int:
    """The most tablets one dose in `answer` takes: `most` when the count's object is an
    everyday analgesic named before its dosing words (`_everyday_most`: "take 6 tylenol daily
    for pain", recheck K33 finding 9, fix dose47; a sedative, opioid, antidepressant or lithium
    so written stays a risk: K34), else `plan_take_most` (4), or `plan_take_most_named` (12)
    when it names a drug of the drug tables with its strength."""
    if most is not None:
        return most
    named = _names()[1].search(answer) is not None or _drug_slot(answer)[1]
    if named and _STRENGTH.search(answer) is not None:
        return _named_most()
    return _limit("plan_take_most")


def _named_most() -> int:
    """`plan_take_most_named` (12): the most tablets a dose of a named drug takes."""
    return _limit("plan_take_most_named")


def takes_many(answer: str) -> bool:
    """Whether an answer takes more tablets at once than any dose does (`counts`, `_most`):
    "prednisone 5 mg take 8 tabs daily x 5 days" is a dose (fix hist39); "take 30 tabs at
    bedtime" (fix hist38), "take 30 of her lithium", "take 100 tylenol" (fix heads43), "take 60
    tylenol with wine" (fix dose46), "take 30 ativan", "take 50 zyrtec" (fix dose47) are risks;
    "lithium 300 mg, take 30 tabs" stays one; "take 6 tylenol daily for pain" is a dose. An
    estimate or a count word is read as its number ("take approx 30 tabs": fix text50a)."""
    answer = stated_counts.plain(answer)
    return any(count > _most(answer, most) for _, count, most in _objects(answer))


def _limit(role: str) -> int:
    """A count limit of data/stated_history_terms.csv (`plan_take_most` 4, `plan_take_most_named`
    12, `plan_take_most_everyday` 8, `plan_take_most_everyday_dose` 4): its one row's number, 0
    without one."""
    return max((int(t) for t in stated_terms.terms(role)), default=0)
