"""Whether a QuestionnaireResponse this service cannot read as a PHQ-9 is one all the same
(review s43 K74a finding 1; session 43 fix score75).

An Epic PHQ-9 comes under an opaque canonical ("Questionnaire/eKq9n7Y0..."), with linkIds
"1000".."1009", the nine questions as text only, answers as valueString and a last item "PHQ-9
Total Score" with valueInteger. Its name is in an extension (Epic's questionnaire-title, or the
canonical's own display under `_questionnaire`) or nowhere. phq9_lookalike.
questionnaire_looks_like_phq9 read only the canonical and a contained Questionnaire, so such a
form gave only its item 9 (phq9_form_item9.py, read by its words) and no "named PHQ-9 ... total
not known" line: with nothing listed as left out, the cards said "no PHQ-9 on treatment" and
"not measured yet" and rested the TMS card on an older 18 while the latest total was 4.

Named PHQ-9 here, beside phq9_lookalike's reading:
- a form worded as the PHQ-9 (phq9_form_item9.worded_form: the form item 9 is already read on);
- a name in the response's own extensions: a `_questionnaire` extension's text (the canonical's
  display) or a top-level extension whose url names a title (Epic's questionnaire-title);
- an item whose text names the PHQ-9 (phq9_lookalike.names_phq9) and a total
  (data/phq9_total_item_words.csv: "PHQ-9 Total Score").
A form whose own name (canonical, contained Questionnaire, title extensions) names another
instrument (data/phq9_other_form_names.csv: GAD-7, PHQ-2/4/8/15, EPDS, a parent report) is not
taken for the PHQ-9 by its items' words (wording, a total item): the form's own name is the
better witness (a site GAD-7 under ".../gad-7-local" whose items read like the PHQ-9's, total
item included, got the PHQ-9 gap; session 43 fix score76; its item 9 is still read by its words,
phq9_form_item9.py). A form name of the PHQ-9 itself still wins (a combined "(EPDS and PHQ-9)"
form), and a PHQ-A is named
by phq9_lookalike.lookalike_gap's own reason. Each is only a name: it never gives a score, it makes the form a "named PHQ-9 ... not known" gap
(questionnaires._lookalike), so a card claims no less than the chart holds. The total is not read
here (a site's total item is not the service's to vouch for until its items are mapped).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import array
from fhir_mapping.phq9_form_item9 import worded_form
from fhir_mapping.phq9_lookalike import (
    names_phq9,
    questionnaire_looks_like_phq9,
    questionnaire_names,
)
from fhir_mapping.questionnaire_items import _walk

__all__ = ["response_names_phq9"]

Resource = Mapping[str, Any]

# The word an extension's url holds when its text is the form's title (Epic's
# .../extension/questionnaire-title): a FHIR naming habit, no clinical fact.
_TITLE = "title"


# Any run of characters that is not a letter or digit: names compare word by word ("GAD-7",
# "gad_7" and "gad 7" alike).
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@cache
def _other_names() -> frozenset[str]:
    """Another instrument's names (data/phq9_other_form_names.csv), padded to match whole words."""
    text = resources.files("fhir_mapping").joinpath("data/phq9_other_form_names.csv")
    return frozenset(
        f" {_words(row['term']).strip()} "
        for row in csv.DictReader(text.read_text("utf-8").splitlines())
    )


def _words(text: str) -> str:
    return " " + _NOT_WORD.sub(" ", text.lower()).strip() + " "


@cache
def _total_words() -> frozenset[str]:
    """The words of a total item (data/phq9_total_item_words.csv), lower case."""
    text = resources.files("fhir_mapping").joinpath("data/phq9_total_item_words.csv")
    return frozenset(
        row["word"].lower() for row in csv.DictReader(text.read_text("utf-8").splitlines())
    )


def response_names_phq9(resource: Resource) -> bool:
    """Whether a response is named, or worded, as the PHQ-9 (module docstring)."""
    names = list(_extension_names(resource))
    if questionnaire_looks_like_phq9(resource) or names_phq9(names):
        return True  # the form's own name is the PHQ-9 (module docstring)
    # Another instrument's own name wins over the items' words (module docstring).
    return not _names_other(resource, names) and (_total_item(resource) or worded_form(resource))


def _names_other(resource: Resource, names: list[str]) -> bool:
    """Whether the form's own names (canonical, contained Questionnaire, title extensions) name
    another instrument (module docstring)."""
    texts = [*names, *questionnaire_names(resource)]
    joined = " ".join(_words(t) for t in texts if isinstance(t, str))
    return any(term in joined for term in _other_names())


def _extension_names(resource: Resource) -> Iterator[str]:
    """The texts of the response's title extensions and of its canonical's display."""
    element = resource.get("_questionnaire")
    if isinstance(element, Mapping):
        for extension in array(element.get("extension")):
            if isinstance(extension, Mapping) and isinstance(
                v := extension.get("valueString"), str
            ):
                yield v
    for extension in array(resource.get("extension")):
        if not isinstance(extension, Mapping):
            continue
        url = extension.get("url")
        last = url.rstrip("/").rsplit("/", 1)[-1].lower() if isinstance(url, str) else ""
        if _TITLE in last and isinstance(v := extension.get("valueString"), str):
            yield v


def _total_item(resource: Resource) -> bool:
    """Whether an item's text names the PHQ-9 and its total (module docstring)."""
    words = _total_words()
    for item in _walk(resource.get("item")):
        text = item.get("text")
        if isinstance(text, str) and set(text.lower().split()) & words and names_phq9([text]):
            return True
    return False
