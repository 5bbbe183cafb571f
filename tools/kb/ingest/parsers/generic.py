"""Generic parser for common Markdown Q&A shapes, so a new article in such a shape needs no new code.

Question shapes it recognises (any mix of them in one article):

1. **Question headings** (any level): a heading that reads as a question — it ends in `？`/`?`,
   starts with a question word or request (什么, 为什么, 如何, 请, 简述, 介绍一下, …), contains
   有哪些/是什么/区别, carries a `Q1:` label, or is numbered (`1.`, `1、`, `(1)`) and is a leaf
   heading (no sub-headings, no question lines of its own below). The text below it, including
   deeper non-question sub-headings, is the answer.
2. **Q-labelled lines**: `Q: …`, `**Q:** …`, `**Q1：…**`, `问：…`, `问题1：…` (optionally a list
   item); the following lines are the answer, an `A:`/`答：` label on the first one is removed.
3. **List questions**: a bulleted or numbered line ending in `？`/`?` (bold allowed); the following
   lines are the answer. Inside the answer of a heading or Q-labelled question, and when indented
   deeper than the open list question, such lines are answer content (sub-questions), not new
   questions.

Everything else: a heading that is not a question is a section (its text becomes `section` of the
items below, the line is dropped as `navigation`); a lone top-level `#` title heading is dropped as
`chrome`; text that belongs to no answer (before the first question, or under a section heading)
becomes Prose when a paragraph has >= 80 characters of substance, otherwise it is dropped as
`chrome`. YAML front matter is dropped as `chrome`. Lines inside fenced code blocks are never
questions or headings. An article with no question at all raises ParseError.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from ..base import Drop, Line, ParsedArticle, ParseError, Prose, RawItem

FENCE_RE = re.compile(r"^\s*(```|~~~)")
HEADING_RE = re.compile(r"^ {0,3}(?P<hashes>#{1,6})\s+(?P<text>.*?)(?:\s+#+)?\s*$")
HR_RE = re.compile(r"^\s*([-*_])(\s*\1){2,}\s*$")
# `Q: …`, `**Q:** …`, `**Q1：…**`, `- Q1. …`, `问：…`, `问题3：…`
Q_LABEL = r"(?:Q\s*\d*\s*(?:[:：、]|[.．](?!\d))|问\s*\d*\s*[:：]|问题\s*\d+\s*[:：])"
Q_RE = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.．、])\s+)?(?P<open>\*\*|__)?\s*" + Q_LABEL
    + r"\s*(?P<close>\*\*|__)?\s*(?P<text>.*?)\s*$"
)
A_RE = re.compile(r"^\s*(?:\*\*|__)?\s*(?:A|答案?|回答)\s*\d*\s*(?:[:：、]|[.．](?!\d))\s*(?:\*\*|__)?\s*")
NUMBER = r"(?:\d+(?:[.．](?!\d)|[、)）])|[(（]\d+[)）])"
LIST_RE = re.compile(r"^(?P<indent>\s*)(?:[-*+](?=\s)|" + NUMBER + r")\s*(?P<text>\S.*?)\s*$")
# heading numbering: `1.`, `1、`, `(1)`, `1.2.3` (multi-level, followed by a space), `Q1:`
NUMBERED_RE = re.compile(r"^\s*(?:\d+(?:[.．]\d+)+[.．]?(?=\s)|" + NUMBER + r"|Q\s*\d+\s*[:：.．、]?)\s*")
QUESTION_END_RE = re.compile(r"[?？]\s*$")
QUESTION_START_RE = re.compile(
    r"^(?:什么|为什么|为何|如何|怎么|怎样|是否|请(?!求)|简述|简要(?:介绍|说明)|简单介绍|介绍一下|解释一?下|"
    r"说说|说一下|谈谈|讲讲|聊聊|描述一?下|列举|阐述)"
)
QUESTION_WORD_RE = re.compile(r"有哪些|是什么|区别|[吗呢]$")
PROSE_MIN_CHARS = 80

NO_QUESTION_HELP = (
    "generic parser found no questions. It recognises: (1) Markdown headings that read as "
    "questions (ending in ？/?, starting with 什么/为什么/如何/请/简述…, or numbered leaf headings "
    "like `### 1. …`); (2) Q-labelled lines (`Q: …`, `**Q1：…**`, `问：…`) followed by the answer "
    "(`A: …`); (3) bulleted or numbered lines ending in ？/? followed by the answer. This article "
    "uses none of these shapes: write a dedicated parser in tools/kb/ingest/parsers/<name>.py and "
    "set `parser: <name>` for it in sources/sources.yml."
)


def _unbold(text: str) -> str:
    """Remove a bold wrapper around the whole text (`**…**`), nothing else."""
    m = re.fullmatch(r"(\*\*|__)(.+?)\1", text.strip())
    return m[2].strip() if m else text.strip()


def _substance(text: str) -> int:
    return len(re.sub(r"[\s#>*_`|\-]", "", text))


@dataclass
class _Row:
    line: Line
    kind: str = "text"  # text | fence | heading | qlabel | listq
    level: int = 0  # heading level
    indent: int = 0  # list indentation
    text: str = ""  # heading text or question text
    gap_before: bool = False  # a blank line separates it from the previous row
    question: bool = False  # for headings: reads as a question


@dataclass
class _Open:
    item: RawItem
    kind: str  # heading | qlabel | listq
    level: int = 0
    indent: int = 0
    body: list[_Row] = field(default_factory=list)


def _rows(lines: list[Line]) -> list[_Row]:
    rows: list[_Row] = []
    in_fence = False
    gap = False
    for line in lines:
        if not line.text.strip():
            gap = gap or not in_fence
            continue
        row = _Row(line, gap_before=gap)
        gap = False
        if FENCE_RE.match(line.text):
            in_fence = not in_fence
            row.kind = "fence"
        elif in_fence:
            row.kind = "fence"
        elif m := HEADING_RE.match(line.text):
            row.kind, row.level, row.text = "heading", len(m["hashes"]), _unbold(m["text"])
        elif m := Q_RE.match(line.text):
            text = m["text"]
            if m["open"] and not m["close"] and text.endswith(m["open"]):
                text = text[: -len(m["open"])].rstrip()
            row.kind, row.text = "qlabel", text
        elif (m := LIST_RE.match(line.text)) and QUESTION_END_RE.search(_unbold(m["text"])):
            row.kind, row.indent, row.text = "listq", len(m["indent"].expandtabs(4)), _unbold(m["text"])
        rows.append(row)
    return rows


def _front_matter(rows: list[_Row]) -> int:
    """Number of rows of a leading YAML front matter block (`---` … `---`), 0 if none."""
    if not rows or rows[0].line.no != 1 or rows[0].line.text.strip() != "---":
        return 0
    for i, row in enumerate(rows[1:40], start=1):
        if row.line.text.strip() == "---":
            return i + 1
    return 0


def _heading_is_question(rows: list[_Row], i: int) -> bool:
    text = rows[i].text
    if QUESTION_END_RE.search(text) or re.match(Q_LABEL, text):
        return True
    bare = NUMBERED_RE.sub("", text, count=1)
    if QUESTION_START_RE.match(bare) or QUESTION_WORD_RE.search(bare):
        return True
    if bare == text:  # not numbered
        return False
    # A numbered heading is a question when it is a leaf: no deeper heading below it and no
    # question lines of its own before the next heading of the same or a higher level.
    level, has_body = rows[i].level, False
    for row in rows[i + 1:]:
        if row.kind == "heading":
            return has_body and row.level <= level
        if row.kind in ("qlabel", "listq"):
            return False
        has_body = True
    return has_body


def _question_text(row: _Row) -> str:
    if row.kind == "heading":
        text = re.sub(r"^" + Q_LABEL + r"\s*", "", row.text, count=1)
        return NUMBERED_RE.sub("", text, count=1).strip() or row.text
    return row.text


class GenericParser:
    name = "generic"
    description = ("通用 Markdown 问答：问题为标题（以问号结尾/疑问词开头/编号叶子标题）、"
                   "`Q:`/`**Q1：…**` 标注行，或以问号结尾的列表行；其后文字为答案。")

    def parse(self, lines: list[Line]) -> ParsedArticle:
        rows = _rows(lines)
        out = ParsedArticle()
        start = _front_matter(rows)
        if start:
            out.drops.append(Drop(rows[0].line.no, rows[start - 1].line.no, "chrome", "front matter"))
        rows = rows[start:]
        for i, row in enumerate(rows):
            if row.kind == "heading":
                row.question = _heading_is_question(rows, i)

        # A single `#` heading opening the article is its title (unless it is the only question heading).
        h1 = [i for i, r in enumerate(rows) if r.kind == "heading" and r.level == 1]
        title_idx = -1
        if h1 == [0] and (not rows[0].question or any(r.kind == "heading" for r in rows[1:])):
            title_idx = 0
        title = rows[title_idx].text if title_idx >= 0 else ""

        sections: list[tuple[int, str]] = []  # open section headings: (level, text)
        current: _Open | None = None
        orphans: list[_Row] = []

        by_no = {line.no: line.text for line in lines}

        def span(part: list[_Row]) -> list[str]:
            """The source lines from the first to the last row, blank lines between included."""
            if not part:
                return []
            return [by_no[n] for n in range(part[0].line.no, part[-1].line.no + 1) if n in by_no]

        def section() -> str:
            return sections[-1][1] if sections else ""

        def close() -> None:
            nonlocal current
            if current is not None:
                body = span(current.body)
                if current.kind == "listq":  # list continuation lines: remove the common indent
                    body = textwrap.dedent("\n".join(body)).split("\n")
                if body and (m := A_RE.match(body[0])):
                    body[0] = body[0][m.end():]
                while body and HR_RE.match(body[-1]):
                    body.pop()
                current.item.answer = "\n".join(body).strip("\n")
                current.item.end_line = current.body[-1].line.no if current.body else current.item.line
                out.items.append(current.item)
            current = None

        def flush() -> None:
            paragraphs: list[list[_Row]] = []
            for r in orphans:
                if not paragraphs or (r.gap_before and r.kind != "fence"):
                    paragraphs.append([])
                paragraphs[-1].append(r)
            for para in paragraphs:
                text = "\n".join(span(para)).strip("\n")
                first, last = para[0].line.no, para[-1].line.no
                if _substance(text) >= PROSE_MIN_CHARS:
                    heading = section() or title or text.splitlines()[0][:30]
                    out.prose.append(Prose(heading, text, first, last, section()))
                else:
                    out.drops.append(Drop(first, last, "chrome", "short text outside any question"))
            orphans.clear()

        def open_item(row: _Row, kind: str, sec: str) -> None:
            nonlocal current
            close()
            flush()
            item = RawItem(_question_text(row), "", row.line.no, row.line.no, sec)
            current = _Open(item, kind, row.level, row.indent)

        for i, row in enumerate(rows):
            if i == title_idx:
                close()
                flush()
                out.drops.append(Drop(row.line.no, row.line.no, "chrome", "article title"))
            elif row.kind == "heading" and row.question:
                while sections and sections[-1][0] >= row.level:
                    sections.pop()
                open_item(row, "heading", section())
            elif row.kind == "heading":
                if current is not None and current.kind == "heading" and row.level > current.level:
                    current.body.append(row)  # a sub-heading inside the answer
                    continue
                close()
                flush()
                while sections and sections[-1][0] >= row.level:
                    sections.pop()
                sections.append((row.level, row.text))
                out.drops.append(Drop(row.line.no, row.line.no, "navigation", "section heading"))
            elif row.kind == "qlabel":
                open_item(row, "qlabel", section())
            elif row.kind == "listq" and (
                    current is None or (current.kind == "listq" and row.indent <= current.indent)):
                open_item(row, "listq", section())
            elif current is not None:
                current.body.append(row)
            else:
                orphans.append(row)
        close()
        flush()

        if not out.items:
            raise ParseError(NO_QUESTION_HELP)
        return out


PARSER = GenericParser()
