"""Zhihu-style Markdown Q&A collection (s002): question lists per section, answers pasted after them.

Shape
-----
The article is a run of sections (``##`` / ``###`` headings, sometimes wrapped in tracking links
``[title](https://link.zhihu.com/?target=…)``). A section first *lists* its questions (numbered
``1. …``, nested ``\\t1. …``, or bulleted ``- 一、…`` / ``- 2.1 …``), often with group titles
(``1. LLMs 复读机问题``, ``- 4 旋转位置编码 RoPE篇``) that only structure the list. Then it may
answer them, after an ``A:`` / ``*Answer:*`` marker or a ``### 1-8`` sub-heading, in one of
several styles:

- bold bullet restatements (``- **目前主流的开源模型体系有哪些？**`` with nested bullets);
- italic numbered restatements (``1. *什么是 LLMs 复读机问题？*`` followed by paragraphs);
- numbered bold with the answer inline (``17. **微调后的模型…？** answer…``);
- label-prefixed paragraphs (``一、*…？* answer…``, ``4.1.1 为什么…？``, ``**1. 什么是 LangChain?**``);
- ``### 1-8`` sub-sections answering list items by number with a short restatement
  (``1. **全参数微调显存需求：** …``);
- bare numbered answers without any restatement (``1. 影响，会导致性能下降…``).

Interview reports (``## 豆包面经-1``) have no list: numbered questions each followed by the answer.

How answers find their question
-------------------------------
Inside an answer region only lines at indentation 0 can open a new answer block. Such a line is a
question when (in this order):

1. in a ``### a-b`` region, its number lies in a..b (it answers listed item N);
2. its text is similar to a listed question (character-bigram Jaccard >= ``_SIM_HIGH``);
3. its label (``3``, ``2.1``, ``四``) equals a listed item's label and the texts overlap a little;
4. it is a bare numbered answer (``1. 影响，…``) whose number names a listed item and the region
   has no restatement style yet: the answer is attached to that listed question;
5. it has the same style (marker, label kind, emphasis) as the region's first question and reads
   like a question: an unmatched restatement, still its own item;
6. in sections without a list (interview reports), it is numbered ``last + 1``.

Everything else (numbered sub-points inside an answer, ``**SFT的局限性：**`` sub-titles, bullets)
belongs to the current answer. Position alone never decides a match, so answers pasted in another
order still find their question.

Output
------
Each listed question is a RawItem with answer ""; each restatement is a second RawItem holding the
answer (a later dedupe step merges the two phrasings). Group titles are navigation drops and give
their text to their children's ``section`` (``LLM进阶面 / LLMs 复读机问题``). Answer markers and
headings are navigation drops; ``??`` / ``WIP`` / ``~~joke~~`` answers are placeholder drops; a
heading block that repeats an earlier one verbatim is a duplicate-block drop. Answer Markdown is
kept as written, except that continuation lines nested under a list-item question are dedented by
their common indentation (so nested bullets stay bullets instead of turning into a code block).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from ..base import Drop, Line, ParsedArticle, ParseError, Prose, RawItem

# --- line patterns ------------------------------------------------------------------------------

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RANGE_HEADING = re.compile(r"^(\d+)\s*[-–~～]\s*(\d+)$")
_LIST = re.compile(r"^([ \t]*)(?:(\d+)[.)]|([-*+]))[ \t]+(.*)$")
_MARKER = re.compile(r"^\s*\*{0,2}(?:A|Answer|答案?)\*{0,2}\s*[:：]\s*\*{0,2}\s*$", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"^\s*(?:\?{2,}|？{2,}|WIP|TODO|待补充|[\d、,，\s]+[：:]\s*WIP|~~.*~~)\s*$", re.IGNORECASE
)
_PAYWALL = re.compile(r"^\[?点击查看答案\]?(\(.*\))?$")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")
_DIGIT_LABEL = re.compile(r"^(\d+(?:\.\d+)*)\.?[ \t\u00a0]+(?=\S)")
_DOTTED_LABEL = re.compile(r"^(\d+(?:\.\d+)+)\.?[ \t\u00a0]+(?=\S)")
_CN_LABEL = re.compile(r"^([一二三四五六七八九十]+)、[ \t\u00a0]*")
_BOLD_NUM_PARA = re.compile(r"^\*\*\s*(\d+(?:\.\d+)*)[.、]\s*(.+?)\*\*\s*$")
_BOLD_LEAD = re.compile(r"^\*\*(.+?)\*\*")
_ITALIC_LEAD = re.compile(r"^\*(?!\*)(.+?)(?<!\*)\*(?!\*)")
_QMARK = re.compile(r"[?？]")
_GROUP_SUFFIX = re.compile(r"篇\s*(?:（[^）]*）|\([^)]*\))?\s*$")
_INTERVIEW = re.compile(r"^(.+?)(?:LLM|大模型|算法)?面经")

_SIM_HIGH = 0.45  # similar enough on text alone
_SIM_LOW = 0.15  # enough overlap when the label also agrees
_SIM_SAME = 0.8  # a line that does not read like a question must repeat one almost verbatim
_GENERIC_H3_MAX = 5  # "问题篇", "实现细节篇": too generic to be a section name on their own

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_to_int(s: str) -> int | None:
    if not s:
        return None
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS.get(s)


def _label_number(label: str | None) -> str | None:
    """A label as dotted digits ("四" -> "4"), for parent/child checks."""
    if not label:
        return None
    if label[0].isdigit():
        return label
    n = _cn_to_int(label)
    return str(n) if n is not None else None


def strip_links(text: str) -> str:
    return _LINK.sub(lambda m: m.group(1), text)


def _norm(text: str) -> str:
    text = strip_links(text).lower()
    return re.sub(r"[\W_]+", "", text)


def _bigrams(text: str) -> frozenset[str]:
    s = _norm(text)
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i:i + 2] for i in range(len(s) - 1))


def similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard similarity of two question texts (links, marks, spaces ignored)."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


# --- analysed lines -----------------------------------------------------------------------------


@dataclass
class _Ln:
    no: int
    text: str
    kind: str  # blank | heading | list | para
    indent: int = 0
    marker: str = ""  # num | bullet | "" (paragraph)
    num: int | None = None  # number of a numbered list marker
    label: str | None = None  # explicit label: "2.1", "一", "4" (a numbered marker's number)
    label_kind: str = ""  # digit | cn | boldnum | ""
    content: str = ""  # text without indentation and list marker
    body: str = ""  # content without label
    level: int = 0  # heading level

    @property
    def blank(self) -> bool:
        return self.kind == "blank"


def _indent_width(ws: str) -> int:
    return sum(4 if c == "\t" else 1 for c in ws)


def _analyse(line: Line) -> _Ln:
    text = line.text
    if not text.strip():
        return _Ln(line.no, text, "blank")
    m = _HEADING.match(text)
    if m:
        return _Ln(line.no, text, "heading", level=len(m.group(1)), content=m.group(2), body=m.group(2))
    m = _LIST.match(text)
    if m and m.group(4).strip():
        indent = _indent_width(m.group(1))
        content = m.group(4).rstrip()
        ln = _Ln(line.no, text, "list", indent=indent, content=content, body=content)
        if m.group(2) is not None:
            ln.marker, ln.num = "num", int(m.group(2))
            ln.label, ln.label_kind = m.group(2), "digit"
        else:
            ln.marker = "bullet"
            lm = _DIGIT_LABEL.match(content)
            if lm:
                ln.label, ln.label_kind, ln.body = lm.group(1), "digit", content[lm.end():]
            else:
                cm = _CN_LABEL.match(content)
                if cm:
                    ln.label, ln.label_kind, ln.body = cm.group(1), "cn", content[cm.end():]
        return ln
    stripped = text.strip()
    ln = _Ln(line.no, text, "para", indent=_indent_width(text[: len(text) - len(text.lstrip())]),
             content=stripped, body=stripped)
    bm = _BOLD_NUM_PARA.match(stripped)
    if bm:
        ln.label, ln.label_kind, ln.body = bm.group(1), "boldnum", bm.group(2)
        return ln
    dm = _DOTTED_LABEL.match(stripped)
    if dm:
        ln.label, ln.label_kind, ln.body = dm.group(1), "digit", stripped[dm.end():]
        return ln
    cm = _CN_LABEL.match(stripped)
    if cm and len(stripped) > cm.end():
        ln.label, ln.label_kind, ln.body = cm.group(1), "cn", stripped[cm.end():]
    return ln


@dataclass
class _Restate:
    """How a line at indentation 0 would read as a question restatement."""

    question: str  # the restated question as written (label and emphasis kept)
    rest: str  # text after the restated question on the same line (an inline answer)
    core: str  # question text used for similarity
    emphasis: str  # bold | italic | plain
    style: tuple


def _restatement(ln: _Ln) -> _Restate:
    content = ln.content
    prefix_len = len(content) - len(ln.body)
    body = ln.body
    if ln.label_kind == "boldnum":
        return _Restate(content, "", ln.body, "bold", (ln.kind, ln.marker, "boldnum", "bold"))
    emphasis, lead_end = "plain", len(body)
    m = _BOLD_LEAD.match(body)
    if m:
        emphasis, lead_end = "bold", m.end()
    else:
        m = _ITALIC_LEAD.match(body)
        if m:
            emphasis, lead_end = "italic", m.end()
    question = content[: prefix_len + lead_end].rstrip()
    rest = body[lead_end:].strip()
    rest = re.sub(r"^[：:]\s*", "", rest)
    core = m.group(1) if emphasis != "plain" else body
    return _Restate(question, rest, core, emphasis, (ln.kind, ln.marker, ln.label_kind, emphasis))


def _question_like(r: _Restate) -> bool:
    if r.emphasis == "plain":
        return bool(_QMARK.search(r.core))
    return not r.rest or bool(_QMARK.search(r.core))


# --- sections -----------------------------------------------------------------------------------


@dataclass
class _Listed:
    ln: _Ln
    item: RawItem | None  # None for a group title
    section: str
    used: bool = False


@dataclass
class _Section:
    name: str
    tags: list[str] = field(default_factory=list)
    listed: list[_Listed] = field(default_factory=list)


class ZhihuQaParser:
    name = "zhihu_qa"
    description = (
        "Zhihu-style Markdown: ##/### sections listing numbered or bulleted questions, then answers "
        "after A:/### 1-8 markers (bold, italic or numbered restatements matched by text or number); "
        "interview reports with numbered question/answer pairs"
    )

    def parse(self, lines: list[Line]) -> ParsedArticle:
        out = ParsedArticle()
        analysed = [_analyse(line) for line in lines]
        if not any(a.kind == "list" for a in analysed):
            raise ParseError("no question list found: zhihu_qa expects numbered or bulleted question lines")
        blocks = _split_blocks(analysed)
        seen: dict[tuple, _Ln] = {}
        h2, h3 = "", ""
        section: _Section | None = None
        for heading, body in blocks:
            if heading is not None:
                key = _block_key(heading, body)
                if key is not None and key in seen:
                    last = [a for a in body if not a.blank]
                    out.drops.append(Drop(heading.no, (last[-1] if last else heading).no, "duplicate-block",
                                          f"repeats the block under line {seen[key].no}"))
                    continue
                if key is not None:
                    seen[key] = heading
                out.drops.append(Drop(heading.no, heading.no, "navigation", "section heading"))
                title = strip_links(heading.content).strip()
                rng = _RANGE_HEADING.match(title)
                if rng and section is not None:
                    _parse_answers(body, section, out, (int(rng.group(1)), int(rng.group(2))))
                    continue
                if heading.level <= 2:
                    h2, h3 = title, ""
                else:
                    h3 = title
            name = _section_name(h2, h3)
            section = _Section(name, _interview_tags(h2, h3))
            _parse_section(body, section, out)
        out.items.sort(key=lambda i: i.line)
        out.prose.sort(key=lambda p: p.line)
        out.drops.sort(key=lambda d: d.start)
        return out


PARSER = ZhihuQaParser()


def _split_blocks(analysed: list[_Ln]) -> list[tuple[_Ln | None, list[_Ln]]]:
    blocks: list[tuple[_Ln | None, list[_Ln]]] = []
    heading: _Ln | None = None
    body: list[_Ln] = []
    for a in analysed:
        if a.kind == "heading":
            if heading is not None or any(not b.blank for b in body):
                blocks.append((heading, body))
            heading, body = a, []
        else:
            body.append(a)
    if heading is not None or any(not b.blank for b in body):
        blocks.append((heading, body))
    return blocks


def _block_key(heading: _Ln, body: list[_Ln]) -> tuple | None:
    texts = tuple(a.text.strip() for a in body if not a.blank)
    if not texts:
        return None
    return (strip_links(heading.content).strip(), texts)


def _section_name(h2: str, h3: str) -> str:
    if not h3:
        return h2
    if len(h3) <= _GENERIC_H3_MAX and h2 and h3 not in h2:
        return f"{h2} / {h3}"
    return h3


def _interview_tags(h2: str, h3: str) -> list[str]:
    for title in (h3, h2):
        m = _INTERVIEW.match(title or "")
        if m:
            return ["面经", f"公司-{m.group(1).strip()}"]
    return []


def _next_nonblank(body: list[_Ln], i: int) -> int | None:
    for j in range(i + 1, len(body)):
        if not body[j].blank:
            return j
    return None


def _parse_section(body: list[_Ln], section: _Section, out: ParsedArticle) -> None:
    """List phase (question lines) first, then an answer region if anything follows."""
    list_idx: list[int] = []
    answer_start: int | None = None
    i = 0
    while i < len(body):
        a = body[i]
        if a.blank:
            i += 1
            continue
        if _MARKER.match(a.text):
            out.drops.append(Drop(a.no, a.no, "navigation", "answer marker"))
            answer_start = i + 1
            break
        if a.kind == "list":
            if _PAYWALL.match(a.body.strip()):
                out.drops.append(Drop(a.no, a.no, "paywall", "answer link"))
                i += 1
                continue
            j = _next_nonblank(body, i)
            nxt = body[j] if j is not None else None
            if nxt is not None and nxt.kind == "para" and not _MARKER.match(nxt.text) \
                    and not _PAYWALL.match(nxt.content):
                answer_start = i  # a question directly followed by its answer: Q/A pairs start here
                break
            list_idx.append(i)
            i += 1
            continue
        answer_start = i  # prose after the list
        break
    _emit_list(body, list_idx, section, out)
    if answer_start is not None:
        _parse_answers(body[answer_start:], section, out, None)


def _is_child(ln: _Ln, parent: _Ln) -> bool:
    """Structural nesting: deeper indent, a label extending the parent's, or a switch of marker."""
    if ln.indent > parent.indent:
        return True
    pnum, cnum = _label_number(parent.label), _label_number(ln.label)
    if pnum and cnum and ln.label_kind == "digit" and cnum.startswith(pnum + "."):
        return True
    if ln.indent == parent.indent and ln.marker != parent.marker:
        # "- 一、baichuan-7B篇" then "1. …"; "1. 理论篇" then "- 1.1 …"
        if ln.marker == "num" and ln.num == 1 and parent.label_kind in ("", "cn"):
            return True
        if parent.marker == "num" and cnum and pnum and cnum.startswith(pnum + "."):
            return True
        if parent.marker == "num" and ln.marker == "bullet" and ln.label_kind == "digit" and "." in (cnum or ""):
            return True
    return False


