"""How the suicide-risk evidence (risk_evidence.py) words what it found: a C-SSRS screen's result
in full and short (`screen_text`), where a finding recorded at a visit was recorded
(`recorded_where`, `at_visit`: an ED encounter diagnosis, a visit's reason), a past finding's
risk-factor line (`history_line`), a current suicidal-ideation finding's "Found" line and summary
name, and a summary name short enough for the 140-character card summary (`summary_name`).

Apart from risk_evidence.py because it words one screen or finding and decides nothing: no
window, no policy; the events (risk_events.py) and the assessments word screens with it too.
"""

from __future__ import annotations

from fhir_mapping import self_harm_intent, self_harm_text, visit_risk
from fhir_mapping.record import Finding
from fhir_mapping.suicide_screen import INSTRUMENT, SuicideScreen


def screen_text(screen: SuicideScreen) -> tuple[str, str]:
    """(full, short) description of a screen's result."""
    unfinished = " (form not completed)" if not screen.complete else ""
    parts = []
    if screen.positive:
        parts.append("yes to " + "; ".join(screen.positive))
    if screen.risk_level is not None:
        parts.append(f"documented risk level {screen.risk_level}")
    # An answer not read is named, never taken for a no (recheck K21 s30 disc c4).
    unread = ["answer not read to " + "; ".join(screen.unread)] if screen.unread else []
    if parts:
        # Each finding once, the first named in short and the rest counted: a risk level with no
        # yes answer is the first and only one (it counted -1, "(+-1 more)": review s27 RF 6).
        level = [f"risk level {screen.risk_level}"] if screen.risk_level is not None else []
        found = [*screen.positive, *level]
        first, more = found[0], len(found) - 1
        short = f"{INSTRUMENT}{unfinished}: {first.lower()}" + (f" (+{more} more)" if more else "")
        return f"{INSTRUMENT}{unfinished}: " + ", ".join([*parts, *unread]), short
    if unread:
        named = ", ".join(["no to " + "; ".join(screen.negative)] if screen.negative else [])
        full = ", ".join(x for x in (named, *unread) if x)
        return f"{INSTRUMENT}{unfinished}: {full}", f"{INSTRUMENT} answer not read"
    negatives = "no to " + "; ".join(screen.negative) if screen.negative else "negative"
    return f"{INSTRUMENT}{unfinished}: {negatives}", f"{INSTRUMENT} negative"


def recorded_where(finding: Finding) -> str:
    """Where a finding recorded at a visit was recorded (fhir_mapping/visit_risk.py): "encounter
    diagnosis of the ED visit on 2025-05-23", "reason for the ED visit on 2025-05-23",
    "encounter diagnosis" (visit not on record); "" for a problem-list entry."""
    if not finding.recorded:
        return ""
    if finding.visit is None:
        return finding.recorded
    if finding.recorded == visit_risk.REASON:
        return f"reason for the {finding.visit}"
    return f"{finding.recorded} of the {finding.visit}"


def at_visit(finding: Finding, name: str) -> str:
    """The summary's short name of a finding recorded at a visit: "Suicidal ideations at the ED
    visit on 2025-05-23" (the visit's words hold the date), "<name> (encounter diagnosis)"."""
    if finding.visit is not None:
        return f"{name} at the {finding.visit}{after_today(finding, short=True)}"
    return f"{name} ({finding.recorded}){after_today(finding, short=True)}"


def after_today(finding: Finding, *, short: bool = False) -> str:
    """What a finding dated after today (Finding.after_today; fhir_mapping/risk_after_today.py,
    fix fut63) adds to its line: its date named as suspect, as an item 9 dated after today's is
    (services/risk_events.py): ", dated 2027-03-01, after today: check the date; treated as
    current" (", after today" in `short`, the summary's); a visit's words hold its date
    already. "" for every other finding."""
    day = finding.after_today
    if day is None:
        return ""
    dated = "" if finding.visit is not None else f" dated {day.isoformat()},"
    if short:
        return f",{dated} after today"
    entered = finding.recorded_before
    on_record = f" (recorded {entered.isoformat()})" if entered is not None else ""
    return f",{dated or ' dated'} after today{on_record}: check the date; treated as current"


def history_line(finding: Finding, note: str) -> str:
    onset = f" {finding.onset_phrase}" if finding.onset_phrase else ""
    where = recorded_where(finding)
    return (
        f"{finding.display} ({coding_words(finding)}){onset}{', ' + where if where else ''}: {note}"
    )


def text_only(finding: Finding) -> bool:
    """A self-harm or overdose finding read from words alone (fhir_mapping/self_harm_text.py: a
    Condition no code mapped, a visit reason in text): the card asks to confirm it."""
    return finding.system == "text" and finding.verification in (
        self_harm_text.TEXT_ONLY,
        self_harm_text.INTENT_UNKNOWN,
        self_harm_intent.UNDETERMINED,  # "Overdose - intent unclear" (self_harm_text.py)
    )


def intent_unknown(finding: Finding) -> bool:
    """An overdose or poisoning in words that do not say whether it was intentional, or coded
    with undetermined intent (fhir_mapping/self_harm_intent.py: T43.224A): the card asks to
    confirm the intent, never claims an attempt (review s26 UD finding 1)."""
    return finding.verification in (self_harm_text.INTENT_UNKNOWN, self_harm_intent.UNDETERMINED)


