"""Blog post with `- question` lines grouped under numbered chapters (s004).

Shape::

    <title line>
    <intro line>
    01Transformer 篇                      <- group heading: section for the items below
    - Transformer 的结构是什么?           <- question
    Transformer 由编码器……               <- answer lines (plain text, `- ` bullets, `(1)…` sub-heads)
    - 大模型开发的 6 个核心技术            <- topic-style question (no question mark)
    如下:
    - Prompt 提示词工程:……                <- answer bullet, NOT a question
    ...
    (1)数据并行(Data Parallelism)        <- appendix the post refers to ("文章末尾有详细解释")

The course advertisement at the end is cut by a `tail` rule in ``clean/rules/noise_dash_blog.yml``.

Which `- ` lines are questions:

1. a bullet ending in `?`/`？`;
2. a *topic-style* bullet: short, no colon or sentence punctuation, followed by an explanation (a
   plain text line or a `(1)` sub-head), and at least one of
   a. it opens a block (the line before it is not a bullet, e.g. it follows a previous answer's
      closing paragraph or a group heading),
   b. it contains an interrogative word (有哪些, 如何, 区别, 问题, …),
   c. the terms it enumerates (split on `、`) all reappear in the next few lines.
   The last bullet of an answer's list that happens to precede a paragraph (`- 答非所问` followed by
   `大模型为什么会出现幻觉:`) satisfies none of a–c and stays in the answer.

Appendix: a `(1)…` sub-head in the middle of an answer whose topic appears neither in the question
nor in the answer so far starts the post's appendix; each `(n)…` block there becomes a Prose note.
"""

from __future__ import annotations

import re

from ..base import Drop, Line, ParsedArticle, Prose, RawItem, join_lines

GROUP_RE = re.compile(r"^\s*\d{1,2}\s*(?P<title>[^\s\d][^:：?？,，。]{0,20}篇)\s*$")
BULLET_RE = re.compile(r"^\s*-\s+(?P<text>\S.*?)\s*$")
SUBHEAD_RE = re.compile(r"^\s*[(（](?P<n>\d{1,2})[)）]\s*(?P<title>\S.*?)\s*$")
QUESTION_MARK_RE = re.compile(r"[?？]\s*$")
# A topic-style question is a short noun phrase: no label colon, no sentence punctuation.
NOT_TOPIC_RE = re.compile(r"[:：,，。;；!！]")
INTERROGATIVE_RE = re.compile(r"什么|为什么|如何|怎么|怎样|哪些|哪个|是否|区别|问题")
TOPIC_MAX_CHARS = 40
TERM_WINDOW = 5  # lines after a topic bullet searched for its enumerated terms
PROSE_MIN_CHARS = 80


def _kind(text: str) -> str:
    if GROUP_RE.match(text):
        return "group"
    if BULLET_RE.match(text):
        return "bullet"
    if SUBHEAD_RE.match(text):
        return "subhead"
    return "plain"


def _substance(text: str) -> int:
    return len(re.sub(r"\s", "", text))


class DashBlogParser:
    name = "dash_blog"
    description = "博客文章：`01xx 篇` 分组，`- 问题` 行后接答案（答案内含 `- ` 列表与 `(1)` 小标题），文末课程广告。"

    def parse(self, lines: list[Line]) -> ParsedArticle:
        rows = [line for line in lines if line.text.strip()]
        kinds = [_kind(line.text) for line in rows]
        out = ParsedArticle()
        if not rows:
            return out

        section = ""
        item: RawItem | None = None
        body: list[Line] = []
        prose: Prose | None = None
        prose_body: list[Line] = []
        preamble: list[Line] = []
        in_appendix = False

        by_no = {line.no: line for line in lines}

        def span(part: list[Line]) -> str:
            """The source text from the first to the last line, blank lines between included."""
            if not part:
                return ""
            return join_lines([by_no[n] for n in range(part[0].no, part[-1].no + 1) if n in by_no])

        def close() -> None:
            nonlocal item, body, prose, prose_body
            if item is not None:
                item.answer = span(body)
                item.end_line = body[-1].no if body else item.line
                out.items.append(item)
            if prose is not None:
                prose.text = span(prose_body)
                prose.end_line = prose_body[-1].no if prose_body else prose.line
                out.prose.append(prose)
            item, body, prose, prose_body = None, [], None, []

        def flush_preamble() -> None:
            if not preamble:
                return
            text = span(preamble)
            if _substance(text) >= PROSE_MIN_CHARS:
                out.prose.append(Prose(section or "引言", text, preamble[0].no, preamble[-1].no, section))
            else:
                out.drops.append(Drop(preamble[0].no, preamble[-1].no, "chrome", "short intro text"))
            preamble.clear()

        # The first line is the article's title (sources.yml records it).
        start = 0
        if kinds[0] == "plain":
            out.drops.append(Drop(rows[0].no, rows[0].no, "chrome", "article title"))
            start = 1

        for i in range(start, len(rows)):
            line, kind = rows[i], kinds[i]
            if kind == "group":
                close()
                flush_preamble()
                in_appendix = False
                section = GROUP_RE.match(line.text)["title"].strip()
                out.drops.append(Drop(line.no, line.no, "navigation", "group heading"))
            elif kind == "bullet" and self._is_question(rows, kinds, i):
                close()
                flush_preamble()
                in_appendix = False
                item = RawItem(BULLET_RE.match(line.text)["text"], "", line.no, line.no, section)
            elif kind == "subhead" and (in_appendix or self._starts_appendix(item, body, line)):
                close()
                in_appendix = True
                prose = Prose(SUBHEAD_RE.match(line.text)["title"], "", line.no, line.no, section)
            elif item is not None:
                body.append(line)
            elif prose is not None:
                prose_body.append(line)
            else:
                preamble.append(line)
        close()
        flush_preamble()
        return out

    @staticmethod
    def _is_question(rows: list[Line], kinds: list[str], i: int) -> bool:
        m = BULLET_RE.match(rows[i].text)
        if not m:
            return False
        text = m["text"]
        if QUESTION_MARK_RE.search(text):
            return True
        if len(text) > TOPIC_MAX_CHARS or NOT_TOPIC_RE.search(text):
            return False
        # A question is followed by its explanation: plain text or the first `(1)` sub-head.
        if i + 1 >= len(rows):
            return False
        nxt = kinds[i + 1]
        sub = SUBHEAD_RE.match(rows[i + 1].text)
        if not (nxt == "plain" or (nxt == "subhead" and sub and sub["n"] == "1")):
            return False
        opens_block = i == 0 or kinds[i - 1] != "bullet"
        if opens_block or INTERROGATIVE_RE.search(text):
            return True
        terms = [t.strip() for t in text.split("、") if t.strip()]
        window = "\n".join(line.text for line in rows[i + 1:i + 1 + TERM_WINDOW])
        return len(terms) > 1 and all(term in window for term in terms)

    @staticmethod
    def _starts_appendix(item: RawItem | None, body: list[Line], line: Line) -> bool:
        """A `(1)` sub-head mid-answer on a topic the question never mentioned."""
        m = SUBHEAD_RE.match(line.text)
        if item is None or not body or m["n"] != "1":
            return False
        topic = re.split(r"[(（]", m["title"], maxsplit=1)[0].strip()
        seen = item.question + "\n" + join_lines(body)
        return bool(topic) and topic not in seen


PARSER = DashBlogParser()
