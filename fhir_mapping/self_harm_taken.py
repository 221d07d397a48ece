"""A past act of taking a drug named, in a count above a dose or a whole supply: an overdose
(session 33 fix text49b, recheck K35a finding 2).

The `event` rows of data/self_harm_terms.csv read "took # tablets", "took # of * lithium" and
"took # tylenol", so "took 20 ativan", "took 15 xanax", "took 10 oxycodone", "took 20 seroquel",
"swallowed 30 norco", "ingested 20 ativan", "took all of her lithium", "took handful of pills"
and "took 8 norco and all her pills" raised nothing (TMS offered) while "took 30 tylenol" was
critical. Session 32 fix dose47 taught a "take" plan the drug names (the drug tables,
`plan_take_drug` rows, data/sedative_names.csv); a past act had none of them.

A `taken_verb` ("took", "swallowed", "ingested", "downed", "OD'd on") is now followed through
its clause, object by object (a new object after each "and", "&", "+" or comma: "took 8 norco
and all her pills"), and an object is an overdose when:
- it is a count read by the SAME object and count rules as a "take" plan
  (stated_dosing.takes_many on "take" and the object's words): above `plan_take_most` (4) of a
  drug named, an everyday analgesic before a dosing word up to `plan_take_most_everyday`, any
  word above `plan_take_most_named` (12) but a measure or a time ("took 30 norco"); so "took 2
  tylenol for headache", "took 1 ativan at bedtime" and "took 20 mg sertraline" are doses. One
  difference, the safer for a narrative verb: a count up to `plan_take_most_named` before "of"
  counts only with a drug or pill word after it and at most one word between ("took 5 of her
  ativan"; "took 5 of her kids to school" is none, as the `event` rows "took # of * pill*"
  already read it);
- it is a `taken_supply` phrase ("all", "all of", "a handful of", "a bottle of", "rest of")
  before a drug or `taken_pill` word, one possessive or article allowed before and after it
  ("took all of her lithium", "took the rest of her klonopin"), or a `taken_whole` phrase
  closing its clause ("swallowed a whole bottle").

The act is then an `event` mention as the rows' are (self_harm_text.py reads its span with the
same denial, ideation-lead and relative rules: "never took 20 ativan", "mother took 20 ativan"
are not the patient's overdose). Apart from self_harm_text.py: what a past act took is its own
idea, and the count rules are stated_dosing's, not a second copy of them.
Session 33 fix text50a (recheck K35b finding 4): an estimate, a count word or "<drug> <strength>
x N" is read as its count (stated_counts.py), and "entire supply of" is a `taken_supply` phrase.

Session 34 fix text53a:
- "took all her meds at once", "swallowed all her meds" were quiet (TMS offered) while "took all
  his pills at once" was critical. A `taken_med` word ("meds", "medications") is no `taken_pill`
  word, since "took all her meds" is how adherence is written ("took all her meds this morning as
  prescribed" stays quiet); it is read as one after a `taken_supply` phrase when the act's clause
  holds a `taken_at_once` phrase ("at once", "in one go") or its verb is a `taken_med_verb`
  ("swallowed", "ingested", "downed": no verb of adherence).
- "took 4 norco, 4 percocet" was quiet: each object is a dose's count, the act is not. The
  decision (the rule lives here, `_shares`): the objects of one act that each count a drug or
  pill add up, each count as a share of the most tablets one dose of it takes by the "take"
  rules (stated_dosing: `plan_take_most` 4, an everyday analgesic's dosing words its own); shares
  above one whole dose in all are an overdose, as one count above it is. So "took 2 tylenol, 2
  advil" (two halves) and "took 4 tylenol daily, 4 advil daily" stay doses; "took 4 norco, 4
  percocet", "took 3 ativan and 2 ambien" are overdoses. Why not each drug's everyday day's most
  (everyday_dose_rates.csv): it holds only the analgesics, and a mixed ingestion's danger is the
  sum (sedatives and opioids add up), which a per-drug check never sees.

Session 34 fix text55b (recheck K39b findings 5, 7):
- "took all her meds at once, as prescribed", "took all his meds at once as directed", "took all
  her meds at the same time as usual" were overdoses: a `taken_adherence` phrase in the clause
  ("as prescribed", "as directed", "as usual", "every morning") says the day's doses were taken
  together, as prescribed, so it undoes the `taken_at_once` reading of a `taken_med` word
  (`_meds_read`). A pill or drug word stays read ("took all his pills at once as prescribed" is
  still an overdose: a whole supply of pills is none of the day's doses), and so does a
  `taken_med_verb` ("swallowed all her meds").
- "took 2 tylenol, 2 advil, 2 aleve" was an overdose: three one-dose counts of three everyday
  analgesics, each half of `plan_take_most`, summed to 1.5. The decision (the rule lives in
  `_shares`): an everyday analgesic (a `drug` row of everyday_dose_rates.csv) counts as a share
  of its own day's most there (tylenol 8, advil 16, aleve 6), every other drug or pill word as
  a share of one dose's most (4) as before. Why: an analgesic's harm is its day's total
  (acetaminophen's liver injury, an NSAID's gut and kidney injury follow the day's dose), and
  taking two or three different analgesics at their label doses together is everyday
  self-treatment, no ingestion; a sedative's or opioid's harm is the one ingestion's summed
  depression of breathing, so those keep the one-dose share. So "took 2 tylenol, 2 advil, 2
  aleve" (0.25 + 0.125 + 0.33) is a dose; "took 4 norco, 4 percocet" (norco and percocet are no
  `drug` rows: 1 + 1), "took 3 ativan and 2 ambien" (0.75 + 0.5) and "took 4 tylenol and 3
  ativan" (0.5 + 0.75) stay overdoses, as does "took 8 tylenol, 8 advil" (8 tylenol alone is
  above one dose).

Session 38 fix text88: "took 2 weeks of her seroquel" was quiet, TMS offered: a period with an
owner after it (`taken_period_owner`: "her", "my") is the patient's own supply, read as taken at
once unless the sentence keeps the doses or ends a course (`_owner_read`; "took 2 weeks of her
sertraline then stopped (nausea)" and "took 2 weeks of sertraline" stay courses).

The object words (the `taken_*` rows by role, a whole supply, a drug or pill word) are read by
self_harm_supply.py (split out in session 37 to keep this module under 400 lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction

from fhir_mapping import stated_counts, stated_dosing, taken_course_end
from fhir_mapping.self_harm_supply import _WORD, _drug_or_pill, _owned, _roles, _supply
from fhir_mapping.stated_dose_rate import day_total
from fhir_mapping.stated_dosing import _most, _named_most, _objects
from fhir_mapping.text_bounds import (
    DOSE_CLAUSE,
    DOSE_CLAUSE_OR_BUT,
    DOSE_CLAUSE_OR_COMMA,
    span_before,
    span_end,
)

__all__ = ["supply_object", "taken_spans"]

# Where a new object of the same act starts: "took 8 norco and all her pills", "took 2 tylenol,
# 20 ativan", "took 10 xanax & 5 norco", and a "but" the act's clause reads through (`_act_end`:
# "took 2 tylenol but 30 ativan"), an "also", "then" or "later" after the joint ("took 2 tylenol
# but also 30 ativan", "... and then 30 ativan" were quiet, TMS offered: recheck K53a finding 7).
_JOINT = re.compile(r"\s*(?:,|&|\+|\band\b|\bplus\b|\bbut\b)(?:\s*\b(?:also|then|later)\b)?\s*")
# The "but" that ends an act's clause (text_bounds.DOSE_CLAUSE_OR_BUT), and the words after it.
_BUT = re.compile(r"but\b\s*(?:(?:also|then|later)\b\s*)?")
# A count opening an object, as stated_dosing's `_TAKE` reads one after "take" ("all 30").
_COUNT = re.compile(r"(?:all\s+(?:of\s+)?)?(\d+)(?![\d.])\s*")
# "of" before a drug or pill word, at most one word (a possessive or article) between.
_OF = re.compile(r"of\s+")


def taken_spans(text: str) -> Iterator[tuple[int, int]]:
    """Each past act in `text` (normalised, as self_harm_text reads it) whose object is an
    overdose (module docstring): from its verb's start to the end of the object read."""
    roles = _roles()
    for verb in roles.get("taken_verb", ()):
        for m in verb.finditer(text):
            after = text[m.end() :]
            start = m.end() + len(after) - len(after.lstrip())
            clause_end = _act_end(text, start)
            meds = _meds_read(m.group(), text[start:clause_end]) or _purpose_before(text, m.start())
            parts = list(_parts(text, start, clause_end))
            kept = _kept(text[start:clause_end])
            once = _at_one_time(text[start:clause_end])
            owner = _owner_read(text[start : span_end(text, start, DOSE_CLAUSE)], text)
            end = next(
                (
                    e
                    for at, e in parts
                    if _overdose(text[at:e], meds=meds, kept=kept, once=once, owner=owner)
                ),
                None,
            )
            if end is None:
                end = _shares(text, parts)
            if end is None:
                end = _beyond_doses(text, parts, clause_end, meds=meds)
            if end is None:
                end = _purposed(text, parts, text[start:clause_end])
            if end is not None:
                yield m.start(), end


