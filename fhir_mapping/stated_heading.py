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
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fhir_mapping import stated_terms

__all__ = ["answer_is_risk", "treatment_answer"]

_ROLES = (
    *("heading_intent", "heading_no", "heading_filler", "plan_treatment", "plan_treatment_any"),
    *("risk_harmless", "risk_method", "risk_heading_yes"),
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


# Clause marks inside a heading's answer: ";", ",", " - ", " then ".
_CLAUSES = re.compile(r"\s*(?:;|,|\s-\s|\bthen\b)\s*")


def _names_method(words: str) -> bool:
    """A `risk_method` word outside the `risk_harmless` and `plan_treatment_any` phrases."""
    terms = _terms()
    for p in (*terms["risk_harmless"], *terms["plan_treatment_any"]):
        words = p.sub(lambda m: " " * len(m.group()), words)
    return any(p.search(words) for p in terms["risk_method"])


def treatment_answer(answer: str) -> bool:
    """Whether a "Plan:" answer (normalised, after the ":") is the treatment plan: it opens with a
    `plan_treatment` head or holds a `plan_treatment_any` phrase (module docstring)."""
    return _opens(answer, "plan_treatment") or any(
        p.search(answer) for p in _terms()["plan_treatment_any"]
    )


def answer_is_risk(heading: str, answer: str, after: str, means: Callable[[str], bool]) -> bool:
    """Whether the answer to a risk heading (`heading` the risk word: "plan", "intent";
    `answer` the clause's words after its ":", normalised) states a risk, `after` the reason's
    words after the clause; `means`: whether some words name access to means or a preparatory
    act no denial denies (module docstring)."""
    terms = _terms()
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
    if rest != answer or not rest.strip(" :-"):
        return means(answer + "." + after)  # "Plan: hang out with friends"; "Plan:"
    return True  # an answer neither a treatment plan nor harmless: "Plan: crash car"
