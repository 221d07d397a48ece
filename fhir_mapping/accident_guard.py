"""What keeps an act read beside an accident stated after it (review K59a findings 1-3, fix
text91). Fix text90 quieted scratches and lacerations from an animal, a plant or an itch; three
shapes of that were quiet with a TMS referral although the act may be self-harm:

- an intent or self-harm word before the act in its clause ("intentional scratches to wrists
  (eczema)", "self-harm cuts to forearm from dog", "self-inflicted lacerations from dog bite"):
  self_harm_context._kept read intent words only in the act's words and after them. An `intent`,
  `suicidal` or `accident_undone` word, or an `accident_kept` self-harm word ("self-harm",
  "self-inflicted", "NSSI"), anywhere in the act's clause before it keeps the act read, whatever
  cause follows; an `accident_kept` word in the act's own words too ("self-harm" as the act: the
  `accident_tag_kept` rows' "self*" would also take "cut self while cooking", an accident);
- a second act or injury joined in the clause ("cut wrists and scratches on forearm from cat",
  "burns and scratches on forearm (eczema)", "cut wrists and bruises from MVC"): a cause quiets
  only the act it follows directly. After an `accident_joined` word ("and", "&", "plus") the
  cause is the joined thing's, so the clause is cut there for the act before it; an act right
  after one, with an `accident_injury` word ("burns", "bruises") before it in the clause, may
  share the cause with that injury (eczema explains scratches, not burns), so its accident
  stated after is not read either ("fell and cut wrist on glass" names no injury before: an
  accident still). Two acts sharing one cause phrase:
  the act read is the safer error;
  A body part is no second thing (fix text93, review K60a finding 7: "cut wrists and forearms
  in MVC", "lacerations to forearm and hand from dog bite" were critical): after a joined word
  an `accident_site` word (with `accident_site_side` words before it: "and left hand") names
  a second site of the same act, so the cause after it is still the act's; with an
  `accident_injury` word right after it ("and forearm scratches from cat") it names a second
  injury, cut as before;
- a cutting tool after the cause ("slashed wrists from gardening shears", "scratches on wrists
  from hedge trimmer"): the cause names a task or a plant the tool belongs to, and a cutting tool
  is what self-injury by cutting uses (the `act` rows "cutting w* razor*/blade*/knife/scissors",
  fix text57), so an `accident_tool` word after the cause in the clause keeps the act read.
  Before the cause it does not ("cut self with razor while shaving" stays an accident).

Apart from self_harm_context.py (near its 400 lines) because what guards an act against a
stated accident is its own idea; the words are data (self_harm_terms.csv roles `intent`,
`suicidal`, `accident_undone`, `accident_kept`, `accident_joined`, `accident_injury`,
`accident_tool`, `accident_site`, `accident_site_side`).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import CLAUSE, span_before
from fhir_mapping.text_negation import normalise_text, term_pattern

__all__ = ["intent_near", "joined_before", "own_part", "tool_after", "without_joined_sites"]

_KEPT_BEFORE = ("intent", "suicidal", "accident_undone", "accident_kept")


def _word(term: str) -> str:
    # "&", "+": no word boundary beside punctuation, so a free-standing mark (negation_cues._cue).
    term = normalise_text(term)
    if term[:1].isalnum():
        return term_pattern(term).pattern
    return r"(?<!\S)" + re.escape(term) + r"(?!\S)"


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    wanted = (
        *_KEPT_BEFORE,
        "accident_joined",
        "accident_injury",
        "accident_tool",
        "accident_site",
        "accident_site_side",
    )
    found: dict[str, list[str]] = {role: [] for role in wanted}
    for row in csv.DictReader(text.splitlines()):
        if row["role"] in found:
            found[row["role"]].append(_word(row["term"]))
    body = {role: "|".join(terms) or "(?!)" for role, terms in found.items()}
    return {
        "before": re.compile("|".join(body[role] for role in _KEPT_BEFORE)),
        "own": re.compile(body["accident_kept"]),
        "joined": re.compile(body["accident_joined"]),
        "joined_end": re.compile(r"(?:" + body["accident_joined"] + r")\s*$"),
        "injury": re.compile(body["accident_injury"]),
        "tool": re.compile(body["accident_tool"]),
        # "and left forearm(s)": side words, then a body part (fix text93).
        "site": re.compile(
            r"\s*(?:(?:" + body["accident_site_side"] + r")\s+)*(?:" + body["accident_site"] + ")"
        ),
        "injury_next": re.compile(r"\s*(?:" + body["accident_injury"] + ")"),
    }


def intent_near(text: str, start: int, end: int) -> bool:
    """Whether an intent or self-harm word stands in the act's clause before text[start:end], or
    a self-harm (`accident_kept`) word in the act's own words (module docstring)."""
    found = _patterns()
    return bool(
        found["before"].search(span_before(text, start, CLAUSE))
        or found["own"].search(text, start, end)
    )


def joined_before(text: str, start: int) -> bool:
    """Whether an `accident_joined` word ("and", "&") stands right before the act at `start` and
    an `accident_injury` word before it in the clause: the act is the second of two injuries
    that may share the cause after it (module docstring)."""
    found = _patterns()
    before = span_before(text, start, CLAUSE)
    joined = found["joined_end"].search(before)
    return joined is not None and found["injury"].search(before, 0, joined.start()) is not None


def own_part(after: str) -> str:
    """`after` (the act's clause after it) up to its first `accident_joined` word that joins a
    second thing: a cause after that word is the joined thing's; one joining a body part alone
    ("and forearms in MVC") is passed over (module docstring)."""
    found = _patterns()
    for joined in found["joined"].finditer(after):
        site = found["site"].match(after, joined.end())
        if site is None or found["injury_next"].match(after, site.end()) is not None:
            return after[: joined.start()]
    return after


def without_joined_sites(after: str) -> str:
    """`after` with each `accident_joined` word and the body part it joins (one `own_part`
    passes over: "and hands", "and left hand") blanked, same length: a second site of the same
    act is no other word beside its cause, so "scratches on forearm and hands (eczema)" is an
    itch scratched as "scratches on forearm (eczema)" is (fix text95: it was critical). One
    joining an injury ("and forearm scratches", "and cuts") stays, and keeps the act read."""
    found = _patterns()
    for joined in reversed(list(found["joined"].finditer(after))):
        site = found["site"].match(after, joined.end())
        if site is not None and found["injury_next"].match(after, site.end()) is None:
            after = (
                after[: joined.start()] + " " * (site.end() - joined.start()) + after[site.end() :]
            )
    return after


def tool_after(after: str, at: int) -> bool:
    """Whether an `accident_tool` word ("shears", "knife") stands in `after` past `at`, the end of
    a stated cause: the cut may be the tool's, self-injury (module docstring)."""
    return _patterns()["tool"].search(after, at) is not None
