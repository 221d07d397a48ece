"""A risk heading's answer in a visit reason ("Plan: ...", "Intent: ..."): a risk, or the
treatment plan (session 30 fix hist35, recheck K25a; split from stated_history.py by idea).

Fix hist34 read an answer as a risk only when it named a listed method or "yes", so any method
the list missed was the past-SI warning: "Plan: crash car", "Plan: drive off road", "Plan: has
one, would not share", "Plan: specific, with date set", "Intent: high", "Intent: strong",
"Intent: to act on it" (recheck K25a). The reading is turned round, the safer way, as a question
costs less than a missed risk:
- an "Intent:" answer (`heading_intent`) is a risk unless it opens with a `heading_no` word
  ("no", "none", "denies", "N/A", "low");
- a "Plan:" answer (any other risk heading) is no risk when it opens with a `heading_no` word,
  or is the treatment plan: it opens with a `plan_treatment` head ("check", "RTC", "start",
  "f/u", "taper", "cut dose", "jump-start") or holds a `plan_treatment_any` phrase ("as
  prescribed", "education", "safety", "course"), which wins over a method word in the answer
  ("Plan: take all meds as prescribed", "Plan: overdose education", "Plan: gun safety
  counseling", "Plan: rope course"; recheck K25a #9); or it holds a `risk_harmless` phrase
  ("hang out", "shoot for", "end things with") and, that aside, no `risk_method` or
  `risk_heading_yes` word. Any other answer is a risk: one naming a method or "yes" and one
  naming neither alike ("Plan: crash car").
Access to means or a preparatory act later in the reason keeps the risk whatever the answer
(the caller's `means`; "Plan: f/u, has been saving pills", recheck K24a s30). The words are data
(data/stated_history_terms.csv).

Session 31 fix hist36: the answer goes on to the end of its sentence, so a `risk_method` word in a
later clause is a risk whatever the answer ("Plan: safety plan; will hang self", "Plan: none;
will hang self" were the past-SI warning), unless a denial or history lead stands before it in
its clause ("no access to guns", "hx of overdose in 2015"); a drug of the drug tables with only
dosing words is the treatment plan ("Plan: take lithium nightly" was critical; "take all her
lithium" names a method and stays a risk); and a heading answered by a method is a stated
suicide plan though the reason names no SI (`states_method`: "Plan: hang self" made no card).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.drug_vocabulary import _names
from fhir_mapping.text_negation import normalise_text

__all__ = ["answer_is_risk", "sentence_rest", "states_method", "treatment_answer"]

_ROLES = (
    *("heading_intent", "heading_no", "heading_filler", "plan_treatment", "plan_treatment_any"),
    *("risk_harmless", "risk_method", "risk_heading_yes"),
    *("plan_dosing", "plan_drug_word", "denial", "risk_denial", "history_lead"),  # fix hist36
    *("risk", "risk_excluded"),
)


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {role: stated_terms.patterns(role) for role in _ROLES}


def _opening(answer: str, role: str) -> str | None:
    """The rest of `answer` after the `role` term it opens with (after `heading_filler` words:
    "will", "pt to"), or None when it opens with none."""
    terms = _terms()
    text = answer.strip(" :-")
    moved = True
    while moved:
        moved = False
        for p in terms["heading_filler"]:
            if (m := p.match(text)) is not None and m.end() > 0:
                text, moved = text[m.end() :].lstrip(), True
    for p in terms[role]:
        if (m := p.match(text)) is not None:
            return text[m.end() :]
    return None


def _opens(answer: str, role: str) -> bool:
    """Whether `answer` opens with a `role` term, after `heading_filler` words ("will", "pt to")."""
    return _opening(answer, role) is not None


def _method_after_head(answer: str) -> bool:
    """A treatment head followed by a method word ("Plan: start cutting again", "Plan: continue
    sertraline, stockpiling pills"): the head does not make the method a treatment (lead's
    follow-up to fix hist35, whose heads won over any method word). A `plan_treatment_any`
    phrase ("as prescribed", "education", "safety", "course") still wins over the whole answer."""
    terms = _terms()
    first, *others = _CLAUSES.split(answer)
    # A later clause naming a method is a risk whatever the first says ("Plan: gun safety - has
    # loaded gun, wants to use it", "Plan: safety plan; will hang self": recheck K26 s30 #3).
    if any(_names_method(clause) for clause in others):
        return True
    if any(p.search(first) for p in terms["plan_treatment_any"]):
        return False
    rest = _opening(first, "plan_treatment")
    return rest is not None and _names_method(rest)


# A reason's clause ends at a comma, semicolon or full stop (stated_history.py's); kept in the split.
_CLAUSE_END = re.compile(r"([.;,])")
# Clause marks inside a heading's answer: ";", ",", " - ", " then ".
_CLAUSES = re.compile(r"\s*(?:;|,|\s-\s|\bthen\b)\s*")


def _blanked(words: str) -> str:
    """`words` with the `risk_harmless` and `plan_treatment_any` phrases blanked, the same length."""
    terms = _terms()
    for p in (*terms["risk_harmless"], *terms["plan_treatment_any"]):
        words = p.sub(lambda m: " " * len(m.group()), words)
    return words


def _names_method(words: str) -> bool:
    """A `risk_method` word outside the `risk_harmless` and `plan_treatment_any` phrases."""
    return any(p.search(_blanked(words)) for p in _terms()["risk_method"])


def treatment_answer(answer: str) -> bool:
    """Whether a "Plan:" answer (normalised, after the ":") is the treatment plan: it opens with a
    `plan_treatment` head or holds a `plan_treatment_any` phrase (module docstring)."""
    return _opens(answer, "plan_treatment") or any(
        p.search(answer) for p in _terms()["plan_treatment_any"]
    )


def sentence_rest(answer: str, after: str) -> str:
    """The words of a heading's sentence after its answer's clause: `after` up to a full stop
    when that clause ends at a comma or semicolon (its mark closes `answer` or opens `after`),
    else "" ("Plan: safety plan; will hang self" -> "will hang self")."""
    tail = answer.rstrip()
    mark = tail[-1:] if tail[-1:] in (".", ";", ",") else after.lstrip()[:1]
    if mark not in (";", ","):
        return ""
    return after.lstrip().removeprefix(mark).split(".", 1)[0]


def _later_method(later: str) -> bool:
    """Whether a clause of `later` (`sentence_rest`) names a method (`_names_method`) with no
    `denial`, `risk_denial` or `history_lead` word before it in its clause ("will hang self",
    not "no access to guns", "denies plan to overdose", "hx of overdose in 2015")."""
    terms = _terms()
    guards = (*terms["denial"], *terms["risk_denial"], *terms["history_lead"])
    for clause in (_blanked(c) for c in re.split(r"[;,]", later)):
        for found in (m for p in terms["risk_method"] for m in p.finditer(clause)):
            if not any(g.search(clause[: found.start()]) for g in guards):
                return True
    return False


def _drug_plan(answer: str) -> bool:
    """Whether an answer is a drug and how it is taken, nothing else: a name of the drug tables
    (drug_vocabulary.py), `plan_dosing` words ("nightly", "300 mg", "at bedtime"), numbers and
    `plan_drug_word` words ("take", "her"): "Plan: take lithium nightly" (fix hist36). Called
    only for an answer that names no method ("take all her lithium" stays a risk)."""
    names = _names()[1]
    if names.search(answer) is None:
        return False
    rest = names.sub(" ", re.sub(r"(?<=\d)(?=[a-z])", " ", answer))  # "300mg" as "300 mg"
    for p in (*_terms()["plan_dosing"], *_terms()["plan_drug_word"]):
        rest = p.sub(" ", rest)
    return not re.sub(r"[\d.,;:/()+\-]", " ", rest).split()


def states_method(text: str) -> bool:
    """Whether a risk heading in a reason (`risk` word and ":", outside a `risk_excluded` phrase)
    has an answer that names a method and states a risk (`answer_is_risk`): a stated suicide
    plan, read though the reason names no SI ("Plan: hang self", "Intent: to overdose", "Plan:
    safety plan; will hang self"; fix hist36). "Plan: crash car" names no listed method: with no
    SI named, no card (the inversion reads an answer beside an SI word)."""
    terms = _terms()
    tokens = _CLAUSE_END.split(normalise_text(text))
    for i in range(0, len(tokens), 2):
        clause, after = tokens[i], "".join(tokens[i + 1 :])
        for p in terms["risk_excluded"]:
            clause = p.sub(lambda m: " " * len(m.group()), clause)
        for risk in (m for p in terms["risk"] for m in p.finditer(clause)):
            rest = clause[risk.end() :].lstrip()
            if not rest.startswith(":"):
                continue
            answer = rest[1:]
            if answer_is_risk(risk.group(), answer, after, lambda _: False) and (
                _names_method(answer) or _later_method(sentence_rest(answer, after))
            ):
                return True
    return False


def answer_is_risk(heading: str, answer: str, after: str, means: Callable[[str], bool]) -> bool:
    """Whether the answer to a risk heading (`heading` the risk word: "plan", "intent";
    `answer` the clause's words after its ":", normalised) states a risk, `after` the reason's
    words after the clause; `means`: whether some words name access to means or a preparatory
    act no denial denies (module docstring). A method in a later clause of the heading's
    sentence is a risk whatever the answer ("Plan: safety plan; will hang self"; fix hist36)."""
    terms = _terms()
    if _later_method(sentence_rest(answer, after)):
        return True
    if _opens(answer, "heading_no"):
        return means(answer + "." + after)  # "Plan: none, but has pills saved"
    if any(p.fullmatch(heading) for p in terms["heading_intent"]):
        return True  # "Intent: high", "Intent: to act on it"
    if treatment_answer(answer):
        # "Plan: start cutting again": a method after the head; "Plan: f/u, has been saving pills"
        return _method_after_head(answer) or means(after)
    rest = answer
    for p in terms["risk_harmless"]:
        rest = p.sub(lambda m: " " * len(m.group()), rest)
    if any(p.search(rest) for p in (*terms["risk_method"], *terms["risk_heading_yes"])):
        return True
    if rest != answer or not rest.strip(" :-") or _drug_plan(answer):
        return means(answer + "." + after)  # "hang out with friends"; "Plan:"; "take lithium"
    return True  # an answer neither a treatment plan nor harmless: "Plan: crash car"
