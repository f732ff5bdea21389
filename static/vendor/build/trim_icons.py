"""Trim Bootstrap Icons to the glyphs the portal uses (plus a small stock for new pages).

    python static/vendor/build/trim_icons.py FULL.css FULL.woff2

FULL.css / FULL.woff2 come from the `bootstrap-icons` npm package (font/ folder). Writes
static/vendor/bootstrap-icons/bootstrap-icons.min.css and fonts/bootstrap-icons.woff2 holding
every `bi-*` class found in the templates and Python sources, and the STOCK below.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "static" / "vendor" / "bootstrap-icons"
STOCK = """
arrow-clockwise arrow-left arrow-right arrow-repeat award bar-chart bell-fill book box-arrow-right
building calendar calendar-check camera chat check check-circle check-lg chevron-down chevron-right
clipboard-check clock download eye eye-slash file-earmark file-earmark-pdf file-earmark-word
filter flag folder funnel geo-alt graph-up hourglass house image info-circle journal-text key link-45deg
list lock megaphone newspaper pencil pencil-square people person person-plus printer question-circle
search send shield-check shield-lock star trash trash3 upload x x-circle x-lg
""".split()


def used_names() -> set[str]:
    names = set(STOCK)
    for path in ROOT.rglob("*"):
        if path.suffix not in {".html", ".py", ".js"} or any(
            part in {".venv", "node_modules", "vendor", ".git"} for part in path.parts
        ):
            continue
        names.update(re.findall(r"\bbi-([a-z0-9-]+)", path.read_text(errors="ignore")))
    return names


def main(full_css: str, full_woff2: str) -> None:
    css = Path(full_css).read_text()
    rules = dict(re.findall(r'\.bi-([a-z0-9-]+)::?before\{content:"\\([0-9a-f]+)"\}', css))
    wanted = sorted(n for n in used_names() if n in rules)
    head = re.search(r"^.*?\}(?=\.bi-)", css, re.S)
    base = head.group(0) if head else ""
    base = re.sub(r'url\("fonts/bootstrap-icons\.woff\?[^"]*"\) format\("woff"\),?', "", base)
    base = re.sub(r"woff2\?[0-9a-f]+", "woff2", base).replace('"),}', '")}')
    lines = [base] + [f'.bi-{n}::before{{content:"\\{rules[n]}"}}' for n in wanted]
    (OUT / "bootstrap-icons.min.css").write_text("".join(lines) + "\n")
    font = TTFont(full_woff2)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[int(rules[n], 16) for n in wanted])
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(OUT / "fonts" / "bootstrap-icons.woff2")
    print(f"{len(wanted)} icons")


if __name__ == "__main__":
    main(*sys.argv[1:3])
