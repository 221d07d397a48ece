"""Card text's small pieces: numbers as a clinician writes them, lists, the summary's length
and the markdown table.

Apart from cards.py because every card module, the trials table (trial_table.py) and the order
suggestions (suggestions.py) write with them, and they know nothing about a trial or a topic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fhir_mapping.percent import pct
from fhir_mapping.record import Trial
from services.summary_clauses import drop_bracket_items, drop_clauses, drop_head_clauses

SUMMARY_MAX = 139  # CDS Hooks 2.0: summary "<140 characters"


def fmt_mg(mg: float | None) -> str:
    """mg as a clinician writes it: 37.5, 0.025, and a weekly 90 mg as 12.86 a day, never the
    raw 12.8571 of the arithmetic (review finding 10)."""
    if mg is None:
        return "unknown"
    return f"{round(mg, 2 if abs(mg) >= 1 else 4):g}"


def as_needed_text(mg: float | None, high: float | None = None, max_mg: float | None = None) -> str:
    """A dose taken only as needed (DoseSegment.as_needed), never written as mg/day: "50 mg as
    needed", "50-100 mg as needed", "400 mg as needed (max 1600 mg/day)" with the order's
    maxDosePerPeriod, "as needed (dose not read)"."""
    ceiling = f" (max {fmt_mg(max_mg)} mg/day)" if max_mg is not None else ""
    if mg is None and high is None:
        return f"as needed (dose not read){ceiling}"
    if high is None:
        dose = fmt_mg(mg)
    elif mg is None:
        dose = f"up to {fmt_mg(high)}"
    else:
        dose = f"{fmt_mg(mg)}-{fmt_mg(high)}"
    return f"{dose} mg as needed{ceiling}"


def fmt_weeks(weeks: float) -> str:
    return f"{weeks:.1f}".removesuffix(".0")


def plural(count: int | str, noun: str, plural_form: str | None = None) -> str:
    """ "1 day", "3 days", "1 week" (review s20 r4 item 14: "1 days ago", "(1 weeks)"): the one
    count-and-noun rule for card, packet and timeline text. `count` may come written already
    ("1.5" from fmt_weeks, "at least 8"): singular only when it reads "1"."""
    one = count == 1 if isinstance(count, int) else count.rsplit(" ", 1)[-1] == "1"
    return f"{count} {noun if one else plural_form or noun + 's'}"


def weeks_text(weeks: float) -> str:
    """ "1 week", "1.5 weeks", "6 weeks": a count of weeks as fmt_weeks writes it, with its noun
    by `plural`'s rule (session 21 item 2: "for 1 weeks")."""
    return plural(fmt_weeks(weeks), "week")


_COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}

# A failure read only from the course having stopped (Trial.outcome_inferred), in the cards'
# words (services/trial_count.py: "1 trial stopped (sertraline, response not measured)"); the
# packet's Counted cell and the timeline say it after "to confirm:" (review s27 K4 finding 7).
STOPPED_UNMEASURED = "stopped, response not measured"


def count_word(count: int) -> str:
    """ "two", "three" ... "five" for the drafts on one order; digits beyond (never seen)."""
    return _COUNT_WORDS.get(count, str(count))


def fmt_pct(fraction: float, *against: float) -> str:
    """ "58 %"; to one decimal where a whole percent would land on or across a threshold in
    `against` the value is not on (fhir_mapping/percent.py: "49.6 %" beside "more than 50 %")."""
    return pct(fraction, *against)


def names(trials: Iterable[Trial]) -> str:
    return ", ".join(dict.fromkeys([t.ingredient for t in trials]))


def reported_note(trials: Iterable[Trial]) -> str:
    """Said after the names of trials a card counts ("1 adequate trial failed (escitalopram),
    self-reported"): a course only the patient reports (Trial.patient_reported: no order or fill
    on record) is marked where it is counted (review 12 recheck part 1 #14). ", self-reported"
    when every one is, ", escitalopram self-reported" when some are, "" when none (nearly every
    chart). After the parenthesis, so a summary keeps its names when it fits. A course only on
    the medication list is ", medication list only" when every one is, " (sertraline, fluoxetine:
    medication list only)" when some are."""
    group = list(trials)
    every = len(dict.fromkeys([t.ingredient for t in group]))
    said = []
    # Review s27 RA finding 2: a course from a clinician's or an unsourced statement only
    # (Trial.statement_only) is no order or fill either: marked as the criterion marks it.
    for label, field in (
        ("self-reported", "patient_reported"),
        ("medication list only", "statement_only"),
    ):
        marked = list(dict.fromkeys([t.ingredient for t in group if getattr(t, field)]))
        if not marked:
            continue
        if len(marked) == every:
            said.append(f", {label}")
        elif field == "statement_only":
            # Review s27 RQ2 finding 4: "sertraline, fluoxetine medication list only" read as a
            # list of drugs; bracketed, with a colon, it reads as what is said of them.
            said.append(f" ({', '.join(marked)}: {label})")
        else:
            said.append(f", {', '.join(marked)} {label}")
    return "".join(said)