def _is_group_title(body: list[_Ln], idx: list[int], k: int) -> bool:
    a = body[idx[k]]
    text = strip_links(a.body).strip()
    if _QMARK.search(text):
        return False
    if _GROUP_SUFFIX.search(text):
        return True
    if k + 1 < len(idx) and _is_child(body[idx[k + 1]], a):
        return True
    # an unlabelled bullet set off by a blank line from the list lines under it ("- 填坑笔记")
    if a.marker == "bullet" and not a.label and k + 1 < len(idx):
        nxt = idx[k + 1]
        if nxt > idx[k] + 1 and all(b.blank for b in body[idx[k] + 1:nxt]):
            return True
    return False


def _emit_list(body: list[_Ln], idx: list[int], section: _Section, out: ParsedArticle) -> None:
    # labels of nested numbered lists: "1." > "\t1." becomes "1.1"
    stack: list[_Ln] = []
    for i in idx:
        a = body[i]
        while stack and stack[-1].indent >= a.indent:
            stack.pop()
        if a.marker == "num" and stack and stack[-1].marker == "num" and stack[-1].label:
            a.label = f"{stack[-1].label}.{a.num}"
        stack.append(a)
    group: _Ln | None = None
    group_title = ""
    flat = False
    for k, i in enumerate(idx):
        a = body[i]
        if group is not None and not (flat or _is_child(a, group)):
            group = None
        if _is_group_title(body, idx, k):
            out.drops.append(Drop(a.no, a.no, "navigation", "group title in question list"))
            group, group_title = a, _group_text(a)
            flat = k + 1 < len(idx) and not _is_child(body[idx[k + 1]], a)
            section.listed.append(_Listed(a, None, _join(section.name, group_title)))
            continue
        sec = _join(section.name, group_title) if group is not None else section.name
        item = RawItem(question=a.content.strip(), answer="", line=a.no, end_line=a.no, section=sec,
                       tags=list(section.tags))
        out.items.append(item)
        section.listed.append(_Listed(a, item, sec))