def _coded_undetermined(finding: Finding) -> bool:
    return finding.verification == self_harm_intent.UNDETERMINED and finding.system != "text"


def _text_source(finding: Finding) -> str:
    return "visit reason" if finding.recorded == visit_risk.REASON else "diagnosis"


def _intent_words(finding: Finding) -> str:
    """ "intent undetermined" when the words say it could not be told ("Overdose - intent
    unclear": review s26 RK2 finding 6, truer than "not recorded"), else "intent not
    recorded"."""
    undetermined = finding.verification == self_harm_intent.UNDETERMINED
    return "intent undetermined" if undetermined else "intent not recorded"


# The grounds an emergency psychiatric hold is placed on (CA WIC 5150, FL 394.463, NC 122C-261)
# and a sitter is ordered for: the card names them and never claims suicidal ideation.
_HOLD_BASIS = (
    "an emergency psychiatric hold or 1:1 observation, placed for danger to self, danger to "
    "others or grave disability: confirm which"
)


def coding_words(finding: Finding) -> str:
    """What stands in a line's parenthesis for the code: "ICD-10-CM T43.222A"; for self-harm in
    words alone "diagnosis text only, no mapped code: confirm" (review s26 RC finding 1)."""
    if _coded_undetermined(finding):
        return f"{finding.coding}, intent undetermined: confirm"
    if finding.verification in (visit_risk.HOLD, visit_risk.HOLD_ENDED):
        # A hold or a sitter says danger, not which one (fhir_mapping/psych_hold.py, fix text103).
        return f"{finding.coding}; {_HOLD_BASIS}"
    if finding.verification == visit_risk.HOLD_RELEASED:
        # Ended, no current denial: the danger it was placed for is unassessed since (text108).
        return f"{finding.coding}; {_HOLD_BASIS}; since ended, no current denial recorded"
    if not text_only(finding):
        return finding.coding
    intent = f"{_intent_words(finding)}, " if intent_unknown(finding) else ""
    return f"{intent}{_text_source(finding)} text only, no mapped code: confirm"


def self_harm_name(finding: Finding) -> str:
    """The summary's name of a current self-harm finding: the chart's display when short, else
    the kind and its code; in words alone, what it may be and "text only: confirm", never the
    claim of an attempt the words do not make (an overdose whose intent is not recorded)."""
    if _coded_undetermined(finding):
        return (
            f"{self_harm_intent.undetermined_name(finding.system, finding.code)} ({finding.code})"
        )
    if not text_only(finding):
        return summary_name(finding, "Self-harm or suicide attempt")
    what = (
        f"Overdose, {_intent_words(finding)}"
        if intent_unknown(finding)
        else "Self-harm or suicide attempt"
    )
    return f"{what} ({_text_source(finding)} text only: confirm)"


def harm_words(finding: Finding) -> str:
    """What a self-harm finding is called in a history line: "self-harm", or for one whose
    intent is not recorded or undetermined what it is, never self-harm it may not be."""
    if _coded_undetermined(finding):
        return self_harm_intent.undetermined_name(finding.system, finding.code).lower()
    return f"overdose, {_intent_words(finding)}" if intent_unknown(finding) else "self-harm"


def ideation_words(finding: Finding) -> tuple[str, str, bool]:
    """(the "Found" line, the summary's short name, whether the short name holds the date) of
    a current suicidal-ideation finding: where it was recorded (review 16 recheck U-b: an
    encounter diagnosis of an ED visit is not "on the problem list")."""
    name = summary_name(finding, "Suicidal ideation")
    if finding.verification == visit_risk.HOLD_RELEASED:
        # Named as the hold it was, never "suicidal ideation" (fix text108, K70a finding 5).
        name = f"Emergency hold or 1:1, since ended ('{summary_name(finding, 'hold')}')"
    late = after_today(finding)
    # Its grounds named (fix text103), an ended one's too, in a note too (fix text108).
    held = finding.verification in (visit_risk.HOLD, visit_risk.HOLD_RELEASED)
    coding = coding_words(finding) if held else finding.coding
    if finding.recorded:
        text = f"{finding.display} ({coding}), {recorded_where(finding)}{late}"
        return text, at_visit(finding, name), bool(finding.visit is not None or late)
    closed = "" if finding.state == "active" else ", recorded as no longer active"
    if finding.noted_on is not None:
        # Written in the entry's note: dated by the note, which is no onset (fix forms44).
        noted = f"note of {finding.noted_on.isoformat()}"
        text = f"{finding.display} ({noted}) on the problem list ({coding}){closed}"
        return text, f"{name} ({noted} on the problem list)", True
    text = f"{finding.display} on the problem list ({finding.coding}){closed}" + (
        late or ("" if finding.onset else ", no date recorded: counted as current")
    )
    return text, f"{name} on the problem list{after_today(finding, short=True)}", bool(late)


# A chart's own display leads the card summary when it is short; a long one ("Poisoning by
# selective serotonin and norepinephrine reuptake inhibitors, intentional self-harm, initial
# encounter") would push "assess today" past the 140-character summary, so the summary names
# the kind and the code instead and the detail keeps the display. A finding read from words
# has no code (code ""): the kind alone, not "Suicidal ideation ()" (recheck K11 s28 finding 5).
_SUMMARY_NAME_MAX = 60


def summary_name(finding: Finding, kind: str) -> str:
    if len(finding.display) <= _SUMMARY_NAME_MAX:
        return finding.display
    return f"{kind} ({finding.code})" if finding.code else kind
