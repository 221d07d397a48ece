"""The look-alike phrases of data/self_harm_terms.csv blanked before self-harm words are read, with
two rules of their own (session 33 fix text48a; session 32 K33/K34 leftovers).

- `lookalike_eye`: an eye word (a stem: "eyelid*", "conjunctiv*", "lens") with up to two words
  after it, then "OD", a comma allowed right before it ("Lens opacity OD x2", "Eyelid swelling OD
  x2", "Eye pain, OD x2" were read as an overdose count): the right eye (oculus dexter; ISMP's
  List of Error-Prone Abbreviations: OD right eye or once daily), blanked as a `lookalike` row is.
  The `lookalike` rows name the eye word right before "OD" ("eye pain od", "cataract* od"), one
  row per phrase; a word of the complaint between ("opacity", "swelling") missed them. An `event`
  row ending at that "OD" after the eye word ("Eye pain tylenol OD x2": "tylenol od") keeps it
  read, the safer mistake; so does a comma inside the words (only right before "OD"), so "Eye
  pain, tylenol OD x2" and "Eye pain, pt OD x2" stay overdoses.
- Session 33 fix text50a (recheck K35b finding 1, UNSAFE, a regression of text48a): any two
  words were allowed between, so "Eye pain after OD x2", "Glaucoma pt with OD x2 today", "Vision
  loss, OD on insulin", "Pupils dilated, OD on amitriptyline", "Eyes closed, OD on heroin" and
  "Visual hallucinations, OD x2" were blanked (no card, TMS offered). Now a `lookalike_eye_link`
  word between ("after", "from", "post", "with", "and", "pt": a word that links an event, not a
  complaint's word) keeps it read, and so does an `od_then` word right after "OD" ("OD on
  insulin", "OD of", "OD with": an overdose, never the eye's side; the `lookalike` rows ending
  at "od" too: "Eye pain OD on tylenol"). "vision", "visual", "pupil(s)" are no stems any more:
  blurred vision, visual hallucinations and dilated or pinpoint pupils are toxidrome signs.
- `lookalike_kept`: phrases that a look-alike overlapping them must not blank ("Seen by ED MD, OD
  x2" was blanked by "seen by * *, od", an optometrist's credential after a two-word name: "ED
  MD" is no name, and the OD after it is an overdose count).
- An eye word right after "OD" ("h/o OD cataract surgery", "prior OD retinal detachment"): the
  right eye written before the complaint, as eye notes do; blanked as the eye word before it is.
  A history word right before "OD" makes it an overdose (`event` rows "h/o od", "prior od": fix
  text49c), and those rows would read "h/o OD cataract surgery" as one; the eye word after wins.
- Fix text51b (recheck K36a s33 finding 6, UNSAFE): "OD heroin", "OD heroin, left eye swollen"
  were quiet, TMS offered: a bare "OD" is read only where a row makes it an overdose, and none
  named a substance after it. A substance right after "OD" (`od_substance`: a name of the drug
  tables, data/sedative_names.csv or an `od_substance` row: "OD heroin", "OD tylenol", "OD
  xanax") is an overdose, never the eye's side; an eye word later in another clause ("OD heroin,
  left eye swollen") changes nothing, as only an eye word right after "OD" is the eye's.
- Session 34 fix text53b: "OD w/ SI", "OD with intent", "OD with intent to die", "OD'd with
  intent" said "Overdose, intent not recorded" (text52's `event` row "od with" read the overdose;
  nothing read the intent after it), while "OD with suicidal intent" said self-harm. An `od_intent`
  word ("si", "intent", "wish to die") right after an `od_intent_lead` ("od with", "od w/", "od'd
  with", "overdos* with") states the intent (`od_intent`): read as a `suicidal` word beside the
  overdose, so self-harm to confirm, and a denial of it states no accident. Never a substance.
- Decision (fix text53b): "after OD", "post OD", "Seen after OD", "following OD" were quiet, TMS
  offered: "OD" is an overdose or the right eye, and nothing after a time-order word made it
  either. They are `event` rows now ("after od", "post od"): an overdose. With an eye word before
  them ("Eye swelling post OD") the words are ambiguous (an eye finding after an overdose, or
  after something done to the right eye); a missed overdose costs more than a card to dismiss, so
  the overdose card is the safer error there too (as text50a read "Eye pain after OD x2"). Only an
  eye procedure or exam word right after "OD" (`lookalike_eye_next`: "injection*", "yag",
  "surgery", "exam"; "post OD injection", "after OD YAG") or a `lookalike_eye` stem ("post OD
  cataract surgery") makes it the eye's, blanked as "OD cataract" is. "Lens opacity OD", "h/o
  cataract OD", "OD eye drops", "Eye pain, OD x2" stay the eye's (no time-order word before "OD").
- Session 34 fix text55a (recheck K39b findings 2, 3, 6): a denied intent after "OD" ("OD with
  SI denied", "OD, denies SI", "OD without SI") silenced the overdose (TMS offered): an event's
  denial is read only up to an intent word after it (`before_intent`), and an `od_intent_denial`
  lead before one is an event (`od_intent_denied`). "OD with intent to get high", "OD w/ SI?"
  stated no suicidal intent: an `od_intent` word needs nothing after it or "to" and an
  `od_intent_to` word. Eye treatments after "OD" ("drops", "Lucentis", "trab") are
  `lookalike_eye_next` rows; "f/u post OD" stays an overdose (decision in the rows' source).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.context_lookalike import blank_context_lookalikes
from fhir_mapping.lead_list import blank_lead_lists
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.substance_words import substance_alternation
from fhir_mapping.text_negation import normalise_text

__all__ = [
    "before_intent",
    "blank_lookalikes",
    "eye_sided",
    "od_dated",
    "od_events",
    "od_intent",
    "od_substance",
    "unless_bare",
]

# What may stand between an eye word and "OD": up to two words, space-joined, and a comma only
# right before "OD" (a comma elsewhere starts another item: "Eye pain, pt OD x2"); none of them
# a `lookalike_eye_link` word (`_linked`, fix text50a).
_BETWEEN = r"(?P<words>(?: \w+){0,2}),? od\b"
# A word right after "OD" (fix text50a: "OD on insulin").
_NEXT = re.compile(r" (\w+)")


@cache
def _rows(role: str) -> tuple[str, ...]:
    return tuple(normalise_text(t) for t in self_harm_terms.terms(role))


def _alternation(terms: Sequence[str], *, whole: bool = True) -> str | None:
    """`terms` (normalised) as one alternation, longest first: a "*" any ending, inside a term
    too ("eyelid*", "overdos* with"), else a whole word (`whole`; a lead ending in "w/" is none)."""
    if not terms:
        return None
    return "|".join(
        re.escape(t.rstrip("*")).replace(r"\*", r"\w*")
        + (r"\w*" if t.endswith("*") else r"\b" if whole else "")
        for t in sorted(terms, key=len, reverse=True)
    )


@cache
def _stems() -> str | None:
    """The `lookalike_eye` stems ("eyelid*": any ending) as one alternation, longest first."""
    return _alternation(_rows("lookalike_eye"))


@cache
def _eye() -> re.Pattern[str] | None:
    """An eye word and the words up to "OD" after it (_BETWEEN)."""
    body = _stems()
    return None if body is None else re.compile(r"\b(?:" + body + r")" + _BETWEEN)


@cache
def _eye_after() -> re.Pattern[str] | None:
    """The "od" of "OD" with an eye word right after it ("od cataract", "od retinal"), or an eye
    procedure or exam word (`lookalike_eye_next`: "od injection", "od yag"; fix text53b)."""
    body = _alternation((*_rows("lookalike_eye"), *_rows("lookalike_eye_next")))
    return None if body is None else re.compile(r"\bod(?= (?:" + body + r"))")


@cache
def od_substance() -> re.Pattern[str]:
    """ "OD" and a substance right after it (module docstring: fix text51b): the drug tables'
    names, data/sedative_names.csv's ("xanax", "heroin", "opioid*") and the `od_substance` rows
    ("tylenol", "pills"), as substance_words.py gathers them."""
    return re.compile(r"\bod (?:" + substance_alternation() + ")")


@cache
def od_intent() -> re.Pattern[str]:
    """An `od_intent` word right after an `od_intent_lead` ("OD w/ SI", "OD with intent to die"):
    the overdose's intent, read as a `suicidal` word (module docstring: fix text53b), the word
    itself the group "word" (self_harm_text reads an event's denial only up to it: fix text55a).
    An `od_intent_modifier` may stand before the word ("OD with clear intent to die": fix
    text59). Not with a question mark after it or after its purpose ("OD with intent?", "OD w/
    SI?", "OD with intent to die?": a doubt, no statement; fix text59),
    nor with "to" and a word that is no `od_intent_to` row ("OD with intent to get high", "OD w/
    intent to sleep": a purpose that is not death; fix text55a)."""
    leads = _alternation(_rows("od_intent_lead"), whole=False)
    words = _alternation(_rows("od_intent"))
    if leads is None or words is None:
        return re.compile(r"(?!)")  # no rows: nothing is read
    ends = _alternation(_rows("od_intent_to"))
    purpose = r"(?! to (?!(?:" + ends + r"))\w)" if ends is not None else r"(?! to \w)"
    # A question mark after the purpose too ("OD with intent to die?": fix text59).
    asked = r"(?!(?: to (?:" + ends + r"))? ?\?)" if ends is not None else r"(?! ?\?)"
    # An `od_intent_modifier` may stand before the word ("OD with clear intent": fix text59).
    mods = _alternation(_rows("od_intent_modifier"))
    mod = r"(?:(?:" + mods + r") )?" if mods is not None else ""
    # "od w/si" and "od w/ si" both; "od with" needs its space, the lead ends in a letter.
    head = r"\b(?:" + leads + r")(?: |(?<=/))" + mod
    return re.compile(head + r"(?P<word>" + words + r")(?!\w)" + asked + purpose)


# Decision (session 36 fix text68): "OD" as the whole text ("OD", "OD.", "?OD"), a visit reason or
# problem entry of that one word, is an overdose. 'OD' was quiet, TMS offered, while 's/p OD last
# night' was critical. An ED visit's reason of the one word is far more often an overdose than the
# right eye (an eye note names the eye's finding or measure beside it: "blurry vision OD", "IOP 18
# OD", "OD/OS") or a once-daily dose (a sig names its drug), and a missed overdose costs a life
# where a card to dismiss costs a question: the safer error. The `event` rows read "OD" with the
# words that make it one elsewhere ("visit for od", "od today", "<year> od"). Punctuation alone may
# stand around it, nothing else: "OD x 3 days" and "Eye pain OD" are no bare "OD".
_BARE_OD = re.compile(r"^[^\w]*od[^\w]*$")


# Session 36 fix text70 (recheck K52a finding 5): the decision above argues an ED visit's reason
# and a problem's own words, and "OD" was read so in every field: a Cataract entry noted "OD" and
# an ophthalmology visit's reason "OD" raised the critical card, TMS held. `_BARE_OD` stays an
# event here (a reader that knows nothing of its record keeps the safer reading), and the readers
# that know the record set it aside: a Condition's note and the reason of a visit that is no ED
# visit or stay read `unless_bare` (visit_risk.py, condition_harm_notes.py), an eye record reads
# `eye_sided` (eye_context.py).


def od_events() -> tuple[re.Pattern[str], ...]:
    """The `event` patterns of this module, beside the `event` rows: "OD heroin" (fix text51b),
    "OD, denies SI" (fix text55a), "OD" as the whole text, "2020 OD" (fix text68), "ED visit for
    OD", "Suspected OD" (`od_visit` rows, fix text68; a role of their own since fix text70)."""
    return od_substance(), od_intent_denied(), _BARE_OD, *od_dated(), *_visit_rows()


@cache
def _visit_rows() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(term) for term in self_harm_terms.terms("od_visit"))


@cache
def _eye_visit() -> re.Pattern[str] | None:
    """An `od_eye_visit` word ("eye clinic", "ophthalm*"): after it, an `od_visit` row's "OD" is
    the right eye ("Ophthalmology visit for OD", "Retina clinic: here for OD"; fix text70)."""
    body = _alternation(_rows("od_eye_visit"))
    return None if body is None else re.compile(r"\b(?:" + body + r")")


def unless_bare(text: str) -> str:
    """`text`, or nothing when it is "OD" alone (`_BARE_OD`): a reader whose record is no ED
    visit, stay or problem's own words (fix text70, comment above `od_events`)."""
    return "" if _BARE_OD.match(normalise_text(text)) else text


def eye_sided(text: str) -> str:
    """`text` (normalised) with the "OD" an eye record means blanked: "OD" alone, a dated "2019
    OD", an `od_visit` row's ("Here for OD", "concern for OD"). The eye's record (a Condition coded
    Cataract, an ophthalmology visit: eye_context.py) names the right eye so, and an overdose in
    other words ("s/p OD last night", "OD on insulin") is still read (fix text70)."""
    text = normalise_text(text)
    if _BARE_OD.match(text):
        return ""
    for pattern in (*od_dated(), *_visit_rows()):
        for m in list(pattern.finditer(text)):
            if not _acute_visit(text, m.end()):
                text = _blank(text, *m.span())
    return text


@cache
def _acute() -> re.Pattern[str]:
    body = _alternation(_rows("od_visit_acute"))
    return re.compile(r"(?!)" if body is None else r"\b(?:" + body + r")")


def _acute_visit(text: str, end: int) -> bool:
    """Whether the clause up to text[:end] names an ED, an emergency or an admission ("ED visit
    for OD", "Seen in ED for OD", "Admitted for OD"): no eye visit is one, so that "OD" is an
    overdose in any record, an eye record too (recheck K54a s36 finding 4, fix text76)."""
    clause = re.split(r"[,;.]", text[:end])[-1]
    return _acute().search(clause) is not None


# Where a clause opens: the text's start, or right after a comma, semicolon, colon, full stop or
# bracket (one space allowed: the text is normalised).
_CLAUSE_OPEN = r"(?:^|(?<=[,;:.(])|(?<=[,;:.(] ))"


@cache
def od_dated() -> tuple[re.Pattern[str], ...]:
    """The `od_dated` rows ("<year> od": "2020 OD, again today"), read only with the year opening
    its clause (fix text68). A year after an eye word in the clause dates the eye's history
    ("Cataract surgery 2019 OD", "Eye pain since 2020 OD", "YAG 2021 OD" would be read as an
    overdose once a row named "2019 od"; the eye word's own blanking keeps no event it names,
    module docstring), so a dated "OD" is an overdose only where nothing stands before the year."""
    return tuple(
        re.compile(_CLAUSE_OPEN + term_regex(term).pattern)
        for term in self_harm_terms.terms("od_dated")
    )


@cache
def od_intent_denied() -> re.Pattern[str]:
    """An `od_intent_denial` lead ("od, denies", "od without", "od, no") right before an
    `od_intent` or `suicidal` word ("OD, denies SI", "OD without SI", "OD, no suicidal intent"):
    an overdose whose intent is denied, the lead alone the event's span, so the denial is the
    intent's and never the overdose's (fix text55a: these were quiet, TMS offered, while "OD
    w/o SI" said "Overdose, intent not recorded"). A denied suicidal intent states no accident
    (self_harm_text.py); an eye or once-daily word before "OD" blanks it first."""
    leads = _alternation(_rows("od_intent_denial"), whole=False)
    words = _alternation((*_rows("od_intent"), *_rows("suicidal")))
    if leads is None or words is None:
        return re.compile(r"(?!)")
    return re.compile(r"\b(?:" + leads + r")(?= (?:" + words + "))")


def before_intent(
    text: str, start: int, end: int, intents: Sequence[re.Pattern[str]]
) -> tuple[str, int, int]:
    """`text`, `start`, `end` cut right after the first of `intents` (`od_intent`: its group
    "word", an intent right after "OD with") starting after the event's start, for
    reading the mention's denial: "OD with SI denied", "Overdose with intent denied", "OD w/ SI
    denied" deny the intent, and the overdose stays read, its intent not recorded (they were
    quiet, TMS offered: fix text55a). Cut after the word, not before it: a dash left closing
    the clause reads as a checklist's "no". A denial before the event ("no OD with SI") still
    reaches it; so does one after a list ("Overdose or suicide attempt denied": no intent read
    right after "OD with", no cut; an act's own denial is never cut, self_harm_denial._said)."""
    at = [
        (m.start("word") if "word" in p.groupindex else m.start(), m.end())
        for p in intents
        for m in p.finditer(text, start)
    ]
    stop = min((a for a in at if a[0] > start), default=(0, len(text)))[1]
    return text[:stop], start, min(end, stop)


@cache
def _word_set(role: str) -> frozenset[str]:
    return frozenset(_rows(role))


def _linked(words: str) -> bool:
    """Whether the words between an eye word and "OD" hold a `lookalike_eye_link` word ("after",
    "with", "and", "pt"): OD is then an event, not the eye's side (fix text50a)."""
    return not _word_set("lookalike_eye_link").isdisjoint(words.split())


def _overdose_after(text: str, end: int) -> bool:
    """Whether the "OD" ending at `end` is followed by an `od_then` word ("on", "of", "with"):
    "OD on insulin" is an overdose whatever came before it (fix text50a)."""
    if not text[:end].endswith("od"):
        return False
    word = _NEXT.match(text, end)
    return word is not None and word.group(1) in _word_set("od_then")


@cache
def _kept() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(term) for term in _rows("lookalike_kept"))


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_lookalikes(
    text: str, lookalikes: Sequence[re.Pattern[str]], events: Sequence[re.Pattern[str]]
) -> str:
    """`text` (normalised) with each `lookalike` phrase, eye word before "OD" and "OD" before an
    eye word blanked, same length (positions stay), unless a `lookalike_kept` phrase overlaps it
    (module docstring); `events` the `event` rows, an eye word's "OD" one of them names kept
    ("eye pain tylenol od"); a `lookalike_eye_link` word between or an `od_then` word after "OD"
    keeps it too (fix text50a)."""
    # A list of qualifiers read as its last one, so a denial before the list reaches the term
    # ("Denies thoughts of, or plans to, harm herself": lead_list.py, fix text62).
    text = blank_lead_lists(text)
    # A dock, a break-up, a shift ended early: blanked only when nothing else follows in the
    # sentence ("ending it early with a gun" is read: context_lookalike.py, fix text65).
    text = blank_context_lookalikes(text)
    kept = [m.span() for p in _kept() for m in p.finditer(text)]

    def free(start: int, end: int) -> bool:
        return not any(s < end and start < e for s, e in kept)

    seen = _eye_visit()
    at = None if seen is None else seen.search(text)
    for m in [] if at is None else [m for p in _visit_rows() for m in p.finditer(text, at.end())]:
        text = _blank(text, *m.span())  # "Eye clinic visit for OD" (fix text70)
    for pattern in lookalikes:
        for m in list(pattern.finditer(text)):
            if free(*m.span()) and not _overdose_after(text, m.end()):
                text = _blank(text, *m.span())
    eye = _eye()
    for m in [] if eye is None else list(eye.finditer(text)):
        named = any(
            e.start() >= m.start("words") and e.end() == m.end()
            for p in events
            for e in p.finditer(text, m.start("words"), m.end())
        )
        if named or _linked(m.group("words")) or _overdose_after(text, m.end()):
            continue
        if free(*m.span()):
            text = _blank(text, *m.span())
    after = _eye_after()
    for m in [] if after is None else list(after.finditer(text)):
        if free(*m.span()):
            text = _blank(text, *m.span())
    return text