def _act_end(text: str, start: int) -> int:
    """Where the act's clause from `start` ends: at a DOSE_CLAUSE_OR_BUT mark, read through a
    "but" whose next words open an object that counts a drug or pill, or is an overdose by the
    object rules ("took 2 tylenol but 30 ativan" was quiet, TMS offered, while "... and 30
    ativan" was critical: session 36 text69). The contrast then sets one object against another
    of the same verb; "took 2 tylenol but no more", "took 30 ativan but feels fine" end there.
    A plan reads the same count after "but" (stated_plan_count._JOINED)."""
    end = span_end(text, start, DOSE_CLAUSE_OR_BUT)
    while (but := _BUT.match(text, end)) is not None:
        after = span_end(text, but.end(), DOSE_CLAUSE_OR_BUT)
        first = next(iter(_parts(text, but.end(), after)), None)
        if first is None or not _opens_object(text[first[0] : first[1]]):
            break
        end = after
    return end


def _opens_object(obj: str) -> bool:
    """Whether `obj` is an object of a taking verb: a count of a drug or pill word ("2 ambien"),
    or an overdose by the object rules ("30 ativan", "all her pills")."""
    plain = stated_counts.plain("take " + obj, times=True).removeprefix("take ")
    count = _COUNT.match(plain)
    counted = count is not None and _drug_or_pill(plain[count.end() :])
    return counted or _overdose(obj, meds=True)