def in_sentence(label: str) -> str:
    """A label as a sentence says it: "Earlier TMS" -> "earlier TMS" (its first letter lowered,
    never an acronym: "TMS history" stays; str.lower() printed "earlier tms": audit 15 W4)."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def reaction_in_sentence(words: str) -> str:
    """A reaction as charted, inside a sentence: "Anaphylaxis" -> "anaphylaxis", while a text
    with another capital is kept as written ("Stevens-Johnson Syndrome", "TEN", "DRESS
    syndrome"; lowering its first letter printed "stevens-Johnson": s31 allergy37 item 4)."""
    if any(c.isupper() for c in words[1:]):
        return words
    return words[:1].lower() + words[1:]


def or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def and_list(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def fit_summary(*candidates: str) -> str:
    """The first candidate that fits; else the last one with whole clauses left out, the action
    kept (summary_clauses.py, review s26 RN finding 9: a clause cut mid-word read as a typo or as
    another fact). Only when not even its action fits is it cut between words, with an ellipsis
    (no chart of the tests reaches that)."""
    for text in candidates:
        if len(text) <= SUMMARY_MAX:
            return text
    shorter = drop_clauses(candidates[-1], SUMMARY_MAX)
    if shorter is not None:
        return shorter
    head = candidates[-1][: SUMMARY_MAX - 1]
    if candidates[-1][SUMMARY_MAX - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]  # the word the limit falls in is left out whole
    return head.rstrip(" ,;:") + "…"


def fit_with_tail(head: str, tail: str, subject: str = "") -> str:
    """`head + tail` within SUMMARY_MAX, `head` shortened first by whole clauses (summary_clauses.
    drop_head_clauses, review s26 RN finding 9: "2 adequate…: judge the ECT course"): `tail` is
    what must be said whole (why a proposal is held: one_click_hold), the head the finding the
    detail says in full. When no whole clause of `head` fits, "`subject`: `tail`" (what the head
    is about, the drug and its dose: "Nortriptyline 25 mg/day: raise held (...)"; session 26
    NW item 1: "Raise held (...)" named neither, the reader left to guess which drug waits);
    `tail` alone (capitalised) when there is no subject or not even it fits."""
    text = head + tail
    if len(text) <= SUMMARY_MAX:
        return text
    cut = drop_head_clauses(head, SUMMARY_MAX - len(tail))
    if cut:
        return cut + tail
    alone = tail.lstrip(" ;:,")
    led = f"{subject}: {alone}"
    if subject and len(led) <= SUMMARY_MAX:
        return led
    # Too long even alone (review s26 RK1 finding 1: three hold reasons made 201 characters,
    # which the card model rejected, and the patient got no card at all): the last resort.
    return shortened(alone[:1].upper() + alone[1:])


def shortened(text: str) -> str:
    """The last resort for a summary over SUMMARY_MAX, wherever it is found (fit_with_tail's
    tail, the Recommendation -> Card conversion: cds_hooks/cards.wire_summary): the items of
    its last bracket from the last (a held act's reasons, the first kept: summary_clauses.
    drop_bracket_items), else `fit_summary`'s whole clauses, the action kept, then words. Always
    within the limit; `text` itself when it fits."""
    if len(text) <= SUMMARY_MAX:
        return text
    return drop_bracket_items(text, SUMMARY_MAX) or fit_summary(text)


def _cell(text: str) -> str:
    if "|" in text or "\n" in text:  # most cells hold neither: no copies made for them
        return text.replace("|", "\\|").replace("\n", " ")
    return text


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = [_table_row(header), "|" + "---|" * len(header)]
    lines.extend(map(_table_row, rows))
    return "\n".join(lines)


def _table_row(cells: Sequence[str]) -> str:
    # Most rows hold no "|" and no line break: one look at the whole row, and each cell is
    # looked at only when the row has one (issue 14).
    joined = "".join(cells)
    if "|" in joined or "\n" in joined:
        cells = [_cell(c) for c in cells]
    return "| " + " | ".join(cells) + " |"


def record_cite(source: object | None, dated: bool, shape: str = " ({})") -> str:
    """ " (MedicationStatement/ms-1)" for a record a card can name by nothing else (its dates
    could not be read), "" for one the card names by drug, dose and date (review 19 b01s: a
    resource id in a sentence is no use to a clinician, who finds the record by what it says).
    The one rule for the records' citations in card text (courses, and since session 20
    conditions, allergies, scores and visits)."""
    return "" if dated or source is None else shape.format(source)
