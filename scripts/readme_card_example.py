"""Regenerate the README's card examples from the service's own output (issue 12).

Two regions of README.md, each from its `<!-- generated: ... -->` marker to the end of its code
block or the next heading:

- "A real card response for a TRD patient": `trd-cds evaluate` of the trd_meets_tms request as of
  2025-06-02 (the offline engine: prefetch rules, mapping, services, cards), the cards' detail as
  the clinician sees it and the whole response JSON, with the card and suggestion uuids replaced
  by stable ones so a regeneration only shows what changed;
- the "Your first call" sample: the same chart moved to 2026-12-02 the way `--shift-dates-to-today`
  moves it, printed as `trd-cds request` prints cards, with the links an HTTP answer carries.

Usage: `.venv/bin/python -m scripts.readme_card_example` (rewrites README.md; `--check` exits 1
when the README differs instead).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from cds_hooks.card_text import Style, render_cards
from cds_hooks.date_shift import days_between, shift_json
from cds_hooks.examples import FIXTURES_AS_OF
from cds_hooks.offline import evaluate_document
from services.policy import Policy

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
REQUEST = ROOT / "tests/fixtures/patients/trd_meets_tms.request.json"
EXAMPLE_MARK = (
    "<!-- generated: trd-cds evaluate tests/fixtures/patients/trd_meets_tms.request.json "
    "--as-of 2025-06-02 (scripts/readme_card_example.py) -->"
)
FIRST_CALL_MARK = "<!-- generated: scripts/readme_card_example.py (first call) -->"
FIRST_CALL_DAY = date(2026, 12, 2)
BASE = "http://127.0.0.1:8080"
# The shape of the service's own ids (cds_hooks/observability/middleware.py: a random 12-hex-digit
# prefix per process, a hex counter): a fresh server's second request, discovery being the first.
SAMPLE_REQUEST_ID = "656b6cb822c0-2"
_NAMESPACE = uuid.UUID("8f1b8b5e-3a8c-4f0e-9d63-6d0d7b1f2a10")

INTRO = """\
The scenario `trd_meets_tms` (a hand-written, realistic chart: recurrent severe MDD; sertraline
titrated to 200 mg for 16 weeks, then venlafaxine XR to 225 mg for 16 weeks, both with dispense
records; PHQ-9 19 → 17 → 18; eleven psychotherapy sessions; TSH normal; no contraindication)
answers with two cards. Its latest PHQ-9 is 18, moderately severe: the pathway says TMS (PHQ-9
>= 10, `tms_min_phq9`), but the default payer rule set, LCD L37086, covers *severe* MDD, so the
TMS card says "not yet met" and what to document rather than "Criteria met" (with a PHQ-9 of 20
or more the same chart reads "Criteria met": tests/cds_hooks/test_snooze_evidence.py). The chart
is kept as it is because that is the common case the payer section exists for."""


def _stable_uuids(node: Any, counter: list[int]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "uuid" and isinstance(value, str):
                counter[0] += 1
                out[key] = str(uuid.uuid5(_NAMESPACE, f"readme-{counter[0]}"))
            elif key == "data" and isinstance(value, str) and len(value) > 80:
                # The attached referral summary (base64 HTML): shortened in the README only.
                out[key] = f"{value[:24]}… ({len(value):,} characters of base64, shortened here)"
            else:
                out[key] = _stable_uuids(value, counter)
        return out
    if isinstance(node, list):
        return [_stable_uuids(v, counter) for v in node]
    return node


def _response(document: Any, as_of: date) -> dict[str, Any]:
    result = evaluate_document(document, hook="patient-view", as_of=as_of, policy=Policy())
    data: dict[str, Any] = result.response.model_dump(mode="json", exclude_none=True)
    return data


def example_section() -> str:
    document = json.loads(REQUEST.read_text("utf-8"))
    response = _stable_uuids(_response(document, FIXTURES_AS_OF), [0])
    cards = response["cards"]
    lines = [EXAMPLE_MARK, INTRO, ""]
    for card in cards:
        lines.append(
            f"- **{card['indicator']}** `{card['source']['topic']['code']}`: {card['summary']}"
        )
    lines += ["", "Each card's `detail`, as the clinician sees it rendered:", ""]
    for card in cards:
        lines.append(f"**`{card['source']['topic']['code']}`**")
        lines.append("")
        lines += [f"> {line}".rstrip() for line in card.get("detail", "").splitlines()]
        lines.append("")
    lines += [
        "<details><summary>The whole response JSON (both cards, with their suggestions)</summary>",
        "",
        "```json",
        json.dumps(response, indent=2, ensure_ascii=False),
        "```",
        "",
        "</details>",
        "",
        "Regenerate with `.venv/bin/python -m scripts.readme_card_example` (the same as "
        "`.venv/bin/trd-cds evaluate tests/fixtures/patients/trd_meets_tms.request.json "
        "--as-of 2025-06-02`, with stable uuids and the attached summary's base64 shortened); "
        "through HTTP the cards also carry their links "
        '("View treatment timeline", and on the TMS card "TMS referral summary").',
        "",
    ]
    return "\n".join(lines)


def first_call_block() -> str:
    document = json.loads(REQUEST.read_text("utf-8"))
    days = days_between(FIXTURES_AS_OF, FIRST_CALL_DAY)
    response = _response(shift_json(document, days), FIRST_CALL_DAY)
    for card in response["cards"]:
        card["links"] = [{"label": "View treatment timeline", "url": f"{BASE}/timeline/FmD3che…"}]
        if card["source"]["topic"]["code"] == "tms-referral":
            card["links"].append(
                {"label": "TMS referral summary", "url": f"{BASE}/packet/FmD3che…"}
            )
    n = len(response["cards"])
    lines = [
        FIRST_CALL_MARK,
        "```",
        f"POST {BASE}/cds-services/trd-patient-view (patient-view, {len(document['prefetch'])} "
        "prefetch keys; dates moved "
        f"{days} days: {FIXTURES_AS_OF} is today ({FIRST_CALL_DAY}))",
        f"200 in 0.19 s, request id {SAMPLE_REQUEST_ID}",
        f"{n} card{'' if n == 1 else 's'}:",
        *render_cards(response["cards"], Style(colour=False)),
        "```",
    ]
    return "\n".join(lines)


def regenerate(text: str) -> str:
    start = text.index("<!-- generated: trd-cds evaluate tests/fixtures/patients/trd_meets_tms")
    # To the next heading (the section's own subsections, e.g. "One screen", are kept).
    end = min(i for i in (text.find("\n## ", start), text.find("\n### ", start)) if i >= 0)
    text = text[:start] + example_section() + text[end:]
    block = re.compile(re.escape(FIRST_CALL_MARK) + r"\n```\n.*?\n```", re.S)
    if block.search(text) is None:
        raise SystemExit(f"README.md: no {FIRST_CALL_MARK!r} block")
    return block.sub(lambda _: first_call_block(), text, count=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    text = README.read_text("utf-8")
    new = regenerate(text)
    if args.check:
        return 0 if new == text else 1
    README.write_text(new, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