def _purpose_before(text: str, verb_start: int) -> bool:
    """Whether a `taken_purpose` word stands before the verb in its clause ("intentionally took
    all her night pills": review K50a s35 finding 3). A comma ends these words (the objects a
    comma joins stand after the verb, never before it), a "but" does NOT, though it ends the
    act's clause forward (session 36 text69, decided): a purpose stated before the contrast
    speaks of the act ("wanted to die but took all her night pills" is critical; read to the
    "but" it was quiet, TMS offered), the safer reading."""
    head = span_before(text, verb_start, DOSE_CLAUSE_OR_COMMA)
    return any(p.search(head) for p in _roles().get("taken_purpose", ()))


def _beyond_doses(
    text: str, parts: list[tuple[int, int]], clause_end: int, *, meds: bool
) -> int | None:
    """Where an act goes beyond a whole supply read as the day's doses ("all her morning pills",
    "all her meds": `_owned`, `_meds_read`): a later object naming a drug or pill word, which the
    "all" governs too ("took all her morning pills and her husband's oxycodone", "... plus her
    klonopin"), or a `taken_excess` phrase after it ("and then some", "and 10 more", "twice").
    Review K48a s35 finding 4: the regimen reading of dc16181e left these quiet, TMS offered, though
    they were critical before it; the day's doses with another drug or more of them are no
    adherence (the safer error)."""
    clause = text[parts[0][0] : clause_end] if parts else ""
    if any(p.search(clause) for p in _roles().get("taken_adherence", ())):
        return None  # "took all her meds twice a day as prescribed": the day's doses, as stated
    for i, (at, stop) in enumerate(parts):
        if _overdose(text[at:stop], meds=meds) or not _overdose(text[at:stop], meds=True):
            continue
        # A period of the patient's own supply ("2 weeks of her sertraline"): a later part that
        # opens by ending its course ("switched to lexapro") names no second drug (fix text95).
        period = _overdose(text[at:stop], owner=True)
        for later, later_stop in parts[i + 1 :]:
            # A drug or pill object within a later part's first words ("..., also took her mom's
            # xanax": review K50a s35 finding 1).
            words = text[later:later_stop].lstrip()
            if period and taken_course_end.opens_course_end(words, text):
                continue
            starts = [0] + [w.end() for w in _WORD.finditer(words)][:3]
            if any(_owned(words[at:]) for at in starts):
                return later_stop
        if any(p.search(text, at, clause_end) for p in _roles().get("taken_excess", ())):
            return clause_end
    return None


