"""The structure-aware generic reader: Markdown lines → questions, answers and ledgered drops.

1. `blocks.units_of` parses the article with markdown-it-py into units with source line ranges.
2. Every unit that could be a question (heading, list-item head, labelled/numbered/bold line, a line of
   an interview log in a code block, a question-table row) is scored on several features
   (`score.form` for the words; here the structure: a run of sibling questions, sub-questions below a
   heading, what follows). Inside another question's answer a stricter test applies, so a bold or
   rhetorical line in an answer stays content while a nested question list is its own questions.
3. A question's answer is the content that follows it up to the next question or the end of its scope
   (a heading of the same or higher level, the end of its list item). Placeholders, tables of contents,
   link lists and anchors are never answers: they are dropped with a reason. A question with nothing
   under it is unanswered.
4. Everything else is ledgered: section headings (navigation), the title, prose outside any question.
"""

from __future__ import annotations

import re
import textwrap

from ...clean.steps import fullwidth_ascii
from ..base import Drop, Line, ParsedArticle, ParseError, RawItem
from . import score
from .blocks import LINK_RE, Unit, plain_inline, table_rows, units_of

PROSE_MIN_CHARS = 80
LOG_INFOS = {"", "text", "txt", "plain", "plaintext", "markdown", "md", "none"}
NUMBERED_LINE_RE = re.compile(r"^\s*(?:\d+\s*[.．、:：)）]?|[(（]\d+[)）]|Q\d+|[a-z][.．、)）](?=\S))\s*\S")
INLINE_ANSWER_MIN = 6
BULLET_RE = re.compile(r"^\s*[-*+•·]\s+")
INLINE_QA_RE = re.compile(r"^(.{2,80}?[?？])\s*(?![?？])(\S.{%d,})$" % (INLINE_ANSWER_MIN - 1))
# `Q8：哪个更难 A：激活量化更难。`: a question without ？ and its labelled answer on one line
INLINE_LABELLED_RE = re.compile(r"^(.{2,80}?)\s+((?:\*\*|__)?(?:A|Answer|答案?|回答|解答)\s*\d*\s*(?:\*\*|__)?\s*[:：]"
                                r"\s*\S.{%d,})$" % (INLINE_ANSWER_MIN - 1), re.I)

NO_QUESTION_HELP = (
    "generic reader found no questions. It recognises questions as Markdown headings, list items at any "
    "depth, labelled lines (`问：`, `**问题：**`, `Q1:`), bold or numbered lines ending in ？, rows of a table "
    "with a 问题 column, and numbered lines of an interview log in a code block — each scored on its wording "
    "(？/?, 什么/为什么/如何…, 简述/介绍一下…) and its place among siblings. This article has none of these: "
    "write a dedicated parser in tools/kb/ingest/parsers/<name>.py and set `parser: <name>` for it in "
    "sources/sources.yml."
)


class _Splitter:
    """Where to split a paragraph (hard-wrapped PDF text has no blank lines): before a question or
    answer label, a section line, or a numbered question line — one that reads as a question by its
    words, or continues the numbering of the previous question line (`3 MQA 和 GQA 有什么区别`)."""

    def __init__(self) -> None:
        self.last = 0

    def __call__(self, line: str) -> bool:
        if score.RAW_Q_LABEL_RE.match(line) or score.A_LABEL_RE.match(line):
            return True
        if score.rules().section_line.match(line):
            return True
        if NUMBERED_LINE_RE.match(line):
            text, _, _ = plain_inline(line)
            f = score.form(text)
            number = score.number_of(text)
            follows = number is not None and (number == self.last + 1 or number == 1)  # 1 starts a new run
            clear = score.strong(f, 1.5)  # asks clearly enough to split a paragraph without the numbering
            self.last = number if follows or clear else self.last
            return clear or (follows and sum(f.values()) >= score.rules().threshold)
        return False


def _front_matter(lines: list[str]) -> int:
    if not lines or lines[0].strip() != "---":
        return 0
    for i, line in enumerate(lines[1:40], start=1):
        if line.strip() == "---":
            return i + 1
    return 0


