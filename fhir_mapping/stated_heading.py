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
A drug and how it is taken, and a count of tablets no dose is: stated_dosing.py (split by idea,
session 32 fix heads43). Session 32 fix dose46: a count of tablets no dose is after a
`plan_take_lead` phrase ("Plans to take 30 tylenol") states a plan as the heading's answer does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from fhir_mapping import stated_dosing, stated_open_heading, stated_plan_count, stated_terms
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces
from fhir_mapping.text_negation import normalise_text

__all__ = [
    "answer_is_risk",
    "answers_blanked",
    "heading_answer",
    "heading_denied",
    "sentence_rest",
    "states_method",
    "treatment_answer",
]

_ROLES = (
    *("heading_intent", "heading_no", "heading_filler", "plan_treatment", "plan_treatment_any"),
    *("risk_harmless", "risk_method", "risk_heading_yes"),
    *("denial", "risk_denial", "history_lead"),  # fix hist36
    *("risk", "risk_excluded", "heading_method"),  # fix hist38
    "intent_not_suicidal",  # fix hist39; the dosing roles: stated_dosing.py
)


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {role: stated_terms.patterns(role) for role in _ROLES}


def heading_answer(rest: str) -> str | None:
    """The answer of a risk heading from `rest`, the words right after the risk word: after a
    ":" or a free-standing dash ("Intent - none"), or the words themselves when they open with a
    `heading_no` word ("intent none"; recheck K27a s31 finding 5, fix hist37: both read as an
    intent stated now); None when `rest` is no heading's answer ("plan to jump")."""
    rest = rest.lstrip()
    if rest[:1] == ":" or rest[:2] == "- ":
        return rest[1:]
    return rest if _opens(rest, "heading_no") and not rest.startswith("-") else None


def heading_denied(clause: str, names: Callable[[str], bool]) -> bool:
    """Whether a clause is the finding's words (at most two, `names` reads them) and a risk
    heading whose answer opens with a `heading_no` word ("SI plan: none", "SI intent - no"): the
    plan or intent of a denied ideation denied, no finding of now (recheck K27a s31 finding 5,
    fix hist37: "History of SI, denies current SI. SI plan: none" was critical)."""
    for risk in (m for p in _terms()["risk"] for m in p.finditer(clause)):
        answer = heading_answer(clause[risk.end() :])
        before = clause[: risk.start()]
        if answer is not None and _opens(answer, "heading_no") and names(before):
            return len(before.split()) <= 2
    return False


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


# Clause marks inside a heading's answer: ";", ",", " - ", " then " (local, not text_bounds: a
# heading's steps are joined by a dash or "then", and the spaces around a mark go with it).
_CLAUSES = re.compile(r"\s*(?:;|,|\s-\s|\bthen\b)\s*")


def _blanked(words: str) -> str:
    """`words` with the `risk_harmless` and `plan_treatment_any` phrases blanked, the same length."""
    terms = _terms()
    for p in (*terms["risk_harmless"], *terms["plan_treatment_any"]):
        words = p.sub(lambda m: " " * len(m.group()), words)
    return words


def _names_method(words: str) -> bool:
    """A `risk_method` word outside the `risk_harmless` and `plan_treatment_any` phrases, or more
    tablets taken than a dose takes ("take 30 of her lithium", "take 100 tylenol": no method word
    but an overdose's count; stated_dosing.takes_many, fix heads43)."""
    blanked = _blanked(words)
    return any(p.search(blanked) for p in _terms()["risk_method"]) or stated_dosing.takes_many(
        blanked
    )


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


def states_method(text: str) -> bool:
    """Whether a risk heading in a reason (`risk` word and ":", outside a `risk_excluded` phrase)
    has an answer that names a method and states a risk (`answer_is_risk`): a stated suicide
    plan, read though the reason names no SI ("Plan: hang self", "Intent: to overdose", "Plan:
    safety plan; will hang self"; fix hist36), a "Method:" heading (`heading_method`) answered
    by one ("Method: hanging") and an "Intent:" answer that affirms it ("Intent: high"; fix
    hist38). An answer naming no listed method ("Plan: CT head") with no SI named gives no card
    (the inversion reads an answer beside an SI word); "crash car", "off bridge", "stockpiling"
    are listed since fix hist38 (recheck K28b s31)."""
    terms = _terms()
    if stated_open_heading.open_heading(text):
        return True  # "SI: denies. Plan? unknown": a plan affirmed or left open (fix text94)
    tokens = pieces(normalise_text(text), CLAUSE_KEPT)
    for i in range(0, len(tokens), 2):
        clause, after = tokens[i], "".join(tokens[i + 1 :])
        for p in terms["risk_excluded"]:
            clause = p.sub(lambda m: " " * len(m.group()), clause)
        if _planned_count(clause, after):
            return True  # "Plans to take 30 tylenol": a plan as "Plan: take 30 tylenol" (dose46)
        headings = (*terms["risk"], *terms["heading_method"])
        for risk in (m for p in headings for m in p.finditer(clause)):
            rest = clause[risk.end() :].lstrip()
            if not rest.startswith(":"):
                continue
            answer = rest[1:]
            others = "".join(tokens[:i]) + clause[: risk.start()] + after
            later = sentence_rest(answer, after)
            if answer_is_risk(risk.group(), answer, after, lambda _: False) and (
                _names_method(answer)
                or _later_method(later)
                # A count after the comma is a second object of the answer's "take" ("Plan:
                # take 8 tylenol daily, 20 ativan": recheck K36a finding 3, fix text51a).
                or (bool(later.strip()) and stated_dosing.takes_many(_blanked(f"{answer},{later}")))
                or _intent_stated(risk.group(), answer, others)
            ):
                return True
    return False


