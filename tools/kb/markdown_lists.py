"""Lists that GitHub renders but Python-Markdown glues into the paragraph above.

CommonMark (GitHub's preview) lets a list start right after a paragraph line; Python-Markdown (the
site) needs a blank line first, or the items become run-on text. The checker reports such places and
`kb check --fix` inserts the blank line, so a note renders the same in both.
"""

from __future__ import annotations

import re

_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,3}[.)])\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")
# Lines after which a list item is not glued to a paragraph: a list item or its indented continuation
# (a list goes on), a heading, a table row, a block formula, an HTML comment or tag line.
_NOT_PARAGRAPH = re.compile(r"^\s*(?:#|\||\$\$|<)")


def glued_list_lines(text: str) -> list[int]:
    """0-based indices of list items that directly follow a paragraph line (outside code fences)."""
    lines = text.split("\n")
    found: list[int] = []
    fence = None
    in_list = False
    for i, line in enumerate(lines):
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
            in_list = False
            continue
        if fence:
            continue
        if not line.strip():
            continue
        if _ITEM.match(line):
            prev = lines[i - 1] if i else ""
            if prev.strip() and not in_list and not _NOT_PARAGRAPH.match(prev):
                found.append(i)
            in_list = True
        elif in_list and line[:1] not in (" ", "\t") and not lines[i - 1].strip():
            in_list = False  # an unindented paragraph after a blank line ends the list
    return found


def unglue_lists(text: str) -> str:
    """Insert a blank line before every glued list; idempotent."""
    lines = text.split("\n")
    for i in reversed(glued_list_lines(text)):
        lines.insert(i, "")
    return "\n".join(lines)
