"""How heavy a question makes its page, in HTML elements, estimated from the note before rendering.

A phone spends most of a long page's load time on style and layout, which grows with the number of
elements; formulas dominate (each MathML token is an element), then highlighted code (a span per
token). Topic pages are cut so that each stays under PAGE_BUDGET (see context.split_topics).

The coefficients were fitted on the built site (463 questions: elements between one question heading
and the next, against these features; correlation 0.99, mean error about 10 elements). Refit them
with scripts/page_weight_fit.py if the page markup changes a lot.
"""

from __future__ import annotations

import re

from ..model import Note
from ..tex import DISPLAY_RE, INLINE_RE
from .math import MathError, tex_to_mathml
from .mdtext import split_code

# Elements of a question's article part (heading, 自测 row, meta line, answer, footer) on top of which a
# page has about 350 of its own (header, navigation) plus about 3 per question in the table of contents.
# Lighthouse's mobile profile stays fast up to about 1,300 elements in all on this site's pages.
PAGE_BUDGET = 950

# Coefficients of note_features, in its order (fitted by scripts/page_weight_fit.py).
COEFFICIENTS = (
    17.0,  # base: heading, 自测 row, meta line, footer with its related links and actions
    1.09,  # per MathML element of its formulas
    0.19,  # per character of code
    1.64,  # per non-empty line
    5.6,  # per answer block (an admonition or collapsible box with a title)
)
FEATURES = ("base", "math elements", "code chars", "lines", "blocks")
CODE_RE = re.compile(r"```.*?```", re.DOTALL)


def math_elements(text: str) -> int:
    """MathML elements the formulas of ``text`` render to, outside code (broken formulas count none)."""
    count = 0
    for is_code, chunk in split_code(text):
        if is_code:
            continue
        for display, regex, part in ((True, DISPLAY_RE, chunk), (False, INLINE_RE, DISPLAY_RE.sub(" ", chunk))):
            for m in regex.finditer(part):
                try:
                    count += tex_to_mathml(m.group(1), display).count("<m")
                except MathError:
                    pass
    return count


def note_features(note: Note) -> tuple[float, ...]:
    """The note's measurements the estimate weighs, in the order of COEFFICIENTS."""
    text = "\n\n".join(b.text for b in note.blocks)
    code = sum(len(c) for c in CODE_RE.findall(text))
    lines = sum(1 for line in text.splitlines() if line.strip())
    return 1.0, math_elements(text + "\n\n" + "\n".join(note.keypoints)), code, lines, len(note.blocks)


def note_weight(note: Note) -> float:
    return sum(c * f for c, f in zip(COEFFICIENTS, note_features(note)))


def split_by_weight(weights: list[float], budget: float = PAGE_BUDGET) -> list[int]:
    """Where to cut a run of questions into consecutive pages: the fewest pages under ``budget``
    (a question heavier than the budget gets a page of its own), as even as possible. Returns the
    start index of every page after the first."""
    total = sum(weights)
    if total <= budget or len(weights) < 2:
        return []
    limit = max(budget, max(weights))
    for pages in range(2, len(weights) + 1):
        heaviest, starts = _min_max_partition(weights, pages)
        if heaviest <= limit:
            return starts
    return list(range(1, len(weights)))


def _min_max_partition(weights: list[float], pages: int) -> tuple[float, list[int]]:
    """``pages`` contiguous groups whose heaviest is as light as possible (exact, by dynamic
    programming: a topic has at most a few dozen questions): (that weight, start of each group but
    the first)."""
    n = len(weights)
    prefix = [0.0]
    for w in weights:
        prefix.append(prefix[-1] + w)
    inf = float("inf")
    # best[k][i]: the lightest possible heaviest group when the first i questions make k groups
    best = [[inf] * (n + 1) for _ in range(pages + 1)]
    cut = [[0] * (n + 1) for _ in range(pages + 1)]
    best[0][0] = 0.0
    for k in range(1, pages + 1):
        for i in range(k, n + 1):
            for j in range(k - 1, i):
                cost = max(best[k - 1][j], prefix[i] - prefix[j])
                if cost < best[k][i]:
                    best[k][i], cut[k][i] = cost, j
    starts, i = [], n
    for k in range(pages, 1, -1):
        i = cut[k][i]
        starts.append(i)
    return best[pages][n], sorted(starts)
