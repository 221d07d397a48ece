"""A plan or intent heading answered yes or left open beside a suicide word: "SI: denies. Plan?
unknown", "SI: denies. Plan: yes", "SI: denies. Intent? unsure" (session 39 fix text94: each
was quiet, TMS offered).

stated_heading.states_method reads a heading as a stated suicide plan only when its answer names
a method ("Plan: hang self") or affirms an intent alone ("Intent: high"), so a plan answered
"yes" or "unknown" with no method named gave no card, even where the reason is a suicide
assessment. In a reason that names suicide (a `open_heading_context` word, denied or not: the
risk was asked about), a `risk` heading after ":" or "?" whose answer affirms it
(`risk_heading_yes`, the whole answer: "yes", "+") or leaves it open (`question_open`: "unknown", "unsure", "?"),
or a "?" heading with no answer at all (as "Suicide note?", self_harm_subject._yes), is read as a
stated plan: the denial of ideation does not answer whether there is a plan, and a critical card
that asks costs less than a missed plan (COMMON safety rule).

Decision: with no suicide word ("Plan? unknown", "Plan? yes", "Plan: yes") the heading stays as
it was (no card): the plan may be the discharge or treatment plan, and reading every unanswered
"Plan?" of a note as a suicide plan would be noise on most charts. The heading must open its
clause or follow only suicide words ("SI plan? unknown"): "Dental plan? unknown" is another
plan; `risk_excluded` phrases ("safety plan", "discharge plan") are blanked first. The words are
data (data/stated_history_terms.csv).

Session 39 fix text98 (review K62a findings 5, 6): an open word opening a longer answer was read
as an open plan, so the treatment plan was a risk ("Denies SI. Plan: possible TMS referral",
"Plan: pending labs", "Plan: maybe increase sertraline", "Plan: unknown, awaiting labs" were
critical, TMS held). The answer now runs to the end of its sentence (over its commas) and the
treatment plan is read first: an open word counts when it is the whole answer, perhaps with a
`question_open_time` phrase ("Plan? unknown at this time"); after other words it counts unless
they name the treatment plan (a `plan_treatment` or `plan_treatment_any` word anywhere: "TMS",
"labs", "increase", "referral") and no `risk_method` word. Decision: an open word followed by
words naming no treatment ("Plan? unknown, pt would not say", "Plan: unsure, still thinking")
stays open, the safer reading (COMMON: the brief's whole-answer rule would make those quiet).
Decision: "C-SSRS negative. Plan: ?" stays critical: the C-SSRS screener skips its plan
questions (4, 5) when active ideation (2) is "no", so a negative screen records no answer about
a plan, and a bare "?" under "Plan:" in a suicide assessment is that question left open; a
critical card that asks costs less than a missed plan.

Session 40 fix text99: "denies SI, plan unknown", "denies SI; plan not assessed", "Denies SI,
?plan" were quiet, TMS offered: the heading needed its ":" or "?" after it. With no mark the
heading word followed straight by a yes or open word is read the same ("plan unknown" is
"Plan: unknown"; "plan to follow up in 2 weeks", a bare "plan" stay no answer), and a "?"
written before it ("?plan") asks it: with nothing after, open. "SI: denies. Plan: pending psych
eval" was critical, TMS held: "pending" opened the answer and "psych eval" named no treatment
word. Decision: an open word right before an evaluation (`plan_assessment`: "psych", "eval",
"consult", "dispo"; an article between allowed) qualifies it: the treatment plan awaits the
evaluation, quiet as "Plan: pending labs" is, unless a `risk_method` word follows. Not
`plan_treatment` rows (read anywhere after the open word): "Plan: unknown, pending psych eval"
and "Plan: unknown pending psych eval" stay critical, the open word being the answer and the
evaluation awaited the one that would answer whether there is a plan (the safer reading). "Plan:
unknown", "Plan: ?", "Plan: unclear", "Plan: pending" alone and "Plan: overdose", "Plan: pills"
(a method: stated_heading.states_method) stay critical.

Session 40 fix text100: "denies SI and plan unknown", "denies SI & plan unknown", "Denies SI and
?plan", "denies SI + plan unclear" were quiet, TMS offered: the heading had to open its clause,
and "and", "&", "+" join it to the denied ideation in one clause. A heading after such a
conjunction (`_JOIN`, perhaps with a "?" between) whose clause before it names suicide is read
as opening its clause; the answer rules above are unchanged ("denies SI and plan to f/u 2 wks",
"denies SI and plan is to continue sertraline" name no yes or open word: quiet). "Access to
firearms? SI: denies", "Guns in home? denies SI", "Access to lethal means? SI: denies" were
quiet, TMS offered: an answer after "?" naming another item of the assessment
(question_answer.names_other_item: "SI", "HI", "plan") is that item's, and the heading's
question is left unanswered, as "Suicide note? SI: denies" is (fix text99); access to firearms
unasked is a gap in a suicide-risk assessment, and a critical card that asks costs less than a
missed means. A lethal-means question is a heading here (`means_heading`: "guns in home",
"access to lethal means"; not `risk` rows, which the history readers take as a stated risk
anywhere). "Access to firearms? No. SI: denies", "Access to firearms: none; SI: denies",
"Firearms at home? denies" answer it: quiet.

Session 40 fix text101 (review K64a findings 1, 2): text99 read any words after the evaluation as
part of it, so "SI: denies. Plan: pending psych eval for SH", "...; IVC", "..., on 5150",
"..., eloped from ED" were quiet, TMS offered; and its non-psychiatric rows ("pending medical
clearance", "transfer", "dispo", "social work", a bare "eval") made the usual path of a
self-harm visit quiet. Decision (the safer side): `plan_assessment` names only a psychiatric,
behavioral-health or crisis-team evaluation (an optional `plan_assessment_kind` word after it:
"psych eval", "psychiatry consult"), and the evaluation must end the text: only a date, a time or
a `plan_assessment_time` / `question_open_time` phrase ("today", "at 14:00") may follow it.
Anything else after it is the open reading (critical), as before text99.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import stated_terms
from fhir_mapping.question_answer import names_other_item
from fhir_mapping.text_bounds import CLAUSE_KEPT, pieces
from fhir_mapping.text_negation import cue_rows, normalise_text

__all__ = ["open_heading"]

# What follows a heading word: ":" or one or more "?" (a doubled "?" is one mark, as fix text92),
# or nothing: "denies SI, plan unknown" (fix text99) then counts only a yes or open answer.
_MARK = re.compile(r"\s*(?::|\?+)?")
# A "?" written before the heading word ("Denies SI, ?plan"): the heading asked (fix text99).
_MARK_BEFORE = re.compile(r"\?+\s*$")
# A conjunction joining a heading to the suicide item before it in one clause ("denies SI and
# plan unknown", "denies SI & ?plan"; fix text100): nothing but marks after it up to the heading.
# "or" and "/" join them too ("denies SI or plan unknown", "denies SI/plan unknown"; fix text102).
_JOIN = re.compile(r"(?:\band\b|\bor\b|&|\+|/)(?=[^a-z0-9]*$)")
# Screening items of a denied list (text_negations.csv `list_item`: "hi", "avh"), fix text102.
_ITEMS = re.compile(
    r"\b(?:"
    + "|".join(re.escape(c) for c in sorted(cue_rows()["list_item"], key=len)[::-1])
    + r")\b"
)
# The roles whose words are a heading (`means_heading`: a lethal-means question, fix text100).
_HEADINGS = ("risk", "means_heading")
# Words between an open word and the evaluation it qualifies ("pending a psych eval").
_ARTICLE = re.compile(r"\s*(?:(?:a|an|the|for)\s+)?")
# A date or clock time an evaluation may close with ("pending psych eval 12/7", "at 14:00",
# "@ 2pm"; fix text101). A bare number is none: "on 5150" is a hold, not a time.
_WHEN = re.compile(
    r"(?:(?:\bat|\bon|@)\s*)?"
    r"(?:\b\d{1,2}/\d{1,2}(?:/\d{2,4})?|\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\b\.?)?|\b\d{1,2}\s*[ap]m\b)"
)


@cache
def _context() -> tuple[re.Pattern[str], ...]:
    return stated_terms.patterns("open_heading_context")


def _affirmed_or_open(answer: str, mark: str, later: str, after: str, heading: str = "") -> bool:
    """Whether a heading's answer (its clause) affirms it or leaves it open (module docstring);
    after "?", no answer at all (up to the next sentence) or another item's answer is open too.
    `later`: the answer's sentence after its clause (",", "awaiting labs"); `after`: the whole
    text after the clause; `heading`: the heading's words ("access to firearms")."""
    answer = answer.strip(" -:")
    if "?" in mark and (not answer or answer.startswith("?")):
        return True
    # After "?", an answer naming another item ("Access to firearms? SI: denies") is that item's:
    # the heading's question stays unanswered (fix text100, as question_answer's fix text99).
    if "?" in mark and names_other_item(answer + later, heading):
        return True
    # A yes is the whole answer ("Plan: yes"), not one opening other words ("plan: yes to TMS":
    # a treatment agreed).
    if any(p.fullmatch(answer) for p in stated_terms.patterns("risk_heading_yes")):
        return True
    opened = [m for p in stated_terms.patterns("question_open") if (m := p.match(answer))]
    if not opened:
        return False
    own = answer[max(m.end() for m in opened) :]
    rest = stated_terms.blanked(own + later, "question_open_time")
    return not _treatment_rest(rest, assessed=_assessment_next(own, after))


