"""Refit the page-weight estimate (tools/kb/generate/page_weight.py) on a built site.

For every question on a topic page it counts the HTML elements from its heading to the next one,
computes the estimate's features from the note (MathML elements of its formulas, code characters,
non-empty lines, answer blocks), fits the coefficients by least squares and prints them with the fit's
correlation and mean error next to the ones in use.

    mkdocs build --strict --site-dir /tmp/site
    python3 scripts/page_weight_fit.py --site /tmp/site
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kb.generate import page_weight as pw
from kb.generate.inputs import load_inputs

ARTICLE_RE = re.compile(r"<article\b.*?</article>", re.DOTALL)
QUESTION_RE = re.compile(r'<h2 id="([^"]+)"[^>]*>.*?</h2>\s*<div class="kb-study"', re.DOTALL)
TAG_RE = re.compile(r"<[a-zA-Z]")


def measured(site: Path) -> dict[str, int]:
    """Question id → elements from its heading to the next heading (or the article's end)."""
    counts = {}
    for page in (site / "topics").rglob("index.html"):
        article = ARTICLE_RE.search(page.read_text(encoding="utf-8"))
        if not article:
            continue
        html = article.group(0)
        starts = [(m.start(), m.group(1)) for m in QUESTION_RE.finditer(html)]
        heads = [m.start() for m in re.finditer(r"<h2\b", html)] + [len(html)]
        for start, qid in starts:
            end = next(h for h in heads if h > start)
            counts[qid] = len(TAG_RE.findall(html[start:end]))
    return counts


def least_squares(xs: list[list[float]], ys: list[float]) -> list[float]:
    """Normal equations solved by Gaussian elimination (five unknowns: no numerical library needed)."""
    n = len(xs[0])
    a = [[sum(x[i] * x[j] for x in xs) for j in range(n)] + [sum(x[i] * y for x, y in zip(xs, ys))]
         for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col and a[col][col]:
                f = a[r][col] / a[col][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] if a[i][i] else 0.0 for i in range(n)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, help="a site built with mkdocs build")
    args = ap.parse_args()
    counts = measured(Path(args.site))
    notes = [n for n in load_inputs().notes if n.id in counts]
    if len(notes) < 10:
        print(f"only {len(notes)} questions found under {args.site}/topics: build the site first", file=sys.stderr)
        return 1
    xs = [list(pw.note_features(n)) for n in notes]
    ys = [float(counts[n.id]) for n in notes]
    coef = least_squares(xs, ys)
    pred = [sum(c * v for c, v in zip(coef, x)) for x in xs]
    mean_y, mean_p = sum(ys) / len(ys), sum(pred) / len(pred)
    cov = sum((p - mean_p) * (y - mean_y) for p, y in zip(pred, ys))
    corr = cov / ((sum((p - mean_p) ** 2 for p in pred) * sum((y - mean_y) ** 2 for y in ys)) ** 0.5)
    mae = sum(abs(p - y) for p, y in zip(pred, ys)) / len(ys)
    print(f"{len(notes)} questions, correlation {corr:.3f}, mean error {mae:.1f} elements")
    for name, fitted, used in zip(pw.FEATURES, coef, pw.COEFFICIENTS):
        print(f"  {name:15} fitted {fitted:8.3f}   in use {used:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