def _planned_count(clause: str, after: str = "") -> bool:
    """Whether a clause states a plan to take more tablets than a dose takes after a
    `plan_take_lead` phrase (stated_plan_count.planned_many: "plans to take 30 tylenol", "wants to
    take 20 of her pills"; fix dose46, recheck K32b finding 5: no card) with no `denial`,
    `risk_denial` or `history_lead` word before it in the clause ("denies plans to take 30
    pills", "no plans to take 30 tylenol", "hx of plans to ...": as `_later_method`). The lead
    stands in `clause`; its plan is read on into `after`, past the "," or ";" that cut the
    clause ("plan is to go home, take 40 ativan": a step's link, recheck K39b finding 1, fix
    text55b; stated_plan_count reads its own clause's end)."""
    terms = _terms()
    guards = (*terms["denial"], *terms["risk_denial"], *terms["history_lead"])
    return any(
        start < len(clause) and not any(g.search(clause[:start]) for g in guards)
        for start in stated_plan_count.planned_many(clause + after)
    )


def _intent_stated(heading: str, answer: str, others: str) -> bool:
    """Whether an "Intent:" heading (`heading_intent`) has an answer that affirms an intent
    ("Intent: high", "Intent: strong"): `answer_is_risk` read it so beside an SI word, and
    alone it states the intent of a suicide plan as well (recheck K28b s31, fix hist38: no
    card). A treatment answer ("Intent: to start TMS") states none. Read with no SI word, only
    when the reason names no other topic: `others`, its words outside the heading and answer,
    and a bracket in the answer name none ("Smoking cessation. Intent: high", "Intent: high
    (smoking cessation)": a quit attempt's intent, critical before fix hist39, recheck K29b)."""
    intent = any(p.fullmatch(heading) for p in _terms()["heading_intent"])
    alone = not re.sub(r"[^a-z0-9]", "", others) and "(" not in answer
    return intent and alone and not treatment_answer(answer)


def answers_blanked(text: str) -> str:
    """`text` normalised, with the answer of each risk or method heading (a `risk` or
    `heading_method` word and ":") blanked to the end of its clause: what the reason says besides
    its stated plan ("SI, Intent: none. Plan: overdose" -> "si, intent:      . plan:          "),
    so a planned overdose is not read as one taken (fix hist38, recheck K28b: summarised
    "Overdose, intent not recorded")."""
    terms = _terms()
    tokens = pieces(normalise_text(text), CLAUSE_KEPT)
    for i in range(0, len(tokens), 2):
        clause = tokens[i]
        for risk in (
            m for p in (*terms["risk"], *terms["heading_method"]) for m in p.finditer(clause)
        ):
            rest = clause[risk.end() :]
            if rest.lstrip().startswith(":"):
                clause = clause[: risk.end()] + " " * len(rest)
                break
        tokens[i] = clause
    return "".join(tokens)


def answer_is_risk(heading: str, answer: str, after: str, means: Callable[[str], bool]) -> bool:
    """Whether the answer to a risk heading (`heading` the risk word: "plan", "intent";
    `answer` the clause's words after its ":", normalised) states a risk, `after` the reason's
    words after the clause; `means`: whether some words name access to means or a preparatory
    act no denial denies (module docstring). A method in a later clause of the heading's
    sentence is a risk whatever the answer ("Plan: safety plan; will hang self"; fix hist36)."""
    terms = _terms()
    later = sentence_rest(answer, after)
    # A prescription and its quantity ("Plan: sertraline 50 mg, dispense 30 tablets"): its tabs
    # are counted, no method (fix hist38: read as the later clause's method, critical).
    if stated_dosing.drug_plan(f"{answer}, {later}" if later.strip() else answer):
        return means(answer + "." + after)
    if _later_method(later):
        return True
    if _opens(answer, "heading_no"):
        return means(answer + "." + after)  # "Plan: none, but has pills saved"
    if any(p.fullmatch(heading) for p in terms["heading_intent"]):
        if _opens(answer, "intent_not_suicidal"):
            # "Overdose. Intent: accidental", "Intent: to get high": no suicidal intent, as
            # "Accidental overdose" (fix hist39, recheck K29b: critical).
            return means(answer + "." + after)
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
        return means(answer + "." + after)  # "hang out with friends"; "Plan:"; "take lithium"
    return True  # an answer neither a treatment plan nor harmless: "Plan: crash car"