def _assessment_next(own: str, after: str) -> bool:
    """Whether the words right after an open word name an evaluation it qualifies ("Plan:
    pending psych eval", "Plan: possible psych consult": `plan_assessment`, fix text99): the
    treatment plan awaits that evaluation. After a comma ("Plan: unknown, pending psych eval")
    or another word ("Plan: unknown pending psych eval") the open word is the answer, and the
    evaluation awaited is what would answer it: still open (module docstring). `after`: the
    text after the answer's clause; only a time may follow the evaluation (fix text101)."""
    start = _ARTICLE.match(own)
    at = 0 if start is None else start.end()
    found = [m for p in stated_terms.patterns("plan_assessment") if (m := p.match(own, at))]
    if not found:
        return False
    end = max(m.end() for m in found)
    kind = re.compile(r"\s*").match(own, end)
    end = kind.end() if kind else end
    kinds = [m for p in stated_terms.patterns("plan_assessment_kind") if (m := p.match(own, end))]
    end = max((m.end() for m in kinds), default=end)
    # Fix text101: the evaluation must be the whole answer, to the end of the text; a word
    # after it ("for SH", "; IVC", ", on 5150") may be the risk itself: the open reading.
    return _only_when(own[end:] + after)


def _only_when(rest: str) -> bool:
    """Whether `rest` holds nothing but dates, times and time phrases (fix text101)."""
    for role in ("plan_assessment_time", "question_open_time"):
        rest = stated_terms.blanked(rest, role)
    return not re.sub(r"[^a-z0-9]", "", _WHEN.sub(" ", rest))


