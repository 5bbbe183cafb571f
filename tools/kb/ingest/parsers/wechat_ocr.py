"""Parser for an OCR'd WeChat repost of a numbered interview-question outline.

Shape (source s000): the article is an outline of questions with answers. Headings have random
levels (``#`` … ``####``) because OCR guessed them; some questions are plain lines or bullets; a
heading may also be a section title (``## 基础知识``), a group title (``## 1.transformer 八股文``,
followed by lettered questions ``a.`` … ``z.`` ``z+.``) or a sub-part of an answer
(``#### 具体来说:``). Platform chrome and the footer are removed beforehand by
``rules/noise_wechat_ocr.yml``.

How a line is read (first rule that applies):

1. a known section title (``基础知识``, ``大模型算法``, ``训练框架``, ``评测``, ``数据``) → navigation drop;
   a section title glued to its intro paragraph (``数据 把数据放在最后,…``) → prose of that section;
2. a known overview heading (``LLM数据处理概述``) → a prose block with a clear title;
3. a numbered line followed by an ``a.`` question → group title (navigation; it names the section of
   the lettered questions);
4. a question: a line starting with the label the outline expects next (``h.`` after ``g.``, ``5.``
   after ``4.``; OCR's ``I.`` counts as ``l.``). Lettered labels count only inside a lettered group, so
   ``a.对于base model的评测如下`` inside an answer stays answer text. A question may also be glued onto
   the end of the previous answer's line (``…表达能力。h.Bert为什么…?``) and a plain-line question may
   carry its answer on the same line (``o.预训练阶段的mask有什么用? 虽然MLM…``): both are split;
5. anything else belongs to the open question (headings become bold lines, tab-separated tables
   become Markdown tables) or, when no question is open, to an intro prose block of the section.

The same engine reads the heading-less extraction of the same article (``plain_extract``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..base import Drop, Line, ParsedArticle, ParseError, Prose, RawItem

# Section titles of the outline (a line holding only one of them is navigation).
SECTIONS = ("基础知识", "大模型算法", "训练框架", "评测", "数据")
# Title of the prose note made from text that opens a section before its first question.
SECTION_INTRO_TITLES = {
    "大模型算法": "大模型算法入门阅读推荐",
    "数据": "数据在大模型训练中的重要性",
}
# Headings that open an overview (prose, not a question), with the note title to use.
PROSE_HEADINGS = (
    (re.compile(r"LLM\s*数据处理概述"), "LLM 预训练数据处理概述"),
)

LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["z+"]
# Words that make a line read as a question (needed where the label alone is not enough).
QUESTION_HINT = re.compile(
    r"[?？]|什么|如何|为什么|为何|哪些|怎么|怎样|是否|区别|差异|优缺点|优劣|原理|细节|技巧|讲一下|介绍|解释"
    r"|不足|作用|组织|吗")

_HEADING = re.compile(r"^\s*(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?:(?:[-*+](?=\s)|[•·])\s*)+")  # "- ", "* ", "• ", "- · "
_LABEL = re.compile(r"^(z\+|[a-zA-Z]|\d{1,2})\.(?=\S)")
# A label inside a line: at its start or after whitespace / closing punctuation.
_INLINE_LABEL = re.compile(r"(?:^|(?<=[\s。？?！!】）)]))(z\+|[a-zA-Z]|\d{1,2})\.(?=\S)")
# End of a question on a line that goes on with its answer: ? or 。 followed by whitespace.
_QUESTION_END = re.compile(r"[?？。](?=\s)")
_MAX_QUESTION = 200  # a "question" longer than this is answer text


@dataclass
class _Block:
    kind: str  # item | prose
    title: str
    line: int
    section: str
    parts: list[str] = field(default_factory=list)
    end_line: int = 0

    def __post_init__(self) -> None:
        self.end_line = self.line

    def add(self, no: int, text: str) -> None:
        self.parts.append(text)
        if text.strip():
            self.end_line = max(self.end_line, no)


@dataclass
class _Outline:
    """Which label the outline expects next."""

    group_no: int | None = None  # number of the open lettered group ("1.transformer 八股文")
    letter: int = 0  # index in LETTERS of the next lettered question
    last_no: int = 0  # last numbered question of the section

    def copy(self) -> _Outline:
        return _Outline(self.group_no, self.letter, self.last_no)

    def accept(self, label: str, at_start: bool, heading: bool, text: str, in_prose: bool) -> bool:
        """Whether ``label`` opens a question here; advances the expectation when it does."""
        hinted = bool(QUESTION_HINT.search(text))
        if not label.isdigit():
            if self.group_no is None:
                return False
            idx = self._letter_index(label, at_start)
            if idx is None:
                return False
            if not at_start and not hinted:
                return False
            self.letter = idx + 1
            return True
        n = int(label)
        expected = self.group_no + 1 if self.group_no is not None else self.last_no + 1
        if n == expected:
            ok = (at_start and (heading or not in_prose)) or hinted
        else:
            ok = at_start and expected < n <= expected + 2 and hinted
        if ok:
            self.group_no, self.letter, self.last_no = None, 0, n
        return ok

    def _letter_index(self, label: str, at_start: bool) -> int | None:
        reach = 2 if at_start else 0  # at a line start, tolerate up to two missing letters
        window = range(self.letter, min(self.letter + reach, len(LETTERS) - 1) + 1)
        names = {label, label.lower()}
        if label == "I":  # OCR reads "l." as "I."
            names |= {"i", "l"}
        for idx in window:
            if LETTERS[idx] in names:
                return idx
        return None


def _strip_markup(text: str) -> str:
    text = _BULLET.sub("", text.strip())
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return text.strip()


def _answer_split(segment: str) -> tuple[str, str]:
    """Split ``question? answer…`` written on one line; keep short follow-up questions."""
    for m in _QUESTION_END.finditer(segment):
        rest = segment[m.end():].strip()
        if not rest:
            break
        short_question = rest.endswith(("?", "？")) and len(rest) <= 60
        if len(rest) >= 20 and not short_question:
            return segment[:m.end()].strip(), rest
    return segment.strip(), ""


def _tables(parts: list[str]) -> list[str]:
    """Turn runs of tab-separated lines (OCR'd tables) into Markdown tables."""
    out: list[str] = []
    i = 0
    while i < len(parts):
        j = i
        while j < len(parts) and "\t" in parts[j]:
            j += 1
        if j - i >= 2:
            rows = [[c.strip().replace("|", "\\|") for c in p.strip().split("\t")] for p in parts[i:j]]
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            out.append("| " + " | ".join(rows[0]) + " |")
            out.append("|" + " --- |" * width)
            out.extend("| " + " | ".join(r) + " |" for r in rows[1:])
            i = j
        else:
            out.append(parts[i])
            i += 1
    return out


def _markdown(parts: list[str]) -> str:
    lines: list[str] = []
    for part in _tables(parts):
        if not part.strip():
            if lines and lines[-1] != "":
                lines.append("")
        else:
            lines.append(part.rstrip())
    return "\n".join(lines).strip("\n")


class WechatOcrParser:
    name = "wechat_ocr"
    description = ("OCR'd WeChat repost of a question outline: random-level Markdown headings, "
                   "lettered/numbered questions, section titles, answers until the next question")

    def parse(self, lines: list[Line]) -> ParsedArticle:
        return _Run(lines).run()


class _Run:
    def __init__(self, lines: list[Line]) -> None:
        self.lines = lines
        self.out = ParsedArticle()
        self.block: _Block | None = None
        self.major = ""
        self.group = ""
        self.outline = _Outline()

    # -- blocks ---------------------------------------------------------------------------------
    def close(self) -> None:
        b, self.block = self.block, None
        if b is None:
            return
        text = _markdown(b.parts)
        if b.kind == "item":
            self.out.items.append(RawItem(b.title, text, b.line, b.end_line, b.section))
        elif text:
            self.out.prose.append(Prose(b.title, text, b.line, b.end_line, b.section))
        else:  # an overview heading with nothing under it
            self.out.drops.append(Drop(b.line, b.end_line, "navigation", f"empty block '{b.title}'"))

    def open(self, kind: str, title: str, no: int, section: str) -> _Block:
        self.close()
        self.block = _Block(kind, title, no, section)
        return self.block

    def section(self) -> str:
        return self.group or self.major

    def intro_title(self) -> str:
        if self.major:
            return SECTION_INTRO_TITLES.get(self.major, f"{self.major}：导言")
        return "文章导言"

    # -- main loop ------------------------------------------------------------------------------
    def next_core(self, i: int) -> str:
        for line in self.lines[i + 1:]:
            if line.text.strip():
                m = _HEADING.match(line.text)
                return _strip_markup(m.group(2) if m else line.text)
        return ""

    def run(self) -> ParsedArticle:
        for i, line in enumerate(self.lines):
            if not line.text.strip():
                if self.block is not None:
                    self.block.add(line.no, "")
                continue
            self.read(i, line)
        self.close()
        if not self.out.items:
            raise ParseError("no questions found: expected lines starting with a label like 'a.' or '1.' "
                             "in outline order; check the noise rules or use another parser")
        self.out.drops.sort(key=lambda d: d.start)
        return self.out

    def read(self, i: int, line: Line) -> None:
        hm = _HEADING.match(line.text)
        heading = hm is not None
        core = _strip_markup(hm.group(2) if hm else line.text)
        no = line.no

        bare = core.rstrip(":：").strip()
        if bare in SECTIONS:
            self.close()
            self.major, self.group, self.outline = bare, "", _Outline()
            self.out.drops.append(Drop(no, no, "navigation", f"section title '{bare}'"))
            return
        glued = re.match(rf"^({'|'.join(SECTIONS)})\s+(\S.{{19,}})$", core)
        if glued and not heading:
            self.close()
            self.major, self.group, self.outline = glued.group(1), "", _Outline()
            self.open("prose", self.intro_title(), no, self.major).add(no, glued.group(2))
            return
        for pattern, title in PROSE_HEADINGS:
            if pattern.search(core) and len(core) <= 80:
                self.open("prose", title, no, self.major)
                return

        label = _LABEL.match(core)
        following = _LABEL.match(self.next_core(i))
        if label and label.group(1).isdigit() and following and following.group(1) == "a" \
                and len(core) <= 40 and not QUESTION_HINT.search(core):
            self.close()
            self.group = core[label.end():].strip()
            self.outline = _Outline(group_no=int(label.group(1)))
            self.out.drops.append(Drop(no, no, "navigation", f"group title '{core}'"))
            return

        if self.questions(core, no, heading):
            return

        if self.block is None:
            title = core if heading else self.intro_title()
            self.open("prose", title, no, self.major)
            if not heading:
                self.block.add(no, line.text)
            return
        self.block.add(no, f"**{core}**" if heading else line.text)

    def questions(self, core: str, no: int, heading: bool) -> bool:
        """Find the questions starting on this line; open an item for each. False if none."""
        in_prose = self.block is not None and self.block.kind == "prose"
        trial = self.outline.copy()
        starts: list[tuple[int, int, bool]] = []  # (label start, text start, inside a group)
        candidates = [_LABEL.match(core)] if heading else list(_INLINE_LABEL.finditer(core))
        for m in candidates:
            if m is None:
                continue
            probe = _answer_split(core[m.end():])[0]
            if len(probe) > _MAX_QUESTION and m.start() == 0:
                continue
            if trial.accept(m.group(1), m.start() == 0, heading, probe[:100], in_prose):
                starts.append((m.start(), m.end(), trial.group_no is not None))
        if not starts:
            return False
        self.outline = trial
        if starts[0][0] > 0:  # the line begins with the end of the open answer
            lead = core[:starts[0][0]].strip()
            if self.block is None:
                self.open("prose", self.intro_title(), no, self.major)
            self.block.add(no, lead)
        for k, (_, text_start, grouped) in enumerate(starts):
            end = starts[k + 1][0] if k + 1 < len(starts) else len(core)
            segment = core[text_start:end].strip()
            question, answer = (segment, "") if heading else _answer_split(segment)
            if not grouped:
                self.group = ""
            self.open("item", question, no, self.section())
            if answer:
                self.block.add(no, answer)
        return True


PARSER = WechatOcrParser()
