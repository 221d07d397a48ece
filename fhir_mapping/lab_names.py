"""How a gap line or a card names a lab test: display words, not clinical facts. Apart from
labs.py so that the gap lines (gaps.py, through lab_si_key.py) can name the tests a prefetch key
carries without importing the lab reader, which imports them."""

from __future__ import annotations

# services/lab_safety.py names the safety labs with them too.
LAB_NAMES = {
    "tsh": "TSH",
    "free-t4": "free T4",
    "b12": "vitamin B12",
    "folate": "folate",
    "vitamin-d": "vitamin D",
    "lithium": "lithium level",
    "nortriptyline": "nortriptyline level",
    # The combined totals labs report for an amitriptyline or imipramine course (session 27).
    "amitriptyline-nortriptyline": "amitriptyline + nortriptyline level",
    "imipramine-desipramine": "imipramine + desipramine level",
    "qtc": "QTc",
    "sodium": "sodium",
    "creatinine": "creatinine",
    "egfr": "eGFR",
    # A creatinine clearance (24-hour urine, or Cockcroft-Gault as the lab predicts it): renal50.
    "crcl": "creatinine clearance",
    "hba1c": "HbA1c",
    "glucose": "glucose",
    "ldl": "LDL",
    "triglycerides": "triglycerides",
    "alt": "ALT",
    "ast": "AST",
    "ecg": "ECG",
    # A panel of TSH and free T4 sent as one Observation (data/lab_panels.csv; lab54 item 1).
    "thyroid-panel": "thyroid panel",
    # An hCG named under a local code only (data/lab_lookalike_terms.csv; labs33 item 3).
    "hcg": "hCG",
    # What an ECG without a QTc reports (data/lab_panel_measures.csv): shown, never compared.
    "qt": "QT interval",
    "heart-rate": "heart rate",
}
