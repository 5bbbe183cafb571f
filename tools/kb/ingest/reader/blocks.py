"""Markdown → a flat list of units with source line ranges, by a real CommonMark parser (markdown-it-py).

A unit is the smallest piece the reader decides about: a heading, the first line of a list item
(its head), a paragraph (split at labelled or numbered question lines), a table, a code block, an HTML
block, a thematic break. Units keep their 1-based source lines, their list depth and a sibling group
(the list or the parent heading they belong to), so the reader can score a line by its structure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from .score import is_reveal_label

HTML_HEADING_RE = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1>\s*$", re.S | re.I)
HTML_TAG_RE = re.compile(r"<[^>]+>")
SUMMARY_RE = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.S | re.I)
WRAPPER_ONLY_RE = re.compile(r"^\s*(?:</?(?:details|summary|div|span|p|center|section|font)\b[^>]*>\s*)+$", re.I)
ANCHOR_ID_RE = re.compile(r"""<a\s[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']"""
                          r"""|<h[1-6]\b[^>]*?\bid\s*=\s*["']([^"']+)["']|\{\s*#([\w\-.:]+)[^}]*\}""", re.I)
ATTR_SUFFIX_RE = re.compile(r"\s*\{\s*#[\w\-.:]+[^}]*\}\s*$")
ANCHOR_ONLY_RE = re.compile(r"^\s*(?:<a\b[^>]*>\s*</a>\s*|<a\b[^>]*/>\s*)+$", re.I)
CHECKBOX_RE = re.compile(r"^\[[ xX]\]\s*")
# decoration before a heading's words (🔥, ★, ▶, ●): not part of the question
LEAD_SYMBOLS_RE = re.compile(r"^[^\w`$（(【\[“\"'《<\-+*.…]+\s*(?=[\w`$（(【\[“\"'《<])")
LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)\s]*)(?:\s+[\"'][^)]*[\"'])?\)")


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


@dataclass
class Unit:
    kind: str  # heading | item | para | table | code | html | hr | anchor | tag (an HTML wrapper line)
    start: int  # 1-based first line
    end: int  # 1-based last line (inclusive)
    depth: int = 0  # list nesting: 0 outside lists; an item's head is one deeper than its list, its content two
    level: int = 0  # heading level
    text: str = ""  # plain text of the line the reader may read as a question
    group: str = ""  # siblings: the list, or the parent heading and level
    numbered: bool = False  # ordered list item
    bold: bool = False  # the whole text was bold
    links: str = ""  # "anchor" when the text is only a link to #…, "url" when only an external link
    bare: str = ""  # the text without link texts (a `[点击查看答案](…)` after a question is no answer)
    info: str = ""  # code fence info string
    anchors: list[str] = field(default_factory=list)  # ids defined on this unit
    last_in_list: bool = False
    list_size: int = 0  # items in the list this item belongs to
    head_end: int = 0  # last line of the text that may be a question (a hard-wrapped question spans lines)
    has_children: bool = False  # list item with content below its head
    reveal: bool = False  # a `<summary>点击展开答案</summary>`: the folded answer of the question above
    details: int = 0  # `<details>` opened minus closed on this unit's lines (HTML units only)
    # decided later by the reader
    score: float = 0.0
    question: bool = False


def plain_inline(source: str) -> tuple[str, bool, str]:
    text, bold, links, _ = plain_inline_full(source)
    return text, bold, links


def plain_inline_full(source: str) -> tuple[str, bool, str, str]:
    """Plain text of one Markdown line: markup and HTML removed, escapes resolved.
    Also returns whether the whole line was bold, and the link kind when it is only a link."""
    tokens = markdown().parseInline(source.strip())
    children = tokens[0].children if tokens and tokens[0].children else []
    out: list[str] = []
    outside: list[str] = []  # text outside links
    hrefs: list[str] = []
    visible = [t for t in children if t.type not in ("softbreak", "hardbreak") and not
               (t.type == "text" and not t.content.strip())]
    bold = bool(visible) and visible[0].type in ("strong_open", "em_open") and \
        visible[-1].type in ("strong_close", "em_close")
    in_link = 0
    link_text = 0
    for t in children:
        if t.type == "text":
            out.append(t.content)
            if in_link:
                link_text += len(t.content)
            else:
                outside.append(t.content)
        elif t.type == "code_inline":
            out.append(f"`{t.content}`")
            outside.append(f"`{t.content}`")
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "link_open":
            in_link += 1
            hrefs.append(str(t.attrs.get("href", "")))
        elif t.type == "link_close":
            in_link -= 1
        # html_inline (<a id>, <br>), images and emphasis markers carry no text
    # emphasis CommonMark could not pair (`**问：**全文`: a closing run after punctuation) is markup, not text
    text = _tidy("".join(out))
    links = ""
    if WIKI_ANCHOR_RE.match(source.strip()):  # `[[#Heading|label]]`: a link inside the page
        return text, bold, "anchor", ""
    if hrefs and link_text >= len(re.sub(r"[\s\-*+>|↑·•:：]", "", text)) - 2:
        links = "anchor" if all(h.startswith("#") for h in hrefs) else "url"
    bare = _tidy("".join(outside))
    return text, bold, links, bare


def _tidy(text: str) -> str:
    """Unpaired emphasis markers, a `{#id}` attribute, a task-list box and leading decoration removed."""
    text = ATTR_SUFFIX_RE.sub("", re.sub(r"\*\*|__", "", text)).strip()
    return LEAD_SYMBOLS_RE.sub("", CHECKBOX_RE.sub("", text))


def anchors_in(text: str) -> list[str]:
    return [next(g for g in m.groups() if g) for m in ANCHOR_ID_RE.finditer(text)]


class _Builder:
    def __init__(self, lines: list[str]):
        self.lines = lines  # index 0 = line 1
        self.units: list[Unit] = []
        self.groups = 0
        self.heading_path: list[tuple[int, int]] = []  # (level, unit index)

    def raw(self, start: int, end: int) -> list[str]:
        return self.lines[start - 1:end]

    def add(self, unit: Unit) -> Unit:
        raw = "\n".join(self.raw(unit.start, unit.end))
        unit.anchors = anchors_in(raw) if unit.kind != "code" else []
        if unit.kind in ("tag", "html", "heading"):
            unit.details = len(DETAILS_OPEN_RE.findall(raw)) - len(DETAILS_CLOSE_RE.findall(raw))
        self.units.append(unit)
        return unit

    def heading(self, level: int, text: str, start: int, end: int, bold: bool = False) -> None:
        while self.heading_path and self.heading_path[-1][0] >= level:
            self.heading_path.pop()
        parent = self.heading_path[-1][1] if self.heading_path else -1
        self.add(Unit("heading", start, end, level=level, text=text, group=f"h{parent}:{level}", bold=bold))
        self.heading_path.append((level, len(self.units) - 1))

    def paragraph(self, start: int, end: int, depth: int, splitter) -> None:
        """A paragraph, split before every line `splitter` marks (labelled/numbered question lines)."""
        cut = start
        splitter(self.lines[start - 1])  # the splitter follows the numbering of question lines
        for no in range(start + 1, end + 1):
            if splitter(self.lines[no - 1]) or ANCHOR_ONLY_RE.match(self.lines[no - 2]):
                self._para(cut, no - 1, depth)
                cut = no
        self._para(cut, end, depth)

    def head_lines(self, start: int, end: int, strip=lambda line: line) -> int:
        """How many lines the candidate text spans: one, or up to three when a question is hard-wrapped
        (`为什么 Transformer 要用` / `LayerNorm？`): the later line ends in ？ and the first does not."""
        first = strip(self.lines[start - 1]).strip()
        if QMARK_RE.search(first) or SENTENCE_END_RE.search(first):
            return 1
        total = len(first)
        for n in range(start + 1, min(end, start + 2) + 1):
            line = self.lines[n - 1].strip()
            total += len(line)
            if total > HEAD_MAX_CHARS or SENTENCE_END_RE.search(line) or NEW_LINE_START_RE.match(line):
                return 1
            if QMARK_RE.search(line) and line.rstrip("*_ ").endswith(("?", "？")):
                return n - start + 1
        return 1

    def _para(self, start: int, end: int, depth: int) -> None:
        raw = "\n".join(self.raw(start, end))
        if ANCHOR_ONLY_RE.match(raw):
            self.add(Unit("anchor", start, end, depth=depth))
            return
        head_end = start + self.head_lines(start, end) - 1
        text, bold, links, bare = plain_inline_full(" ".join(x.strip() for x in self.raw(start, head_end)))
        if head_end != end:  # only the head is a candidate; the whole paragraph is checked for links
            _, _, links = plain_inline(raw)
            bold = False
        self.add(Unit("para", start, end, depth=depth, text=text, bold=bold, links=links, bare=bare,
                      head_end=head_end))

    def walk(self, nodes: list[SyntaxTreeNode], depth: int, splitter) -> None:
        for node in nodes:
            if node.map is None:
                continue
            start, end = node.map[0] + 1, node.map[1]
            while end > start and not self.lines[end - 1].strip():
                end -= 1
            if node.type == "heading":
                text, bold, _ = plain_inline(node.children[0].content if node.children else "")
                if depth:  # a heading inside a list item is content
                    self.add(Unit("para", start, end, depth=depth, text=text, bold=True))
                else:
                    self.heading(int(node.tag[1]), text, start, end, bold)
            elif node.type == "paragraph":
                self.paragraph(start, end, depth, splitter)
            elif node.type in ("bullet_list", "ordered_list"):
                self.list(node, depth, splitter)
            elif node.type == "blockquote":
                self.walk(node.children, depth, splitter)
            elif node.type in ("fence", "code_block"):
                self.add(Unit("code", start, end, depth=depth, info=(node.info or "").strip()))
            elif node.type == "table":
                self.add(Unit("table", start, end, depth=depth))
            elif node.type == "html_block":
                m = HTML_HEADING_RE.match(node.content)
                if SUMMARY_RE.search(node.content):
                    self.details(start, end, depth)
                elif WRAPPER_ONLY_RE.match(node.content):
                    self.add(Unit("tag", start, end, depth=depth))
                elif m and not depth:
                    text, bold, _ = plain_inline(HTML_TAG_RE.sub("", m[2]))
                    self.heading(int(m[1]), text, start, end, bold)
                elif ANCHOR_ONLY_RE.match(node.content):
                    self.add(Unit("anchor", start, end, depth=depth))
                else:
                    self.add(Unit("html", start, end, depth=depth))
            elif node.type == "hr":
                self.add(Unit("hr", start, end, depth=depth))
            else:
                self.add(Unit("html", start, end, depth=depth))

    def details(self, start: int, end: int, depth: int) -> None:
        """`<details><summary>question</summary> answer </details>`: the summary reads like a heading."""
        at = next(n for n in range(start, end + 1) if SUMMARY_RE.search(self.lines[n - 1]))
        for n in range(start, at):
            if self.lines[n - 1].strip():
                self.add(Unit("tag", n, n, depth=depth))
        summary = SUMMARY_RE.search(self.lines[at - 1])
        text, bold, _ = plain_inline(HTML_TAG_RE.sub("", summary[1]))
        if is_reveal_label(text):
            self.add(Unit("tag", at, at, depth=depth, text="", reveal=True))
        else:
            self.add(Unit("heading", at, at, level=6, text=text, group=f"details:{depth}", bold=bold))
        rest = [n for n in range(at + 1, end + 1) if self.lines[n - 1].strip()]
        for n in rest:
            kind = "tag" if WRAPPER_ONLY_RE.match(self.lines[n - 1]) else "html"
            self.add(Unit(kind, n, n, depth=depth))

    def list(self, node: SyntaxTreeNode, depth: int, splitter) -> None:
        self.groups += 1
        group = f"l{self.groups}"
        items = [c for c in node.children if c.type == "list_item" and c.map is not None]
        for n, item in enumerate(items):
            start = item.map[0] + 1
            children = list(item.children)
            head_text, bold, links, bare = "", False, "", ""
            p_start, n_head = start, 1
            rest_start = None
            if children and children[0].type == "paragraph" and children[0].map:
                first = children.pop(0)
                p_start, p_end = first.map[0] + 1, first.map[1]
                while p_end > p_start and not self.lines[p_end - 1].strip():
                    p_end -= 1
                n_head = self.head_lines(p_start, p_end, _strip_marker)
                head = " ".join(_strip_marker(x).strip() if i == 0 else x.strip()
                                for i, x in enumerate(self.raw(p_start, p_start + n_head - 1)))
                head_text, bold, links, bare = plain_inline_full(head)
                if p_end > p_start + n_head - 1:
                    rest_start = (p_start + n_head, p_end)
            head_end = p_start + n_head - 1 if head_text else start
            unit = self.add(Unit("item", start, head_end, depth=depth + 1, text=head_text, group=group,
                                 numbered=node.type == "ordered_list", bold=bold, links=links, bare=bare,
                                 last_in_list=n == len(items) - 1, list_size=len(items), head_end=head_end))
            # the item's content is deeper than its head, so a sibling item (same depth) ends the answer
            if rest_start:
                self.paragraph(rest_start[0], rest_start[1], depth + 2, splitter)
            before = len(self.units)
            self.walk(children, depth + 2, splitter)
            unit.has_children = bool(rest_start) or len(self.units) > before


QMARK_RE = re.compile(r"[?？]")
DETAILS_OPEN_RE = re.compile(r"<details\b", re.I)
DETAILS_CLOSE_RE = re.compile(r"</details\s*>", re.I)
WIKI_ANCHOR_RE = re.compile(r"^(?:[-*+]\s+)?\[\[#[^\]]+\]\]\s*$")
SENTENCE_END_RE = re.compile(r"[。；;！!：:]\s*[*_]*\s*$")
HEAD_MAX_CHARS = 80
# a line that starts something of its own (numbered, labelled, list, table, heading) is no wrapped continuation
NEW_LINE_START_RE = re.compile(r"^\s*(?:\d+\s*[.、．)）:：]?\s|\d+[.、．)）]|[(（]\d+[)）]|[-*+|#>]|"
                               r"Q\s*\d|问|答|A\s*[:：.])")
LIST_MARKER_RE = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")


def _strip_marker(line: str) -> str:
    return LIST_MARKER_RE.sub("", line, count=1)


def units_of(lines: list[str], splitter) -> list[Unit]:
    """All units of a document given as its lines (blank strings stand for removed lines)."""
    builder = _Builder(lines)
    tree = SyntaxTreeNode(markdown().parse("\n".join(lines)))
    builder.walk(tree.children, 0, splitter)
    return builder.units


def table_rows(lines: list[str]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header cells and (offset, cells) of each body row of a pipe table given as its source lines."""
    def cells(line: str) -> list[str]:
        body = line.strip()
        body = body[1:] if body.startswith("|") else body
        body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
        return [c.strip() for c in re.split(r"(?<!\\)\|", body)]
    header = cells(lines[0]) if lines else []
    rows = [(i, cells(line)) for i, line in enumerate(lines) if i >= 2 and line.strip()]
    return header, rows