def _group_text(a: _Ln) -> str:
    return strip_links(a.body).strip()


def _join(section: str, group: str) -> str:
    return f"{section} / {group}" if section and group else (section or group)


# --- answer regions -----------------------------------------------------------------------------


@dataclass
class _Open:
    """An accepted question line in an answer region."""

    index: int  # index into the region's lines
    ln: _Ln
    question: str
    rest: str
    section: str
    listed: _Listed | None
    bare: bool = False  # a bare numbered answer: `question` is the listed question's text


def _parse_answers(region: list[_Ln], section: _Section, out: ParsedArticle,
                   rng: tuple[int, int] | None) -> None:
    listed = section.listed
    has_list = any(entry.item is not None for entry in listed)
    opens: list[_Open] = []
    separators: list[int] = []  # answer markers: they close the current block
    style: tuple | None = None
    bare_style = False
    last_num = 0
    for i, a in enumerate(region):
        if a.blank:
            continue
        if _MARKER.match(a.text):
            out.drops.append(Drop(a.no, a.no, "navigation", "answer marker"))
            separators.append(i)
            continue
        if a.indent > 0 or a.kind not in ("list", "para") or _PLACEHOLDER.match(a.text):
            continue
        if a.kind == "list" and _PAYWALL.match(a.body.strip()):
            out.drops.append(Drop(a.no, a.no, "paywall", "answer link"))
            separators.append(i)
            continue
        r = _restatement(a)
        hit: _Listed | None = None
        accepted = False
        bare = False
        if has_list:
            if rng is not None and a.label_kind in ("digit", "boldnum") and a.label and a.label.isdigit() \
                    and rng[0] <= int(a.label) <= rng[1] and r.emphasis != "plain":
                hit = _by_label(listed, a.label, a.label_kind, r.core, 0.0)
                accepted = hit is not None
            if not accepted:
                hit, sim = _best(listed, r.core)
                # "- **安装 LangChain**：首先…" is a sub-point, not a restatement, unless nearly identical
                accepted = hit is not None and sim >= (_SIM_HIGH if _question_like(r) else _SIM_SAME)
            if not accepted and a.label:
                hit = _by_label(listed, a.label, a.label_kind, r.core, _SIM_LOW)
                # a restated group title ("4.1 前缀微调（Prefix-tuning）") need not read like a question
                accepted = hit is not None and (_question_like(r) or hit.item is None)
            if not accepted and a.marker == "num" and r.emphasis == "plain" \
                    and (not _QMARK.search(r.core) or _PLACEHOLDER.match(r.core)) and (style is None or bare_style):
                hit = _by_label(listed, a.label, a.label_kind, r.core, 0.0)
                if hit is not None and hit.item is not None:
                    accepted = bare = True
            if not accepted and style is not None and not bare_style and r.style == style \
                    and _question_like(r):
                hit, accepted = None, True
        elif a.marker == "num" and a.num == last_num + 1 and (r.emphasis == "plain" or _question_like(r)):
            accepted = True  # "4. **参数高效微调**：…" inside an answer is a sub-point, not question 4
        if not accepted:
            continue
        if style is None:
            style, bare_style = r.style, bare
        if a.marker == "num" and a.num is not None:
            last_num = a.num
        if hit is not None:
            hit.used = True
        if bare:
            opens.append(_Open(i, a, hit.item.question, _bare_answer(a), hit.section, hit, bare=True))
        else:
            # A short label restating a listed question ("2.6 **Chat Message History**") is that question.
            question = r.question
            if hit is not None and hit.item is not None and not _question_like(r):
                question = hit.item.question
            opens.append(_Open(i, a, question, r.rest, hit.section if hit else section.name, hit))

    # each question's block runs to the next question or answer marker; text after a marker that
    # no question claims (and text before the first question) is kept as prose
    bounds = sorted([(op.index, op) for op in opens] + [(sep, None) for sep in separators],
                    key=lambda t: t[0])
    _emit_stray(region, 0, bounds[0][0] if bounds else len(region), section, out)
    for k, (start, op) in enumerate(bounds):
        stop = bounds[k + 1][0] if k + 1 < len(bounds) else len(region)
        if op is None:
            _emit_stray(region, start + 1, stop, section, out)
        else:
            _emit_answer(region, op, stop, section, out)


