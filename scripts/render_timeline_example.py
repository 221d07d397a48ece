"""Render docs/timeline.png: the project's own timeline page for a realistic three-trial history,
screenshotted by headless Chromium (scripts/install-chromium.sh installs it).

    .venv/bin/python scripts/render_timeline_example.py [--out docs/timeline.png] [--svg FILE]

The page is served from 127.0.0.1 on a free port for the duration of the screenshot; nothing
leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: the repository's packages
    sys.path.insert(0, str(ROOT))

from services.timeline import render_page, render_svg  # noqa: E402
from tests.browser.chromium import find_chromium, png_size, screenshot, serve  # noqa: E402
from tests.browser.example_record import example_record  # noqa: E402

WIDTH = 1400
PAGE_CHROME = 150  # heading, lede, caption and margins around the SVG, in CSS px


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "timeline.png")
    parser.add_argument("--svg", type=Path, help="also write the bare SVG here")
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: run scripts/install-chromium.sh first", file=sys.stderr)
        return 1
    record = example_record()
    svg = render_svg(record)
    if args.svg:
        args.svg.write_text(svg, encoding="utf-8")
    # The window is as tall as the page, so the whole picture is in the screenshot.
    svg_width, svg_height = (float(ET.fromstring(svg).get(k, "0")) for k in ("width", "height"))
    height = int(svg_height * (WIDTH - 40) / svg_width) + PAGE_CHROME
    with serve({"/timeline": render_page(record)}) as server:
        png = screenshot(chromium, server.base_url + "/timeline", args.out, window=(WIDTH, height))
    width, height = png_size(png)
    print(f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png} ({width}x{height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