def _purposed(text: str, parts: list[tuple[int, int]], clause: str) -> int | None:
    """Where an object that opens with a drug or pill word (`_owned`: "her neighbor's
    oxycodone") ends, when the act's clause states a suicidal `taken_purpose` ("to die"); None
    otherwise. "took her neighbor's oxycodone to die" was quiet, TMS offered (review K48a,
    session 35 fix text66): a drug taken to die is a suicide attempt whatever its count, so no
    count or whole supply is needed once the purpose is stated (the safer reading)."""
    if not any(p.search(clause) for p in _roles().get("taken_purpose", ())):
        return None
    return next((e for at, e in parts if _owned(text[at:e], meds=True)), None)


def _meds_read(verb: str, clause: str, *, plan: bool = False) -> bool:
    """Whether a `taken_med` word is read as a pill word in this act (module docstring). A
    `taken_adherence` phrase in the clause ("as prescribed", "as usual") undoes `taken_at_once`:
    "took all her meds at once, as prescribed" is the day's doses (fix text55b). In a `plan`,
    a `taken_plan_adherence` phrase ("in the morning", "with breakfast") does too: "plan to
    take all her meds at once with breakfast" is the day's doses taken together (fix text57);
    a past act keeps its overdose there ("took all her meds at once this morning"). A
    `taken_purpose` phrase ("to die", "to end her life") reads them before any of that: "took
    all her meds to die" was quiet, TMS offered (review K47a s35, fix text63); the day's doses
    are never taken to die, so a stated suicidal purpose makes the whole supply an overdose."""
    roles = _roles()
    if any(p.fullmatch(verb) for p in roles.get("taken_med_verb", ())):
        return True
    if any(p.search(clause) for p in roles.get("taken_purpose", ())):
        return True
    at_once = any(p.search(clause) for p in roles.get("taken_at_once", ()))
    undo = [*roles.get("taken_adherence", ())]
    undo += roles.get("taken_plan_adherence", ()) if plan else ()
    return at_once and not any(p.search(clause) for p in undo)


def _shares(text: str, parts: list[tuple[int, int]]) -> int | None:
    """Where the act's objects counting a drug or pill, each a share of its dose's most, add up
    to more than one dose (module docstring: "took 4 norco, 4 percocet"); None when they do not."""
    total, end = Fraction(0), None
    for at, stop in parts:
        obj = stated_counts.plain("take " + text[at:stop], times=True).removeprefix("take ")
        count = _COUNT.match(obj)
        if count is None or not _drug_or_pill(obj[count.end() :]):
            continue
        found = next(iter(_objects("take " + obj)), None)
        most = None if found is None else _most("take " + obj, found[2])
        # An everyday analgesic's share is of its own day's most (fix text55b, module docstring).
        most = day_total(obj[count.end() :]) or most
        if found is None or not most:
            continue
        total, end = total + Fraction(found[1], most), stop
    return end if total > 1 else None


