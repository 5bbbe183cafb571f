"""Web scrape with a checkbox table of contents followed by answers (s001).

Shape::

    导读                                       <- intro: dropped as chrome (kept as prose if long)
    <one intro paragraph>
    目录                                       <- navigation
    -                                          <- list items were split: a lone `-` before each one
    [x] 大模型(LLMs)基础面                     <- TOC group title: navigation drop, sets `section`
    -
    [x] 1. 目前 主流的开源模型体系 有哪些?     <- TOC question: item with an empty answer
    ...
    答案                                       <- navigation
    LLMs Tokenizer 篇                          <- body heading (drop `heading`), sets `section`
    -
    1 Byte-Pair Encoding(BPE) 如何构建词典?   <- body question
    💡                                         <- inside the item's range, left out of the answer
    <answer paragraph>
    -                                          <- lone `-` + text: rejoined into a `- text` list item
    <list item text>
    -
    [[#Deep Norm 篇#Deep Norm 思路?|…]]        <- wiki-link mini TOC: navigation drop
    1 LN 在 LLMs 中的不同位置 有什么区别么?…   <- question ...
    层归一化 Layer Norm 在 … 有什么区别么?…    <- ... restated: an extra alias item, empty answer

The ad footer is cut by a `tail` rule in ``clean/rules/noise_web_toc.yml`` before parsing.

TOC entries: an entry is a *group title* (not a question) when it has no question mark and
(a) ends with 篇/面 (a trailing parenthetical ignored), or (b) ends with 系列/系列问题/系列篇, or
(c) its text reappears inside at least two question entries (`提示学习(Prompting)`,
`1. LLMs 复读机问题`: the scrape lists a group's children *before* the group). Everything else is a
question, even without a question mark (`23. 模型参数迭代实验`).

Because children often come before their group, TOC sections are approximate: a TOC question gets
the first new, unnumbered group title of the latest run of consecutive group titles (titles seen
before close a group and are skipped); when the same question is answered in the body, the body's
section wins.

Body lines: a line is a question when it ends with `?` (and is not a `-` list item, unless the TOC
or a wiki link names it or a `💡` line follows), or when its text is a TOC/wiki-link question. A line
is a heading when it is a TOC/wiki-link group title, ends with 篇/面, or is a short phrase without
sentence punctuation that directly precedes a question, heading or wiki-link list. Headings whose
parent is known (from `[[#Parent#Child|…]]` anchors or TOC runs) give the section `Parent / Child`.
A parentless heading squeezed between a child heading and its first question is out of place in the
scrape (`对比篇` → `LayerNormalization` → tokenizer question) and does not change the section.
"""

from __future__ import annotations

import math
import re
from difflib import SequenceMatcher

from ..base import Drop, Line, ParsedArticle, ParseError, Prose, RawItem

CHECKBOX_RE = re.compile(r"^\s*(?:[-*]\s*)?\[(?: |x|X)\]\s*(?P<text>\S.*?)\s*$")
DASH_RE = re.compile(r"^\s*[-*•]\s*$")
BULB_RE = re.compile(r"^\s*💡\s*$")
TOC_MARKER_RE = re.compile(r"^\s*(?:目录|目\s*录|文章目录)\s*[:：]?\s*$")
ANSWER_MARKER_RE = re.compile(r"^\s*(?:答案|参考答案|答案部分)\s*[:：]?\s*$")
INTRO_MARKER_RE = re.compile(r"^\s*(?:导读|前言|引言)\s*[:：]?\s*$")
WIKI_NAV_RE = re.compile(r"^\s*(?:-\s*)?(?:\[\[#[^\]]*\]\]\s*)+$")
WIKI_LINK_RE = re.compile(r"\[\[#(?P<target>[^\]|]*)(?:\|(?P<label>[^\]]*))?\]\]")
NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*(?:[.、．]\s*|\s+)|[一二三四五六七八九十]+[、.．]\s*)")
QUESTION_END_RE = re.compile(r"[?？]\s*$")
HAS_QUESTION_MARK_RE = re.compile(r"[?？]")
TRAILING_PAREN_RE = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")
GROUP_SUFFIX_RE = re.compile(r"(?:篇|面|系列|系列问题)$")
CORE_SUFFIX_RE = re.compile(r"(?:系列)?(?:问题)?(?:篇|面)?$")
SENTENCE_PUNCT_RE = re.compile(r"[,，。:：;；!！=、]")
CJK_RE = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
CODE_START_RE = re.compile(
    r"^\s*(?:import\s+\w|from\s+[\w.]+\s+import\s|class\s+\w+|def\s+\w+\s*\(|@\w+|return\b|print\(|"
    r"for\s+.+\s+in\s+.+:|if\s+.+:|while\s+.+:|"
    r"[A-Za-z_][\w\\.]*(?:\s*,\s*[A-Za-z_][\w\\.]*)*\s*(?:=|\+=|-=|\*=)\s*\S|"
    r"[A-Za-z_][\w\\.]*\(.*\)\s*$)"
)