def _treatment_rest(rest: str, *, assessed: bool = False) -> bool:
    """Whether the words after an open word name the treatment plan (fix text98: "possible TMS
    referral", "pending labs"): a `plan_treatment` or `plan_treatment_any` word and no
    `risk_method` word ("unsure, maybe overdose, f/u" stays open). Nothing left is no treatment:
    the open word is the whole answer ("unknown at this time"). `assessed`: the open word
    qualifies an evaluation (`_assessment_next`, fix text99), the treatment plan too."""
    if not re.sub(r"[^a-z0-9]", "", rest):
        return False
    harmless = stated_terms.blanked(rest, "risk_harmless")
    if any(p.search(harmless) for p in stated_terms.patterns("risk_method")):
        return False
    roles = ("plan_treatment", "plan_treatment_any")
    return assessed or any(p.search(rest) for role in roles for p in stated_terms.patterns(role))


def _sentence_after(tokens: list[str], i: int) -> str:
    """The pieces of clause `i`'s sentence after it, joined by their commas (`tokens` from
    `pieces(..., CLAUSE_KEPT)`: clauses and their marks)."""
    later = ""
    j = i + 1
    while j + 1 < len(tokens) and tokens[j] == ",":
        later += "," + stated_terms.blanked(tokens[j + 1], "risk_excluded")
        j += 2
    return later


def _only_context(words: str) -> bool:
    """Whether `words` (a clause before its heading) are empty or suicide words only ("si")."""
    for p in _context():
        words = p.sub(" ", words)
    return not re.sub(r"[^a-z0-9]", "", words)


def _opens_item(words: str) -> bool:
    """Whether a heading after `words` (its clause before it) opens an item of the clause: the
    words are suicide words only (`_only_context`), or end with a conjunction joining it to a
    clause part that names suicide ("denies si and ", "denies si & ?": fix text100), or one of
    nothing but screening items (`list_item`: "denies SI, HI or plan unknown", "denies SI, or
    plan unclear": the item list after a comma; fix text102)."""
    if _only_context(words):
        return True
    join = _JOIN.search(words)
    if join is None:
        return False
    before = words[: join.start()]
    return any(p.search(before) for p in _context()) or _only_context(_ITEMS.sub(" ", before))


def open_heading(text: str) -> bool:
    """Whether `text` holds a plan or intent heading answered yes or left open in a reason that
    names suicide (module docstring)."""
    plain = normalise_text(text)
    if not any(p.search(plain) for p in _context()):
        return False
    tokens = pieces(plain, CLAUSE_KEPT)
    for i in range(0, len(tokens), 2):
        clause = stated_terms.blanked(tokens[i], "risk_excluded")
        headings = (p for role in _HEADINGS for p in stated_terms.patterns(role))
        for risk in (m for p in headings for m in p.finditer(clause)):
            mark = _MARK.match(clause, risk.end())
            if mark is None or not _opens_item(clause[: risk.start()]):
                continue
            asked = mark.group().strip() or (
                "?" if _MARK_BEFORE.search(clause[: risk.start()]) else ""
            )
            later = _sentence_after(tokens, i)
            after = "".join(tokens[i + 1 :])
            if _affirmed_or_open(clause[mark.end() :], asked, later, after, risk.group()):
                return True
    return False