def _parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The objects of one act, text[start:end] cut at each `_JOINT`."""
    at = start
    for joint in _JOINT.finditer(text, start, end):
        if joint.start() > at:
            yield at, joint.start()
        at = joint.end()
    if at < end:
        yield at, end


def _at_one_time(clause: str) -> bool:
    """Whether an act's clause dates it to one time (a `taken_period_once` phrase: "last night",
    "this morning") and keeps no dose as prescribed: a period's supply then went down at once.
    "took 2 weeks of her seroquel last night" was quiet, TMS offered (session 37 fix text81),
    while "took a week of antibiotics" stays a course (fix text68) and "took 2 weeks of her
    seroquel as prescribed" the doses of those weeks."""
    roles = _roles()
    if any(p.search(clause) for p in roles.get("taken_adherence", ())):
        return False
    return any(p.search(clause) for p in roles.get("taken_period_once", ()))


def _owner_read(sentence: str, text: str) -> bool:
    """Whether a period of the patient's own supply ("2 weeks of her seroquel") is read as taken
    at once (self_harm_supply._owned_period, fix text88): not when the act's sentence keeps the
    doses (`taken_adherence`: "as prescribed") or ends a course (`taken_course_end`: "then
    stopped", "discontinued"; "took 2 weeks of her sertraline, stopped (nausea)" is a course).
    The sentence, not the act's clause: "... but stopped" ends the clause, not the course. A
    course-end word only about the drug, and none beside a collapse or toxic sign in `text`
    (taken_course_end.py, fix text92: "..., stopped breathing" was quiet, TMS offered)."""
    if any(p.search(sentence) for p in _roles().get("taken_adherence", ())):
        return False
    return not taken_course_end.ends_course(sentence, text)


def _overdose(
    obj: str, *, meds: bool = False, kept: bool = False, once: bool = False, owner: bool = False
) -> bool:
    """Whether one object of a past act is an overdose: a count above a dose of a drug named (the
    plan rules), or a whole supply of a drug or pills (module docstring). An estimate, a count
    word or "<drug> <strength> x N" is read as its count ("approx 30 ativan", "twenty ativan",
    "ativan 1mg x 30": stated_counts.py, fix text50a, recheck K35b finding 4)."""
    obj = stated_counts.plain("take " + obj, times=True).removeprefix("take ")
    count = _COUNT.match(obj)
    if count is not None:
        if not stated_dosing.takes_many("take " + obj):
            # A count of days or weeks of a supply ("2 weeks' supply of her lithium": review K50a
            # s35 finding 4) is a supply phrase's, not a count of tablets.
            return _supply(obj, meds=meds, kept=kept, once=once, owner=owner)
        rest = obj[count.end() :]
        if int(count.group(1)) > _named_most() or _drug_or_pill(rest):
            return True
        of = _OF.match(rest)
        return of is not None and _owned(rest[of.end() :])
    return _supply(obj, meds=meds, kept=kept, once=once, owner=owner)


def supply_object(obj: str, clause: str = "") -> bool:
    """Whether `obj`, the words after a verb of taking, open with a whole supply of a drug or
    pill word (`_supply`): a plan's object too (stated_plan_count.py: "plan to take a bottle of
    pills", fix text55b). With the `clause` it stands in, a `taken_med` word is a pill word as in
    an act (`_meds_read`): "plan to take all her meds at once" is a plan of a whole supply, as
    "took all her meds at once" is an overdose (recheck K42a finding 1: it was quiet, TMS offered);
    "plan to take all her meds in the morning" stays the day's doses, and so does "plan to take
    all her meds at once in the morning" (a `taken_plan_adherence` phrase: fix text57, recheck
    K43a s34 finding 5)."""
    return _supply(obj, meds=bool(clause) and _meds_read("take", clause, plan=True))


def _kept(clause: str) -> bool:
    """Whether an act's clause keeps the doses as prescribed (a `taken_adherence` phrase) and
    takes none at once: "took her whole week of pills at once as prescribed" stays an overdose,
    as a pill word with an at-once phrase does (module docstring, fix text55b)."""
    roles = _roles()
    # A `taken_excess` phrase keeps the supply read too ("took all of her pills as prescribed
    # and then some": fix text83, which reads "all of her pills as prescribed" as the day's doses).
    if any(
        p.search(clause) for p in (*roles.get("taken_at_once", ()), *roles.get("taken_excess", ()))
    ):
        return False
    return any(p.search(clause) for p in roles.get("taken_adherence", ()))