QUESTION_MAX_CHARS = 120
HEADING_MAX_CHARS = 40
BARE_HEADING_MAX_CHARS = 30
ALIAS_MIN_RATIO = 0.5
INTRO_PROSE_MIN_CHARS = 400
CODE_MAX_CJK_RATIO = 0.25
CODE_MIN_RUN = 2
CLOSER_MIN_CHARS = 4
GROUP_MIN_CHILDREN = 2  # a title-like TOC entry named inside this many question entries is a group
CLOSER_MIN_SHARE = 0.85  # `基于LLM+向量库的文档对话 经验面`: its children name all but "经验"
SIBLING_MIN_PREFIX = 4


def norm(text: str) -> str:
    """Matching key: numbering, whitespace and full-width variants ignored."""
    t = NUMBERING_RE.sub("", text.strip())
    t = t.replace("？", "?").replace("（", "(").replace("）", ")").replace("：", ":").replace("，", ",")
    return re.sub(r"\s+", "", t).lower()


def common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def is_numbered(text: str) -> bool:
    return bool(NUMBERING_RE.match(text))


def has_group_suffix(text: str) -> bool:
    if HAS_QUESTION_MARK_RE.search(text):
        return False
    core = TRAILING_PAREN_RE.sub("", NUMBERING_RE.sub("", text.strip())).strip()
    return bool(GROUP_SUFFIX_RE.search(core))


def is_code_line(text: str) -> bool:
    t = text.strip()
    if not t or not CODE_START_RE.match(t):
        return False
    return len(CJK_RE.findall(t)) / len(t) < CODE_MAX_CJK_RATIO


def render_answer(lines: list[Line]) -> str:
    """Answer Markdown: paragraphs, `- item` list items rejoined from lone `-` lines, code fences."""
    blocks: list[tuple[str, str]] = []  # (kind, text), kind: para | li | code
    i = 0
    while i < len(lines):
        text = lines[i].text
        if DASH_RE.match(text):
            if i + 1 < len(lines) and not DASH_RE.match(lines[i + 1].text):
                blocks.append(("li", "- " + lines[i + 1].text.strip()))
                i += 2
            else:
                i += 1
            continue
        blocks.append(("para", text.rstrip()))
        i += 1
    # Runs of code-like paragraph lines become one fenced block.
    merged: list[tuple[str, str]] = []
    j = 0
    while j < len(blocks):
        k = j
        while k < len(blocks) and blocks[k][0] == "para" and is_code_line(blocks[k][1]):
            k += 1
        if k - j >= CODE_MIN_RUN:
            merged.append(("code", "```python\n" + "\n".join(b[1] for b in blocks[j:k]) + "\n```"))
            j = k
        else:
            kind, text = blocks[j]
            merged.append((kind, text.strip() if kind == "para" else text))
            j += 1
    out = ""
    for n, (kind, text) in enumerate(merged):
        if n:
            out += "\n" if kind == "li" and merged[n - 1][0] == "li" else "\n\n"
        out += text
    return out.strip("\n")


class _Block:
    """A claimed line range under construction; lone `-` lines extend the block before them."""

    def __init__(self, kind: str, start: int, **info):
        self.kind = kind  # item | alias | prose | drop
        self.start = start
        self.end = start
        self.lines: list[Line] = []  # answer / prose lines (item, prose)
        self.info = info


