"""Answer-quality signals shared by the importer (partial status) and the checker (issue rules)."""

from __future__ import annotations

import re

from .clean.steps import CJK

MIN_ANSWER_CHARS = 40  # an answer shorter than this (letters/CJK, no markup) is not an answer

# Where a formula image was lost, the text keeps the words around it: "给定输入 ,其维度为 ," or
# "计算均值 :" with nothing after, or a formula-introducing colon followed directly by "其中".
_HOLES = (
    re.compile(f"[{CJK}A-Za-z] +[,，。:：;；](?![^\\n]*\\$)"),
    re.compile(r"公式(如下|为)[:：]\s*\n+\s*其中"),
    re.compile(r"(如下|为)[:：]\s*\n\s*\(\d\)\s*$", re.M),
    re.compile(r"\$\$\s*\$\$"),
)


def substance(text: str) -> int:
    """Characters of content: CJK, letters, digits (markup, code fences and spaces do not count)."""
    return len(re.findall(f"[{CJK}A-Za-z0-9]", text))


def formula_holes(text: str) -> list[str]:
    """Places that look like a formula went missing (outside code blocks)."""
    prose = re.sub(r"(?ms)^```.*?^```", "", text)
    found = []
    for pattern in _HOLES:
        for m in pattern.finditer(prose):
            found.append(m.group(0).strip())
    return found


def flattened_code(text: str) -> list[str]:
    """Lines that hold several Python statements run together, outside fences."""
    prose = re.sub(r"(?ms)^```.*?^```", "", text)
    return [line.strip()[:60] for line in prose.split("\n")
            if re.search(r"\b(def|class) \w+\(.*\):\s+\S", line) or re.search(r"\w\\_\\_\w", line)]


def is_partial(answer: str) -> bool:
    return substance(answer) < MIN_ANSWER_CHARS or bool(formula_holes(answer)) or bool(flattened_code(answer))
