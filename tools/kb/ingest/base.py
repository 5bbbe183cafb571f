"""The one interface every article parser implements.

A parser receives the source's lines (1-based numbers kept; lines already recognised as platform
chrome or ads by the noise filter are removed and recorded in the ledger) and splits them into:

- ``items``: question occurrences, each with its raw answer text (possibly empty) and the line range
  it covers;
- ``prose``: substantial text that is not a question (an overview, a table) — it becomes a note;
- ``drops``: line ranges it deliberately throws away, each with a reason (navigation, duplicate
  block, paywall link, …) — they go to the import ledger.

Parsers do not clean text (the clean chain does that afterwards), do not merge duplicates and do not
assign topics. Every non-blank line should end up in exactly one item, prose block or drop: the
importer reports lines nobody claimed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Line:
    no: int  # 1-based line number in the source file
    text: str


@dataclass
class RawItem:
    question: str  # question text as written (numbering like "1." or "a." may still be there)
    answer: str  # answer Markdown as written, "" when the source gives none
    line: int  # line of the question
    end_line: int  # last line this item covers (>= line)
    section: str = ""  # nearest section heading, for context and topic hints
    tags: list[str] = field(default_factory=list)  # e.g. ["面经", "company:豆包"]
    aliases: list[str] = field(default_factory=list)  # other phrasings in the same source (a TOC table row)


@dataclass
class Prose:
    title: str  # what the text is about, used as the note's question/title
    text: str
    line: int
    end_line: int
    section: str = ""


@dataclass
class Drop:
    start: int
    end: int
    reason: str  # a short reason code: chrome, ad, navigation, duplicate-block, paywall, image, …
    detail: str = ""  # free text: which rule or why


@dataclass
class ParsedArticle:
    items: list[RawItem] = field(default_factory=list)
    prose: list[Prose] = field(default_factory=list)
    drops: list[Drop] = field(default_factory=list)


class Parser(Protocol):
    name: str  # the value of `parser:` in sources/sources.yml
    description: str

    def parse(self, lines: list[Line]) -> ParsedArticle: ...


class ParseError(ValueError):
    """The article cannot be split into questions; the message says why and what to try."""


def join_lines(lines: list[Line]) -> str:
    return "\n".join(line.text for line in lines).strip("\n")


def claim_counts(parsed: ParsedArticle) -> Counter:
    """How many items, prose blocks and drops claim each line number."""
    claimed: Counter = Counter()
    for item in parsed.items:
        claimed.update(range(item.line, item.end_line + 1))
    for prose in parsed.prose:
        claimed.update(range(prose.line, prose.end_line + 1))
    for drop in parsed.drops:
        claimed.update(range(drop.start, drop.end + 1))
    return claimed


def uncovered_lines(lines: list[Line], parsed: ParsedArticle) -> list[Line]:
    """Non-blank lines that no item, prose block or drop claims (should be none)."""
    claimed = claim_counts(parsed)
    return [line for line in lines if line.text.strip() and not claimed[line.no]]


def read_lines(text: str) -> list[Line]:
    return [Line(i + 1, t) for i, t in enumerate(text.split("\n"))]