class WebTocParser:
    name = "web_toc"
    description = ("网页抓取：导读 + `[x]` 复选框目录（每项前有单独的 `-` 行）+ `答案` 后的分篇问答"
                   "（💡 行、拆行的 `-` 列表、`[[#…]]` 小目录），文末广告。")

    def parse(self, lines: list[Line]) -> ParsedArticle:
        rows = [line for line in lines if line.text.strip()]
        if not rows:
            return ParsedArticle()
        toc_idx = [i for i, r in enumerate(rows) if CHECKBOX_RE.match(r.text)]
        if toc_idx:
            toc_first, toc_last = toc_idx[0], toc_idx[-1]
        else:
            toc_first = toc_last = -1

        blocks: list[_Block] = []

        # --- intro: everything before the TOC (or before `目录`) ---------------------------------
        intro_end = max(toc_first, 0)
        marker = None
        for i in range(intro_end - 1, -1, -1):
            if DASH_RE.match(rows[i].text):
                continue
            if TOC_MARKER_RE.match(rows[i].text):
                marker = i
            break
        if marker is not None:
            intro_end = marker
        if toc_first < 0 and rows and INTRO_MARKER_RE.match(rows[0].text):
            # No TOC: the intro runs up to the first line that is not plain intro text.
            intro_end = 1
            while intro_end < len(rows) and not (QUESTION_END_RE.search(rows[intro_end].text)
                                                 or has_group_suffix(rows[intro_end].text)):
                intro_end += 1
        if intro_end > 0:
            intro = rows[:intro_end]
            substance = sum(len(r.text.strip()) for r in intro if not INTRO_MARKER_RE.match(r.text))
            if substance >= INTRO_PROSE_MIN_CHARS:
                b = _Block("prose", intro[0].no, title=intro[0].text.strip())
                b.lines = [r for r in intro if not INTRO_MARKER_RE.match(r.text)]
            else:
                b = _Block("drop", intro[0].no, reason="chrome", detail="intro (导读) without substance")
            b.end = intro[-1].no
            blocks.append(b)
        if marker is not None:
            blocks.append(_Block("drop", rows[marker].no, reason="navigation", detail="TOC marker"))

        # --- TOC ---------------------------------------------------------------------------------
        toc_entries = []  # (row index, text, is_group)
        if toc_first >= 0:
            texts = {i: CHECKBOX_RE.match(rows[i].text).group("text") for i in toc_idx}
            question_keys = [norm(t) for t in texts.values() if HAS_QUESTION_MARK_RE.search(t)]
            for i in toc_idx:
                text = texts[i]
                key = norm(TRAILING_PAREN_RE.sub("", text)) if not HAS_QUESTION_MARK_RE.search(text) else ""
                group = has_group_suffix(text) or (
                    len(key) >= CLOSER_MIN_CHARS
                    and sum(key in q for q in question_keys if q != key) >= GROUP_MIN_CHILDREN)
                toc_entries.append((i, text, group))
        toc_groups = {norm(t) for _, t, g in toc_entries if g}
        toc_questions = {norm(t) for _, t, g in toc_entries if not g}

        parents: dict[str, str] = {}
        toc_sections = self._toc_sections(toc_entries, parents)

        # --- wiki-link mini TOCs in the body: known headings, questions and parents ----------------
        body_start = toc_last + 1 if toc_first >= 0 else intro_end
        wiki_questions: set[str] = set()
        wiki_headings: set[str] = set()
        for r in rows[body_start:]:
            if not WIKI_NAV_RE.match(r.text):
                continue
            for m in WIKI_LINK_RE.finditer(r.text):
                parts = [p for p in m.group("target").split("#") if p.strip()]
                if m.group("label"):
                    parts = parts[:-1] + [m.group("label")] if parts else [m.group("label")]
                for n, p in enumerate(parts):
                    if HAS_QUESTION_MARK_RE.search(p):
                        wiki_questions.add(norm(p))
                    else:
                        wiki_headings.add(norm(p))
                        if n:
                            parents[norm(p)] = parts[n - 1].strip()
        known_questions = toc_questions | wiki_questions
        known_headings = (toc_groups | wiki_headings) - known_questions

        # --- TOC blocks ------------------------------------------------------------------------------
        toc_items: list[_Block] = []
        pos = 0  # index into toc_entries
        toc_from = (marker + 1 if marker is not None else toc_first) if toc_first >= 0 else 0
        for i in range(toc_from, toc_last + 1) if toc_first >= 0 else ():
            r = rows[i]
            if DASH_RE.match(r.text):
                self._extend(blocks, r)
                continue
            if pos < len(toc_entries) and toc_entries[pos][0] == i:
                _, text, group = toc_entries[pos]
                if group:
                    blocks.append(_Block("drop", r.no, reason="navigation", detail="TOC group title"))
                else:
                    b = _Block("item", r.no, question=text.strip(), section=toc_sections[pos])
                    blocks.append(b)
                    toc_items.append(b)
                pos += 1
            else:  # a stray non-checkbox line inside the TOC
                blocks.append(_Block("drop", r.no, reason="navigation", detail="TOC line"))

        # --- body ----------------------------------------------------------------------------------
        body = rows[body_start:]

        def prev_is_dash(j: int) -> bool:
            return j > 0 and bool(DASH_RE.match(body[j - 1].text))

        def next_significant(j: int) -> int | None:
            j += 1
            while j < len(body) and DASH_RE.match(body[j].text):
                j += 1
            return j if j < len(body) else None

        def is_question(j: int) -> bool:
            text = body[j].text.strip()
            if len(text) > QUESTION_MAX_CHARS or WIKI_NAV_RE.match(text):
                return False
            if norm(text) in known_questions:
                return True
            if not QUESTION_END_RE.search(text):
                return False
            followed_by_bulb = j + 1 < len(body) and bool(BULB_RE.match(body[j + 1].text))
            return followed_by_bulb or not prev_is_dash(j)

        def is_strong_heading(j: int) -> bool:
            text = body[j].text.strip()
            if HAS_QUESTION_MARK_RE.search(text) or len(text) > HEADING_MAX_CHARS:
                return False
            if norm(text) in known_headings or norm(TRAILING_PAREN_RE.sub("", text)) in known_headings:
                return True
            return has_group_suffix(text) and not SENTENCE_PUNCT_RE.search(text)

        def is_heading(j: int) -> bool:
            if is_strong_heading(j):
                return True
            text = body[j].text.strip()
            if (HAS_QUESTION_MARK_RE.search(text) or len(text) > BARE_HEADING_MAX_CHARS
                    or SENTENCE_PUNCT_RE.search(text) or prev_is_dash(j) or is_code_line(text)
                    or ANSWER_MARKER_RE.match(text) or BULB_RE.match(text)):
                return False
            n = next_significant(j)
            return n is not None and (is_question(n) or is_strong_heading(n)
                                      or bool(WIKI_NAV_RE.match(body[n].text)))

        body_sections: dict[str, str] = {}
        path: list[str] = []
        current: _Block | None = None  # block that content lines join (item or prose)
        last_heading_child = None  # True/False while headings follow each other with no content
        j = 0
        while j < len(body):
            r = body[j]
            text = r.text.strip()
            if DASH_RE.match(r.text):
                self._extend(blocks, r)
                j += 1
                continue
            if ANSWER_MARKER_RE.match(text) or TOC_MARKER_RE.match(text):
                blocks.append(_Block("drop", r.no, reason="navigation", detail="section marker"))
                current = None
                j += 1
                continue
            if WIKI_NAV_RE.match(text):
                if blocks and blocks[-1].info.get("detail") == "wiki-link TOC":
                    blocks[-1].end = r.no  # only `-` separators since the previous link line
                else:
                    blocks.append(_Block("drop", r.no, reason="navigation", detail="wiki-link TOC"))
                current = None
                last_heading_child = None
                j += 1
                continue
            if BULB_RE.match(text) and current is not None and current.kind == "item":
                current.end = r.no  # in the range, not in the answer
                j += 1
                continue
            if is_question(j):
                sec = " / ".join(path)
                item = _Block("item", r.no, question=text, section=sec)
                blocks.append(item)
                body_sections.setdefault(norm(text), sec)
                current = item
                last_heading_child = None
                # A restatement right below the question: an alias item with an empty answer.
                if j + 1 < len(body):
                    nxt = body[j + 1].text.strip()
                    if (QUESTION_END_RE.search(nxt) and len(nxt) <= QUESTION_MAX_CHARS
                            and (norm(nxt) not in known_questions or norm(nxt) == norm(text))
                            and SequenceMatcher(None, norm(text), norm(nxt)).ratio() >= ALIAS_MIN_RATIO):
                        item.info["alias"] = _Block("alias", body[j + 1].no, question=nxt, section=sec)
                        item.end = body[j + 1].no
                        body_sections.setdefault(norm(nxt), sec)
                        j += 1
                j += 1
                continue
            if is_heading(j):
                k = norm(TRAILING_PAREN_RE.sub("", text))
                parent = parents.get(norm(text)) or parents.get(k)
                stray = False
                if parent:
                    path = [parent, text]
                elif last_heading_child is not None:  # directly after another heading
                    if last_heading_child:
                        stray = True  # child heading then a parentless one: out of place
                    else:
                        path = path[:1] + [text]
                else:
                    path = [text]
                if not stray:
                    last_heading_child = len(path) > 1
                blocks.append(_Block("drop", r.no, reason="heading",
                                     detail="section heading (out of place)" if stray else "section heading"))
                current = None
                j += 1
                continue
            # content line
            if current is None or blocks[-1] is not current:
                title = path[-1] if path else (text[:30])
                current = _Block("prose", r.no, title=title, section=" / ".join(path[:-1]))
                blocks.append(current)
            current.lines.append(r)
            current.end = r.no
            last_heading_child = None
            j += 1

        # TOC questions answered in the body take the body's (reliable) section.
        for b in toc_items:
            sec = body_sections.get(norm(b.info["question"]))
            if sec:
                b.info["section"] = sec

        out = ParsedArticle()
        for b in blocks:
            if b.kind == "item":
                answer_lines = list(b.lines)
                while answer_lines and DASH_RE.match(answer_lines[-1].text):
                    answer_lines.pop()
                out.items.append(RawItem(b.info["question"], render_answer(answer_lines), b.start, b.end,
                                         section=b.info["section"]))
                alias = b.info.get("alias")
                if alias:
                    out.items.append(RawItem(alias.info["question"], "", alias.start, alias.start,
                                             section=alias.info["section"]))
            elif b.kind == "prose":
                content = list(b.lines)
                while content and DASH_RE.match(content[-1].text):
                    content.pop()
                out.prose.append(Prose(b.info["title"], render_answer(content), b.start, b.end,
                                       section=b.info.get("section", "")))
            else:
                out.drops.append(Drop(b.start, b.end, b.info["reason"], b.info.get("detail", "")))
        if not out.items:
            raise ParseError("web_toc: found neither `[x]` TOC questions nor question lines ending in `?`; "
                             "check the source's shape or choose another parser")
        return out

    @staticmethod
    def _toc_sections(entries: list[tuple[int, str, bool]], parents: dict[str, str]) -> list[str]:
        """Section per TOC entry, and group parents (added to `parents`), from runs of group titles.

        In a run of consecutive group titles, titles seen before and *closers* (whose core text
        (all but a short tail) already appeared in an earlier question: the
        group's children came first) are skipped, as
        are numbered titles. The first remaining title heads the run; a later one sharing a prefix
        with the head (`大模型(LLMs)显存问题面` → `大模型(LLMs)agent 面`) is a sibling and replaces it,
        any other is the head's child (`LLMs Tokenizer 篇` → `Byte-Pair Encoding(BPE)篇`).
        """
        sections: list[str] = []
        seen: set[str] = set()
        questions_so_far: list[str] = []
        section = ""
        head: str | None = None
        prev_group = False
        for _, text, group in entries:
            if not group:
                questions_so_far.append(norm(text))
                sections.append(section)
                prev_group = False
                continue
            sections.append("")
            if not prev_group:
                head = None
            prev_group = True
            k = norm(text)
            repeat = k in seen
            seen.add(k)
            if repeat or is_numbered(text):
                continue
            core = CORE_SUFFIX_RE.sub("", norm(TRAILING_PAREN_RE.sub("", text)))
            need = max(CLOSER_MIN_CHARS, math.ceil(CLOSER_MIN_SHARE * len(core)))
            if len(core) >= CLOSER_MIN_CHARS and any(core[:need] in q for q in questions_so_far):
                continue  # closes a group whose children were listed before it
            if head is None or common_prefix(norm(head), k) >= SIBLING_MIN_PREFIX:
                head = text.strip()
                section = head
            else:
                parents.setdefault(k, head)
        return sections

    @staticmethod
    def _extend(blocks: list[_Block], row: Line) -> None:
        """A lone `-` separator belongs to the block before it (or is dropped as layout)."""
        if blocks:
            blocks[-1].end = row.no
            if blocks[-1].kind in ("item", "prose"):
                blocks[-1].lines.append(row)
        else:
            blocks.append(_Block("drop", row.no, reason="chrome", detail="list separator"))


PARSER = WebTocParser()