class Reader:
    def __init__(self, lines: list[Line]):
        self.rules = score.rules()
        size = max((line.no for line in lines), default=0)
        self.text = [""] * size
        for line in lines:  # `Ｑ４：` reads as `Q4：`, as the clean chain will write it
            self.text[line.no - 1] = fullwidth_ascii(line.text)
        self.out = ParsedArticle()
        fm = _front_matter(self.text)
        if fm:
            self.out.drops.append(Drop(1, fm, "chrome", "front matter"))
            for i in range(fm):
                self.text[i] = ""
        self.questions_seen = False
        self.units = units_of(self.text, _Splitter())
        for u in self.units:  # `第二章 微调` on a line of its own is a section
            if u.kind == "para" and u.start == u.end and self.rules_section(u.text):
                u.kind, u.level = "heading", 1
        self.features: list[dict[str, float]] = [score.form(self._asked(u)) if u.text else {} for u in self.units]
        self._structure()

    @staticmethod
    def _asked(u: Unit) -> str:
        """The part of a line that asks: `o.预训练阶段的 mask 有什么用? 虽然 MLM…` asks up to its ？, a labelled
        `Q8：哪个更难 A：…` up to its answer label; the rest is its answer on the same line (headings are read
        whole)."""
        if u.kind in ("item", "para") and (m := INLINE_QA_RE.match(u.text)):
            return m[1]
        if u.kind in ("item", "para") and score.Q_LABEL_RE.match(u.text) and (m := INLINE_LABELLED_RE.match(u.text)):
            return m[1]
        return u.text

    @staticmethod
    def rules_section(text: str) -> bool:
        return bool(score.rules().section_line.match(text)) and not score.strong(score.form(text))

    # --- scoring ---------------------------------------------------------------------------

    def _structure(self) -> None:
        """Add the structural features and the total score of each unit."""
        w = self.rules.weights
        groups: dict[str, list[int]] = {}
        for i, u in enumerate(self.units):
            if u.kind in ("heading", "item") and u.text:
                groups.setdefault(u.group, []).append(i)
        for members in groups.values():
            share = sum(score.strong(self.features[i]) for i in members) / len(members)
            if len(members) >= 2 and share >= self.rules.run_share:
                numbered = sum("numbered" in self.features[i] or self.units[i].numbered for i in members)
                long_run = numbered >= 3 and numbered == len(members) and share >= self.rules.para_run_share
                for i in members:  # a long numbered run of mostly questions: the odd one out is one too
                    self.features[i]["run"] = w["para_run"] if long_run else w["run"]
        for members in self._numbered_runs():
            share = sum(score.strong(self.features[i]) for i in members) / len(members)
            if len(members) >= 3 and share >= self.rules.para_run_share:
                for i in members:
                    self.features[i]["run"] = w["para_run"]
        for i, u in enumerate(self.units):
            f = self.features[i]
            if u.bold:
                f["bold"] = w["bold"]
            if u.kind == "item" and u.numbered and "numbered" not in f:
                f["numbered"] = w["numbered"]
            if u.kind in ("heading", "item") and "question_mark" not in f and self._sub_questions(i):
                f["sub_questions"] = w["sub_questions"]
            nxt = self.units[i + 1] if i + 1 < len(self.units) else None
            if nxt is not None and (nxt.depth > u.depth or u.kind == "heading") and nxt.kind != "heading":
                f["has_answer"] = w["has_answer"]
            u.score = sum(f.values())

    def _numbered_runs(self) -> list[list[int]]:
        """Numbered paragraph lines in sequence (1, 2, 3 … or a, b, c …) between two headings."""
        runs: list[list[int]] = []
        last: dict[tuple[int, bool], list[int]] = {}
        for i, u in enumerate(self.units):
            if u.kind == "heading":
                last = {}
                continue
            if u.kind != "para" or "numbered" not in self.features[i]:
                continue
            number = score.number_of(u.text)
            if number is None:
                continue
            key = (u.depth, u.text.lstrip()[:1].isalpha())
            run = last.get(key)
            if run is not None and number == score.number_of(self.units[run[-1]].text) + 1:
                run.append(i)
            else:
                run = [i]
                runs.append(run)
                last[key] = run
        return runs

    def _sub_questions(self, i: int) -> bool:
        """A heading (list item) whose sub-headings (nested items) ask is the label of a group of questions."""
        if self.units[i].kind == "item":
            depth = self.units[i].depth
            for j in range(i + 1, len(self.units)):
                u = self.units[j]
                if u.depth <= depth or u.kind == "heading":
                    return False
                if u.kind == "item" and score.strong(self.features[j]):
                    return True
            return False
        level = self.units[i].level
        for j in range(i + 1, len(self.units)):
            u = self.units[j]
            if u.kind == "heading":
                if u.level <= level:
                    return False
                if score.strong(self.features[j]):
                    return True
        return False

    def _same_style(self, a: Unit, b: Unit) -> bool:
        fa, fb = self.features[self.units.index(a)], self.features[self.units.index(b)]
        return a.bold == b.bold and ("numbered" in fa) == ("numbered" in fb) and a.depth == b.depth

    def _placeholder(self, u: Unit) -> bool:
        return u.kind in ("para", "item") and bool(self.rules.placeholders.match(u.text or "")) and \
            not u.has_children

    def _candidate(self, i: int, open_q: Unit | None) -> bool:
        """Is unit i a question, given the question whose answer is open (if any)?"""
        u, f = self.units[i], self.features[i]
        if u.kind not in ("heading", "item", "para") or not u.text or self._placeholder(u):
            return False
        if u.links == "anchor":
            return False
        if "section_label" in f:
            return False
        if u.kind == "heading":
            return u.score >= self.rules.threshold
        if u.kind == "para" and not ("label" in f or "numbered" in f or u.bold):
            return False
        if u.kind == "para" and open_q is not None and open_q.kind == "para" and "numbered" in f and \
                score.number_of(u.text) == (score.number_of(open_q.text) or -1) + 1:
            # the next number after the open question: a sibling in a run of numbered questions
            return u.score + self.rules.weights["run"] >= self.rules.threshold
        if open_q is None or (open_q.kind == "item" and (u.kind == "item" or u.depth <= open_q.depth)):
            # free context, or a list item next to / below a list question: a nested question is its own
            return u.score >= self.rules.threshold
        if "label" in f:
            return True
        if u.kind == "para":
            if open_q.kind == "para" and self._same_style(u, open_q):
                return u.score >= self.rules.threshold  # the next one of a run of bold/numbered questions
            # inside an answer only a numbered question line starts a new question; a bold line that asks
            # (`**那为什么不用 BN 呢？**`) is the answer's own rhetoric
            return u.score >= self.rules.nested_threshold and "numbered" in f and "question_mark" in f
        # a list inside a heading/label answer: its items are questions only when the list is a run
        # of bare questions (an outline of sub-questions), not a list of points that happen to ask
        members = [j for j, v in enumerate(self.units) if v.group == u.group]
        bare = [j for j in members if score.strong(self.features[j]) and
                not re.search(r"[?？]\s*\S{%d,}" % INLINE_ANSWER_MIN, self.units[j].bare)]
        childless = [j for j in members if not self.units[j].has_children]
        return len(members) >= 2 and len(bare) >= 0.7 * len(members) and \
            len(childless) >= 0.5 * len(members) and u.score >= self.rules.threshold

    def _questions_below(self, i: int) -> int:
        """How many later units would be questions even inside unit i's answer: a top heading that asks
        (知乎's `# 对齐方向的面试一般会问什么？`) above a run of numbered questions is the article's title."""
        return sum(self._candidate(j, self.units[i]) for j in range(i + 1, len(self.units)))

    def _ends_para_question(self, i: int, open_q: Unit | None) -> bool:
        """`**小结**` after a run of bold or labelled paragraph questions is a part of the article of its own:
        it ends the last question's answer."""
        u = self.units[i]
        if open_q is None or open_q.kind != "para" or u.kind != "para" or not u.bold:
            return False
        labelled = "label" in self.features[self.units.index(open_q)]
        return (open_q.bold or labelled) and "section_label" in self.features[i] and u.start == u.end

    # --- reading ---------------------------------------------------------------------------

    def read(self) -> ParsedArticle:
        units = self.units
        title = -1
        first = next((i for i, u in enumerate(units) if u.kind not in ("anchor", "hr")), None)
        if first is not None and units[first].kind == "heading" and units[first].level == 1 and \
                (sum(u.kind == "heading" for u in units) > 1 or not self._candidate(first, None) or
                 self._questions_below(first) >= 2):
            title = first
        sections: list[tuple[int, str]] = []
        open_q: Unit | None = None
        body: list[Unit] = []
        orphans: list[Unit] = []
        questions: list[tuple[Unit, list[Unit], str, list[str]]] = []
        tables: list[Unit] = []
        meta: tuple[str, list[str]] = ("", [])
        folded = 0  # `<details>` blocks still open around the open question's answer (0: not folded)

        def close() -> None:
            nonlocal open_q, body, folded
            if open_q is not None:
                questions.append((open_q, body, *meta))
            open_q, body, folded = None, [], 0

        def section_meta() -> tuple[str, list[str]]:
            tags = ["面经"] if any(self.rules.interview_sections.search(t) for _, t in sections) else []
            named = [t for _, t in sections if t]
            return (named[-1] if named else ""), tags

        for i, u in enumerate(units):
            if i == title:
                self.out.drops.append(Drop(u.start, u.end, "chrome", "article title"))
                continue
            if self._candidate(i, open_q):
                close()
                self._flush(orphans)
                self.questions_seen = True
                if u.kind == "heading":
                    while sections and sections[-1][0] >= u.level:
                        sections.pop()
                open_q, body, meta = u, [], section_meta()
                folded = 1 if u.group.startswith("details:") else 0  # `<summary>question</summary>`
                continue
            if self._ends_para_question(i, open_q):
                close()
                self._flush(orphans)
                self.out.drops.append(Drop(u.start, u.end, "navigation", "section label"))
                continue
            if u.kind == "heading":
                if open_q is not None and open_q.kind == "heading" and u.level > open_q.level:
                    body.append(u)  # a sub-heading inside the answer
                    continue
                close()
                self._flush(orphans)
                while sections and sections[-1][0] >= u.level:
                    sections.pop()
                # a label like 前言/总结 opens a part of the article but says nothing about its questions
                sections.append((u.level, "" if score.is_section_label(u.text, suffixes=False) else u.text))
                self.out.drops.append(Drop(u.start, u.end, "navigation", "section heading"))
                continue
            if open_q is not None and open_q.kind == "item" and u.depth <= open_q.depth and \
                    not (open_q.list_size == 1 and open_q.depth == 1 and u.depth == 0 and u.kind in ("para", "code")):
                # `1. 问题？` then an unindented answer: CommonMark ends the list, the answer still belongs to it
                close()
            if open_q is not None:
                body.append(u)
                # a folded answer (`<details>` after the question or around its summary) ends with its block
                if u.reveal and not folded:
                    folded = 1
                elif folded and u.kind != "code":
                    folded += u.details
                    if folded <= 0:
                        close()
            elif u.kind == "table" and self._question_table(u):
                tables.append(u)
            elif u.kind == "code" and self._log_lines(u):
                self._read_log(u, section_meta())
            else:
                orphans.append(u)
        close()
        self._flush(orphans)
        for q, b, sec, tags in questions:
            self._emit(q, b, sec, tags)
        for t in tables:
            self._read_table(t)
        self.out.items.sort(key=lambda it: it.line)
        if not self.out.items:
            raise ParseError(NO_QUESTION_HELP)
        return self.out

    # --- answers ---------------------------------------------------------------------------

    def _emit(self, q: Unit, body: list[Unit], section: str, tags: list[str]) -> None:
        text = score.strip_number(score.question_text(q.text))
        text = text if len(re.sub(r"\W", "", text)) >= 2 else q.text  # `Q1？` keeps its label
        inline_answer = ""
        if q.kind in ("item", "para"):
            if q.bare != q.text:  # link text after the question (`[点击查看答案](…)`) is no answer
                if re.search(r"[?？]", q.bare):
                    text = score.question_text(re.sub(r"(.*[?？]).*$", r"\1", q.bare))
                self.out.drops.append(Drop(q.start, q.start, "paywall", "link after the question, not an answer"))
            m = INLINE_QA_RE.match(text) or re.match(r"^(.*[?？])\s*(?!.*[?？])(.+)$", text) or \
                INLINE_LABELLED_RE.match(text)
            if m and len(m[2].strip()) >= INLINE_ANSWER_MIN and not score.A_LABEL_RE.match(m[2]):
                text, inline_answer = m[1], m[2].strip()
            elif m and score.A_LABEL_RE.match(m[2]):
                text, inline_answer = m[1], score.A_LABEL_RE.sub("", m[2], count=1).strip()
        kept = []
        lines_after = list(range(max(q.start, q.head_end) + 1, q.end + 1))  # rest of the question's paragraph
        for u in body:
            reason = self._not_answer(u)
            if reason:
                self.out.drops.append(Drop(u.start, u.end, reason[0], reason[1]))
            else:
                kept.append(u)
        while kept and kept[-1].kind == "hr":
            self.out.drops.append(Drop(kept[-1].start, kept[-1].end, "chrome", "separator"))
            kept.pop()
        numbers = lines_after + [n for u in kept for n in range(u.start, u.end + 1)]
        answer = self._join(numbers)
        if q.kind == "item":
            answer = textwrap.dedent(answer)
        if answer and (m := re.match(r"^\s*[-*+]\s+(?=\S)", answer)) and \
                score.A_LABEL_RE.match(answer[m.end():]) and "\n" not in answer.strip():
            answer = answer[m.end():]  # `- 答：…` as the only sub-item is the answer, not a list
        if answer and (m := score.A_LABEL_RE.match(answer)):
            answer = answer[m.end():]
        answer = "\n".join([inline_answer, answer]).strip() if inline_answer else answer.strip("\n")
        end = max([q.end, *(u.end for u in kept)])
        self.out.items.append(RawItem(text, answer, q.start, end, section, list(tags)))

    def _not_answer(self, u: Unit) -> tuple[str, str] | None:
        if u.kind == "anchor":
            return ("navigation", "anchor")
        if u.kind == "tag":
            return ("chrome", "HTML wrapper")
        if self._placeholder(u):
            return ("placeholder", "placeholder, not an answer")
        if u.links == "anchor":
            return ("navigation", "table-of-contents link")
        if u.links == "url" and u.kind in ("item", "para"):
            return ("navigation", "link list, not an answer")
        if u.kind == "hr":
            return ("chrome", "separator")
        return None

    def _join(self, numbers: list[int]) -> str:
        """Source lines in order; gaps of blank lines are kept, other gaps become one blank line."""
        out: list[str] = []
        prev = None
        for n in sorted(set(numbers)):
            if prev is not None and n > prev + 1:
                gap = self.text[prev:n - 1]
                out.extend(gap if all(not g.strip() for g in gap) else [""])
            out.append(self.text[n - 1])
            prev = n
        return "\n".join(out)

    def _flush(self, orphans: list[Unit]) -> None:
        for u in orphans:
            reason = self._not_answer(u)
            if reason:
                self.out.drops.append(Drop(u.start, u.end, *reason))
                continue
            body = self._join(list(range(u.start, u.end + 1)))
            if u.kind == "item" and u.has_children:
                self.out.drops.append(Drop(u.start, u.end, "navigation", "list label outside any question"))
            elif self.questions_seen or u.kind == "code" or \
                    len(re.sub(r"[\s#>*_`|\-]", "", body)) >= PROSE_MIN_CHARS:
                # content of a section without a question: kept in the ledger for review, never chrome
                self.out.drops.append(Drop(u.start, u.end, "prose", "text outside any question"))
            else:  # a short line of the article's header area: by-line, date, greeting
                self.out.drops.append(Drop(u.start, u.end, "chrome", "short text outside any question"))
        orphans.clear()

    # --- interview logs in code blocks ------------------------------------------------------

    def _log_lines(self, u: Unit) -> list[tuple[int, str]]:
        """Numbered question lines of a code block that is an interview log ([] if it is code)."""
        if u.info.lower() not in LOG_INFOS:
            return []
        found = []
        for n in range(u.start + 1, u.end):
            line = self.text[n - 1]
            if NUMBERED_LINE_RE.match(line) or BULLET_RE.match(line) or score.rules().question_end.search(line):
                f = score.form(BULLET_RE.sub("", line).strip())
                if sum(f.values()) >= self.rules.threshold and "section_label" not in f:
                    found.append((n, line.strip()))
        return found if len(found) >= 2 else []

    def _read_log(self, u: Unit, meta: tuple[str, list[str]]) -> None:
        found = dict(self._log_lines(u))
        section, tags = meta
        for n in range(u.start, u.end + 1):
            if n in found:
                text = score.question_text(BULLET_RE.sub("", found[n]))
                self.out.items.append(RawItem(score.strip_number(text) or text, "", n, n, section,
                                              sorted({*tags, "面经"})))
            elif self.text[n - 1].strip():
                self.out.drops.append(Drop(n, n, "navigation", "interview-log line that is not a question"))

    # --- question tables --------------------------------------------------------------------

    def _columns(self, u: Unit) -> tuple[int | None, int | None]:
        header, rows = table_rows(self.text[u.start - 1:u.end])
        qcol = next((i for i, h in enumerate(header) if self.rules.question_columns.search(h)), None)
        if qcol is None and rows:
            for c in range(len(header)):
                cells = [r[c] for _, r in rows if c < len(r)]
                if cells and sum(score.strong(score.form(plain_inline(x)[0])) for x in cells) >= 0.6 * len(rows):
                    qcol = c
                    break
        acol = next((i for i, h in enumerate(header) if self.rules.answer_columns.search(h) and i != qcol), None)
        return qcol, acol

    def _question_table(self, u: Unit) -> bool:
        return self._columns(u)[0] is not None

    def _anchor_targets(self) -> dict[str, RawItem]:
        """Anchor id → the question defined at (or right after) it."""
        by_line = {it.line: it for it in self.out.items}
        starts = sorted(by_line)
        targets: dict[str, RawItem] = {}
        for u in self.units:
            for a in u.anchors:
                nxt = next((s for s in starts if s >= u.start), None)
                if nxt is not None and nxt - u.end <= 3:
                    targets.setdefault(a, by_line[nxt])
        return targets

    def _read_table(self, u: Unit) -> None:
        qcol, acol = self._columns(u)
        lines = self.text[u.start - 1:u.end]
        _, rows = table_rows(lines)
        targets = self._anchor_targets()
        self.out.drops.append(Drop(u.start, u.start + 1, "navigation", "table header"))
        for offset, cells in rows:
            no = u.start + offset
            if qcol >= len(cells):
                self.out.drops.append(Drop(no, no, "navigation", "table row without a question"))
                continue
            question = plain_inline(cells[qcol])[0]
            anchors = [m[2][1:] for m in LINK_RE.finditer(lines[offset]) if m[2].startswith("#")]
            target = next((targets[a] for a in anchors if a in targets), None)
            if target is not None:
                if question and score.strip_number(question) != score.strip_number(target.question):
                    target.aliases.append(question)
                self.out.drops.append(Drop(no, no, "navigation",
                                           f"question-table row; its answer is the question at line {target.line}"))
                continue
            if not question or not score.strong(score.form(question)):
                self.out.drops.append(Drop(no, no, "navigation", "table row without a question"))
                continue
            answer = ""
            if acol is not None and acol < len(cells):
                cell = cells[acol]
                if not LINK_RE.fullmatch(cell.strip()) and not self.rules.placeholders.match(cell):
                    answer = cell.replace("<br>", "\n").strip()
            self.out.items.append(RawItem(question, answer, no, no))


def read(lines: list[Line]) -> ParsedArticle:
    return Reader(lines).read()
