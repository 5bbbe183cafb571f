"""Reader-side cost of topic pages: HTML elements per page (what a phone has to lay out), page bytes,
and how answers are shown (tab sets, collapsed / open source blocks).

    python scripts/dom_benchmark.py SITE_DIR [SITE_DIR ...]     # built sites (mkdocs build -d SITE_DIR)

Build the sites to compare from the same notes, e.g. ``KB_ROOT=/tmp/notes-copy mkdocs build -d /tmp/a``.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path


class _Count(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements = 0

    def handle_starttag(self, tag, attrs) -> None:
        self.elements += 1


def measure(site: Path) -> dict:
    pages = []
    tabs = details = opened = 0
    for page in sorted((site / "topics").rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if "<h2" not in html:
            continue
        counter = _Count()
        counter.feed(html)
        pages.append((counter.elements, len(html.encode()), page.relative_to(site).as_posix()))
        tabs += html.count('class="tabbed-set')
        details += len(re.findall(r'<details class="[^"]*kb-source', html))
        opened += len(re.findall(r'<details class="[^"]*kb-source[^"]*" open', html))
    pages.sort(reverse=True)
    total = sum(p[0] for p in pages)
    return {"pages": len(pages), "largest": pages[0] if pages else None,
            "mean_elements": round(total / len(pages)) if pages else 0,
            "tab_sets": tabs, "source_blocks": details, "open_source_blocks": opened}


def main(argv: list[str]) -> None:
    for arg in argv:
        m = measure(Path(arg))
        largest = m["largest"]
        print(f"{arg}: {m['pages']} topic pages; largest {largest[0]:,} elements / {largest[1] // 1024:,} KB "
              f"({largest[2]}); mean {m['mean_elements']:,} elements; tab sets {m['tab_sets']}; "
              f"source blocks {m['source_blocks']} ({m['open_source_blocks']} open)")


if __name__ == "__main__":
    main(sys.argv[1:] or ["site"])
