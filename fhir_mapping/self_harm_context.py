"""Words beside a self-harm or overdose term that say it was not one (recheck K11 s28 findings
2 and 4).

- A usual dose taken for a stated purpose ("took 3 tabs of tylenol for headache", "took 4 tabs of
  ibuprofen for back pain"): the event rows "took # tablets" (data/self_harm_terms.csv) read
  these as an overdose of intent not recorded, a false critical card. A `usual_dose` term (a
  count of three or four, written out in the table: "took 3 tab*") followed in its clause by a
  `purpose` lead ("for <symptom>") is blanked before reading. A bare count ("took 3 tablets"), a
  larger one ("took 30 tablets for pain": 30 x 325 mg acetaminophen is a toxic dose), or another
  purpose ("took 3 tablets of her Xanax to sleep") is still read: the card asks, a question
  costs less than a missed overdose.
- A dosing "OD" ("sertraline 50 mg od 2019", "mg od today", "eye drops od"): "od" right after a
  `dose_unit` word (a unit, route or eye drop: "mg", "tabs", "po", "drops") is "once daily" or
  "right eye" (ISMP's error-prone abbreviations), not an overdose, and is blanked before the
  "od <year>", "od today" event rows are read (recheck K29b s32, fix text42). Only right after
  the unit: "sertraline od 2019" may be an overdose of it and is read (the card asks).
- An accident stated beside a cut ("cut arm on broken glass", "cut self while cooking", "cut arm
  by accident"): an `act_accident` phrase after an act term in its clause (up to a comma, full
  stop, semicolon or "but") means the act is not read, as "cut finger on glass" is not (NICE
  CG133 excludes accidental harm to oneself). Only after the term and in its clause, so
  "Self-harm, cut arm. Denies accident" and "suicide attempt vs accidental overdose" are read.
  Review s29 RQ3 (accidental cuts read as self-harm: "Cut his wrist on a fence", "Cut himself on
  a table saw", "Cut his wrist on sheet metal at work", "cut self with razor while shaving",
  "Cut herself shaving", "Accidentally cut her wrist on a fence"): the accident is also
  - an `accident_object` after an `accident_lead` ("on a fence", "on sheet metal", "on a table
    saw", "against the door"): only those objects, so "cut herself on the arm", "cut wrists on
    3 occasions" and "cut her wrists on purpose" are read;
  - an `act_accident` phrase of an activity, a place or a power tool ("while shaving", "at
    work", "table saw"); one ending in "$" must close the clause ("Cut herself shaving", not
    "cut her wrists with a shaving razor");
  - an `accidental` word (self_harm_text.py's role: "accidentally", "unintentionally") right
    before the act term ("Accidentally cut her wrist", "pt inadvertently cut himself"): the
    module rule for an event (an accidental word, nothing is read) applied to an act, but only
    where the word governs the act (right before it), so "accidental overdose and suicide
    attempt" or "Accidental overdose, history of self-harm" still read the act (an accidental
    word anywhere would silence those: the unsafe mistake).
- An attempt at something else after a bare attempt term ("past attempts to quit smoking",
  "previous attempts at sobriety": recheck K14 s28 finding 1): an `act_attempt` term (a "past",
  "prior" or "previous attempt" without the word suicide) whose very next words are an
  `attempt_other` phrase ("at sobriety", "to cut down") or an `attempt_verb` with its
  `attempt_habit` object ("to quit smoking", "to stop drinking") is blanked before reading.
  Only those terms and only right after them: "attempted suicide after failing to quit heroin",
  "self-harm when trying to cut down" and "prior attempt to overdose" stay read (the lead's
  first fix, an `act_accident` "to quit", silenced real attempts). A verb without a habit is
  not enough: "prior attempt to quit life", "previous attempts to stop breathing" and "prior
  attempts to quit - hanging 2020" are suicide attempts (recheck K16 s29 finding 1); only one
  ending the text after a habit named before it ("Tobacco use disorder, previous attempts to
  quit") is read as that habit's.

Fix text83 (session 37): "cuts on forearm from cat bite", "... from barbed wire", "cuts on wrist,
accidental", "cuts to forearm - MVC" were critical. An `accident_lead` "from" before an
`accident_object` ("from barbed wire", "from broken glass": as "on broken glass" already was),
an `act_accident` bite or vehicle collision ("cat bite", "MVC"), or an `accident_tag` standing
as a part of its own right after the act's clause (", accidental", " - accidental",
"(accidental)", ", MVC") state the accident. Three guards keep the safer reading (`_kept`):
an `intent` or `suicidal` word in the act's words or its clause ("cuts to forearm - intentional
MVC", "suicide attempt while cooking" was quiet), a question mark closing the act's sentence
("cut wrist on glass?", "cuts on wrist, accidental?": a doubt, the card asks), and for a tag
an `accident_tag_kept` word in the act's own words ("self-harm, accidental", "suicide attempt,
accidental" contradict themselves: read). "from a razor blade", "with broken glass" stay read
(no object, no lead).

Fix text90: an `accident_denied` word before the accident in the clause ("cuts on forearm not
from cat bite" was quiet) or an `accident_doubt` word in it ("from cat vs self") keeps the act;
a scratch act (`itch_act`) with only an `itch_cause` and `itch_lead` words after it in its clause
("scratches on forearm (eczema)") is an itch scratched.

Apart from self_harm_text.py (kept under 400 lines) because what surrounding words say of a
term is its own idea; the words are data (roles `usual_dose`, `purpose`, `act_accident`,
`act_attempt`, `attempt_other`, `attempt_verb`, `attempt_habit`, `accident_lead`,
`accident_object`, `accidental`, `dose_unit`, `accident_tag`, `accident_tag_kept`, `itch_*`, and
`intent`, `suicidal` as self_harm_text.py reads them).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.accident_guard import (
    intent_near,
    joined_before,
    own_part,
    tool_after,
    without_joined_sites,
)
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.stated_dosing import everyday_dose
from fhir_mapping.text_bounds import CLAUSE, span_after
from fhir_mapping.text_negation import normalise_text, scope_after, term_pattern

__all__ = ["accident_beside", "asked", "without_other_attempts", "without_usual_doses"]

# A comma and a count right after it: the next part is another object of the clause's verb.
_JOINED_COUNT = re.compile(r",\s*(?:and\s+|then\s+|plus\s+)?\d")
# What an `act_accident` term ending in "$" must be followed by: the end of the act's clause
# (scope_after ends there): "cut herself shaving", not "with a shaving razor".
_CLAUSE_CLOSED = r"(?=\s*$)"


def _compiled(term: str) -> re.Pattern[str]:
    # "took 3 tab*" -> any ending ("tablets"); else the whole word; "$": closing the clause.
    term = normalise_text(term)
    if term.endswith("$"):
        return re.compile(term_pattern(term.rstrip("$")).pattern + _CLAUSE_CLOSED)
    return term_pattern(term)


@cache
def _roles() -> dict[str, tuple[re.Pattern[str], ...]]:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    wanted = {
        "usual_dose",
        "usual_day_dose",
        "purpose",
        "act_accident",
        "act_attempt",
        "attempt_other",
        "attempt_verb",
        "attempt_habit",
        "accidental",
        "act_bare",
        "accident_tag",  # fix text83
        "accident_tag_kept",
        "accident_from_kept",  # fix text85
        "accident_undone",
        "accident_denied",  # fix text90
        "accident_doubt",
        "itch_act",
        "itch_cause",
        "itch_lead",
        "intent",
        "suicidal",
    }
    found: dict[str, list[re.Pattern[str]]] = {}
    leads: list[str] = []
    objects: list[str] = []
    units: list[str] = []
    subjects: list[str] = []
    tasks: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        if row["role"] in wanted:
            found.setdefault(row["role"], []).append(_compiled(row["term"]))
        elif row["role"] == "accident_lead":
            leads.append(normalise_text(row["term"]))
        elif row["role"] == "accident_object":
            objects.append(normalise_text(row["term"]))
        elif row["role"] == "bare_subject":
            subjects.append(re.escape(normalise_text(row["term"])))
        elif row["role"] == "lookalike" and row["term"].endswith(" attempted"):
            # A care task's "<task> attempted" row names the task ("iv attempted": session 36).
            tasks.append(re.escape(normalise_text(row["term"].removesuffix(" attempted"))))
        elif row["role"] == "ideation_object":
            found.setdefault("ideation_object", []).append(term_regex(row["term"]))
        elif row["role"] == "dose_unit":
            units.append(re.escape(normalise_text(row["term"])))
    roles = {role: tuple(found.get(role, ())) for role in (*wanted, "ideation_object")}
    # Nothing but `bare_subject` words (or brackets, colons, slashes) before an `act_bare` term.
    roles["bare_subject"] = (re.compile(r"(?:\s|[:(/-]|\b(?:" + "|".join(subjects) + r")\b)*"),)
    # "first attempt today at IV": a care task after "at" (fix text86).
    roles["care_task_at"] = (re.compile(r"\s+at\s+(?:the\s+)?(?:" + "|".join(tasks) + r")\b"),)
    # "50 mg od", "50mg od", "2 drops od": a unit after a number or a word, then "od" (fix text42).
    roles["dose_unit"] = (re.compile(r"(?<![a-z])(?:" + "|".join(units) + r")\.?\s+od\b"),)
    if leads and objects:
        # "on a fence": a lead, then an object (module docstring); longest lead first.
        lead = "|".join(re.escape(t) for t in sorted(leads, key=len, reverse=True))
        thing = "|".join(term_pattern(t).pattern.removeprefix(r"\b") for t in objects)
        found_on = re.compile(r"\b(?:" + lead + r")\s+(?:" + thing + ")")
        roles["act_accident"] = (*roles["act_accident"], found_on)
    return roles


def without_usual_doses(text: str) -> str:
    """`text` (normalised) with each usual dose taken for a stated purpose blanked, same length
    (module docstring)."""
    roles = _roles()
    for p in roles["usual_dose"]:
        for m in reversed(list(p.finditer(text))):
            clause = span_after(text, m.end(), CLAUSE)
            if any(q.search(clause) for q in roles["purpose"]):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    # A day's dose of an everyday analgesic taken for a stated purpose ("took 8 tylenol daily for
    # pain"), read as "take" is: only dosing words after it and within its dosing word's limit
    # (stated_dosing.everyday_dose; recheck K35a finding 7, fix text49a). The verb and its clause
    # are blanked; "... to end it", "took 8 tylenol and all her lithium" stay read.
    for p in roles["usual_day_dose"]:
        for m in reversed(list(p.finditer(text))):
            clause = span_after(text, m.end(), CLAUSE)
            end = m.end() + len(clause)
            # A count after the comma is a second object of the verb ("took 8 tylenol daily for
            # pain, 20 ativan"), judged with the dose (recheck K36a finding 1, fix text51a).
            joined = _JOINED_COUNT.match(text, end)
            if joined is not None:
                clause += "," + CLAUSE.split(text[end:], maxsplit=2)[1]
            if any(q.search(clause) for q in roles["purpose"]) and everyday_dose(clause):
                text = text[: m.start()] + " " * (end - m.start()) + text[end:]
    # A dosing "OD" after its unit ("50 mg od 2019"): no overdose (module docstring, fix text42).
    return roles["dose_unit"][0].sub(lambda m: " " * len(m.group()), text)


def accident_beside(text: str, start: int, end: int) -> bool:
    """Whether an accident is stated beside the act term at text[start:end]: after it in its
    clause, an `accidental` word right before it, or an `accident_tag` part of its own right
    after its clause; none where `_kept` keeps the act (module docstring)."""
    roles = _roles()
    if _kept(text, start, end) or intent_near(text, start, end):
        return False  # "intentional scratches to wrists (eczema)" (fix text91, accident_guard)
    before = text[:start].rstrip()
    if any(m.end() == len(before) for p in roles["accidental"] for m in p.finditer(before)):
        return True
    if joined_before(text, start):
        return False  # "burns and scratches on forearm (eczema)" (fix text91)
    clause = scope_after(text, end)
    # "cut wrists and bruises from MVC": the cause is the joined thing's (fix text91).
    after = own_part(clause)
    for p in roles["accident_from_kept"]:
        # "from broken glass": a common self-harm tool, no accident alone (fix text85).
        after = p.sub(lambda m: " " * len(m.group()), after)
    if _accident_after(after, roles["act_accident"], clause):
        return True
    own = text[start:end]
    if any(p.search(own) for p in roles["itch_act"]) and _itch_alone(after, clause):
        return True  # "scratches on forearm (eczema)": an itch scratched (fix text90)
    if len(after) < len(clause):
        return False  # a tag after a joined thing may be that thing's (fix text91)
    return not any(p.search(own) for p in roles["accident_tag_kept"]) and _tagged(text, end)


def _accident_after(after: str, found: tuple[re.Pattern[str], ...], clause: str) -> bool:
    """Whether an accident of `found` stands in `after` (the act's own part of its clause:
    accident_guard.own_part) with no `accident_denied` word before it in `clause` (the whole
    clause after the act, `after` its start): "cuts on forearm not from cat bite" denies the
    accident, so the act is read, the safer error (fix text90: it was quiet, TMS offered).
    Doubt and denial words are looked for in the whole clause, not only the act's own part (fix
    text93, review K60a finding 2: "cuts to forearm from cat and maybe self" was quiet, TMS
    offered: the doubt stood after the joined word own_part cuts off); only the cause is cut."""
    roles = _roles()
    if any(q.search(clause) for q in roles["accident_doubt"]):
        return False  # "from cat vs self", "from cat and maybe self": the card asks
    denied = roles["accident_denied"]
    # A cutting tool after the cause ("from gardening shears") keeps the act (fix text91).
    return any(
        not any(q.search(clause, 0, m.start()) for q in denied) and not tool_after(after, m.end())
        for p in found
        for m in p.finditer(after)
    )


def _itch_alone(after: str, clause: str) -> bool:
    """Whether `after` (a scratch act's own part of `clause`, its clause after it) names an
    `itch_cause` and nothing but `itch_lead` words around it ("(eczema)", "from eczema", "d/t
    eczema flare"): an itch scratched (fix text90). Any other word ("with razor (eczema)") keeps
    the act read, and so does a cause as a comma's next part ("scratches on forearm, eczema":
    maybe a problem list)."""
    roles = _roles()
    if not _accident_after(after, roles["itch_cause"], clause):
        return False
    # "scratches on forearm and hands (eczema)": a joined site is the act's own (fix text95).
    after = without_joined_sites(after)
    for p in (*roles["itch_cause"], *roles["itch_lead"]):
        after = p.sub(" ", after)
    return not re.search(r"\w", after)


# The end of a sentence the way a question closes it ("cut wrist on glass?"); what ends the
# sentence otherwise: a full stop, semicolon, "!" or a line's end (text_bounds.SENTENCE_OR_MARK).
_SENTENCE_END = re.compile(r"[.;!?\n]")
# A part of its own in brackets or after a dash within the act's clause: " - accidental",
# "(accidental)", closing the clause.
_TAG_IN_CLAUSE = re.compile(r"(?:\s-|\()\s*(?P<tag>[^()\-]+?)\s*\)?\s*$")


def _kept(text: str, start: int, end: int) -> bool:
    """Whether the act at text[start:end] is read whatever accident is stated beside it: an
    `intent`, `suicidal` or `accident_undone` word in its words or anywhere after them, or a
    question mark closing its sentence (fix text83: a doubt, or an accident denied by the words'
    own intent). Anywhere after, not only its clause (fix text85, recheck K57a finding 1: "cuts
    to forearm - MVC, intentional", "cuts on wrist, accidental. Later admits intentional" were
    quiet): an intent stated later may undo the accident, and the card asks."""
    roles = _roles()
    words = text[start:]
    if any(
        p.search(words) for p in (*roles["intent"], *roles["suicidal"], *roles["accident_undone"])
    ):
        return True
    return asked(text, end)


def asked(text: str, at: int) -> bool:
    """Whether the sentence holding text[at] closes with a question mark ("accidental OD?",
    "cut wrist on glass?"): what it states of an accident is a doubt (fix text83)."""
    mark = _SENTENCE_END.search(text, at)
    return mark is not None and mark.group() == "?"


def _tagged(text: str, end: int) -> bool:
    """Whether an `accident_tag` ("accidental", "MVC") stands as a part of its own right after the
    act ending at `end`: closing its clause after a dash or in brackets ("cuts on wrist -
    accidental"), or as the whole next clause after a comma ("cuts on wrist, accidental")."""
    roles = _roles()
    clause = span_after(text, end, CLAUSE)
    parts = [] if (m := _TAG_IN_CLAUSE.search(clause)) is None else [m.group("tag")]
    stop = end + len(clause)
    if text[stop : stop + 1] == ",":
        parts.append(span_after(text, stop + 1, CLAUSE).strip(" )("))
    return any(p.fullmatch(part.strip()) for part in parts for p in roles["accident_tag"])


def without_other_attempts(text: str) -> str:
    """`text` (normalised) with each bare attempt term whose next words name an attempt at
    something else ("past attempts to quit smoking") blanked, same length (module docstring)."""
    roles = _roles()
    for p in roles["act_attempt"]:
        for m in reversed(list(p.finditer(text))):
            if _other_attempt(text[: m.start()], text[m.end() :].lstrip()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    for p in roles["act_bare"]:
        for m in reversed(list(p.finditer(text))):
            if _bare_other(text, m.start(), m.end()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


# Where a clause opens for an `act_bare` term: a comma, semicolon, full stop, line end, "and",
# "but" (a denial list's end: "denies SI, attempted last week"); a colon or bracket does not
# ("Quit smoking: attempted last year", "sertraline (attempted 2020)").
_BARE_OPEN = re.compile(r"[,;.\n]|\b(?:and|but)\b")
# "to <verb>" within two words after the term ("attempted last week to call").
_TO_VERB = re.compile(r"(?:\s+[\w']+){0,2}?\s+to\s+(?=[a-z])")


def _bare_other(text: str, start: int, end: int) -> bool:
    """Whether a bare "attempted <time>" (`act_bare`) is an attempt at something else: a word
    other than a `bare_subject` one stands before it in its clause ("Lithium trial attempted
    2024", "IV attempted today"), or "to <verb>" follows its time ("attempted last week to
    call") unless that verb names self-harm ("... to kill herself": `ideation_object`). Recheck
    K54a s36 finding 7, fix text76: the safer reading stays for the subject alone. A care task
    named after "at" ("first attempt today at IV", "... at ambulation": the tasks of the session
    36 `lookalike` rows "<task> attempted") is that task's attempt (recheck K57a finding 10, fix
    text86); "first attempt today" alone or "at home" stays an attempt."""
    before = _BARE_OPEN.split(text[:start])[-1]
    if _roles()["bare_subject"][0].fullmatch(before) is None:
        return True
    if _roles()["care_task_at"][0].match(text, end):
        return True
    to = _TO_VERB.match(text, end)
    if to is None:
        return False
    rest = span_after(text, to.end(), CLAUSE)
    return not any(p.match(rest) for p in _roles()["ideation_object"])


def _other_attempt(before: str, after: str) -> bool:
    """Whether the words right `after` a bare attempt term name an attempt at something else:
    a whole `attempt_other` phrase, or an `attempt_verb` with its `attempt_habit` object; a
    verb ending the text only after a habit named `before` it (module docstring)."""
    roles = _roles()
    if any(q.match(after) for q in roles["attempt_other"]):
        return True
    for q in roles["attempt_verb"]:
        verb = q.match(after)
        if verb is None:
            continue
        rest = after[verb.end() :].lstrip()
        if any(h.match(rest) for h in roles["attempt_habit"]):
            return True
        if not rest.strip(" .;,") and any(h.search(before) for h in roles["attempt_habit"]):
            return True
    return False