def _best(listed: list[_Listed], core: str) -> tuple[_Listed | None, float]:
    """The most similar listed line; among near ties, one not answered yet."""
    scored = [(similarity(core, e.ln.body), e) for e in listed]
    if not scored:
        return None, 0.0
    top = max(sim for sim, _ in scored)
    near = sorted((t for t in scored if t[0] >= top - 0.05), key=lambda t: (t[1].used, -t[0]))
    return near[0][1], near[0][0]


def _by_label(listed: list[_Listed], label: str | None, kind: str, core: str, min_sim: float) -> _Listed | None:
    if not label:
        return None
    kinds = {"digit", "boldnum"} if kind in ("digit", "boldnum") else {kind}
    cands = [e for e in listed if e.ln.label == label and e.ln.label_kind in kinds]
    cands = [e for e in cands if similarity(core, e.ln.body) >= min_sim]
    if not cands:
        return None
    cands.sort(key=lambda e: (e.used, -similarity(core, e.ln.body)))
    return cands[0]


def _bare_answer(a: _Ln) -> str:
    return a.body.strip()


def _emit_answer(region: list[_Ln], op: _Open, stop: int, section: _Section, out: ParsedArticle) -> None:
    block = region[op.index + 1:stop]
    content = [b for b in block if not b.blank]
    placeholders = [b for b in content if _PLACEHOLDER.match(b.text)]
    rest = op.rest
    if rest and _PLACEHOLDER.match(rest):
        rest = ""
    if op.bare and _PLACEHOLDER.match(op.ln.body):
        # "2. ？？": a numbered placeholder answers nothing
        out.drops.append(Drop(op.ln.no, op.ln.no, "placeholder", "no answer given"))
        _emit_stray(region, op.index + 1, stop, section, out)
        return
    real = [b for b in content if not _PLACEHOLDER.match(b.text)]
    if not real:
        for b in placeholders:
            out.drops.append(Drop(b.no, b.no, "placeholder", "no answer given"))
        answer = rest
        end = op.ln.no
    else:
        last = real[-1]
        upto = [b for b in block if b.no <= last.no]
        cont = _dedent_nested(upto)
        answer = f"{rest}\n{cont}" if rest else cont
        end = last.no
        for b in placeholders:
            if b.no > last.no:
                out.drops.append(Drop(b.no, b.no, "placeholder", "no answer given"))
    if op.listed is not None and op.listed.item is None and not answer.strip():
        out.drops.append(Drop(op.ln.no, end, "navigation", "group title restated in answers"))
        return
    out.items.append(RawItem(question=op.question, answer=answer.strip("\n"), line=op.ln.no, end_line=end,
                             section=op.section, tags=list(section.tags)))


def _dedent_nested(lines: list[_Ln]) -> str:
    """Lines nested under a list-item question lose their common indent; the rest stays as written."""
    k = next((i for i, b in enumerate(lines) if not b.blank and b.indent == 0), len(lines))
    head = textwrap.dedent("\n".join(b.text.rstrip() for b in lines[:k]))
    tail = "\n".join(b.text.rstrip() for b in lines[k:])
    return "\n".join(part for part in (head, tail) if part).strip("\n")


def _emit_stray(region: list[_Ln], start: int, stop: int, section: _Section, out: ParsedArticle) -> None:
    chunk = [b for b in region[start:stop] if not b.blank]
    if not chunk:
        return
    if all(_PLACEHOLDER.match(b.text) for b in chunk):
        for b in chunk:
            out.drops.append(Drop(b.no, b.no, "placeholder", "no answer given"))
        return
    text = textwrap.dedent("\n".join(b.text.rstrip() for b in region[start:stop])).strip("\n")
    out.prose.append(Prose(title=section.name, text=text, line=chunk[0].no, end_line=chunk[-1].no,
                           section=section.name))
