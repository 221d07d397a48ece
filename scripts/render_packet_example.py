"""Render docs/packet.png: the project's own TMS referral summary for the example chart
(tests/browser/packet_example.py), screenshotted whole by headless Chromium
(scripts/install-chromium.sh installs it).

    .venv/bin/python scripts/render_packet_example.py [--out docs/packet.png] [--width 1000]
                                                      [--height 1700] [--full] [--html FILE]

The README shows the first 1700 px (summary, diagnosis, severity, trials); --full takes the
whole page.

The page is served from 127.0.0.1 on a free port for the duration of the screenshot; nothing
leaves the machine.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere: the repository's packages
    sys.path.insert(0, str(ROOT))

from services.packet import render_packet  # noqa: E402
from services.policy import Policy  # noqa: E402
from tests.browser.chromium import DevTools, find_chromium, png_size, serve  # noqa: E402
from tests.browser.packet_example import packet_record  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "packet.png")
    parser.add_argument("--width", type=int, default=1000, help="window width in CSS px")
    parser.add_argument("--height", type=int, default=1700, help="window height in CSS px")
    parser.add_argument("--full", action="store_true", help="the whole page, not the window")
    parser.add_argument("--html", type=Path, help="also write the page here")
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        print("Chromium not found: run scripts/install-chromium.sh first", file=sys.stderr)
        return 1
    page = render_packet(packet_record(), Policy())  # the default payer rule set (L37086)
    if args.html:
        args.html.write_text(page, encoding="utf-8")
    with serve({"/packet": page}) as server, DevTools(chromium) as browser:
        browser.viewport(args.width, args.height)
        browser.load(server.base_url + "/packet")
        png = browser.screenshot(args.out, full_page=args.full)
    width, height = png_size(png)
    print(f"wrote {png.relative_to(ROOT) if png.is_relative_to(ROOT) else png} ({width}x{height})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
