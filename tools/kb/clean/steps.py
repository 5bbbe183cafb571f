"""Cleaning as a chain of small pure steps: ``str -> str``, no I/O, patterns from rules/*.yml.

Steps that touch prose never change fenced code, inline code, math or URLs (``outside_protected``);
LaTeX repair works only inside math. ``residue`` reports leftovers of the same rules so the checker
can refuse notes that still carry noise.
"""

from __future__ import annotations

import re
import urllib.parse
from functools import lru_cache
from typing import Callable

import yaml

from ..paths import RULES_DIR

Step = Callable[[str], str]

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")

# Regions no prose step may touch. Order matters: fences first, then display math, inline code,
# inline math, link targets and bare URLs.
_PROTECTED = re.compile(
    r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$"  # fenced code
    r"|\$\$.+?\$\$"  # display math
    r"|`[^`\n]+`"  # inline code
    r"|(?<![\\$A-Za-z0-9_])\$(?!\s)[^$\n]+?(?<!\s)\$(?![A-Za-z0-9_$])"  # inline math (ASCII \w: "中$x$" is math)
    r"|\]\([^)\s]*\)"  # link target
    r"|<https?://[^>]+>|https?://[^\s)\]>，。]+"  # URLs
)
_MATH = re.compile(r"(?s)\$\$.+?\$\$|(?<![\\$A-Za-z0-9_])\$(?!\s)[^$\n]+?(?<!\s)\$(?![A-Za-z0-9_$])")


@lru_cache(maxsize=None)
def rules(name: str) -> dict:
    return yaml.safe_load((RULES_DIR / f"{name}.yml").read_text(encoding="utf-8")) or {}


def outside_protected(text: str, fn: Step) -> str:
    """Apply ``fn`` to the parts of ``text`` that are not code, math or URLs."""
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out.append(fn(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


# --- character level -------------------------------------------------------------------------

def replace_lookalikes(text: str) -> str:
    table = {ord(k): v for k, v in (rules("lookalikes").get("map") or {}).items()}
    return text.translate(table)


def fullwidth_ascii(text: str) -> str:
    """Full-width Latin letters and digits (ＡＢＣ１２３) become ASCII; CJK punctuation stays."""
    def conv(ch: str) -> str:
        o = ord(ch)
        if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
            return chr(o - 0xFEE0)
        return ch
    return "".join(conv(c) for c in text)


_SPACE_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#xa0|#8194|#8195);", re.I)
_CHAR_ENTITY = re.compile(r"&lt;(?![A-Za-z/!?])|&gt;|&quot;|&#39;|&apos;|&amp;(?!#?\w+;)", re.I)
_CHAR_OF = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&apos;": "'", "&amp;": "&"}


def html_entities(text: str) -> str:
    """HTML entities copied from a web page (`batch&nbsp;size`, `n&lt;16`) become the characters they stand
    for, outside code, math and URLs. An entity stays when its character would change the Markdown: `&lt;`
    before a letter (it would open an HTML tag), `&gt;` at the start of a line (a quote), `&amp;` before
    another entity's name."""
    def fix(part: str) -> str:
        part = _SPACE_ENTITY.sub(" ", part)
        def char(m: re.Match) -> str:
            line_start = m.string[:m.start()].rsplit("\n", 1)[-1]
            if m.group(0).lower() == "&gt;" and not line_start.strip():
                return m.group(0)
            return _CHAR_OF[m.group(0).lower()]
        return _CHAR_ENTITY.sub(char, part)
    return outside_protected(text, fix)


# --- links -----------------------------------------------------------------------------------

_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_WIKI = re.compile(r"\[\[#?([^\]|]*?)(?:\|([^\]]*))?\]\]")


def unwrap_links(text: str) -> str:
    """Tracking links keep their text, redirects point at their target, paywall links vanish."""
    cfg = rules("links")
    text_only = [re.compile(p) for p in cfg.get("tracking_text_only", []) + cfg.get("drop_link_hosts", [])]
    paywall = set(cfg.get("paywall_text", []))

    def fix(m: re.Match) -> str:
        label, url = m.group(1), m.group(2)
        if label.strip() in paywall:
            return ""
        if any(p.search(url) for p in text_only):
            return label
        for r in cfg.get("redirect_params", []):
            parsed = urllib.parse.urlparse(url)
            if parsed.netloc == r["host"]:
                target = urllib.parse.parse_qs(parsed.query).get(r["param"])
                if target:
                    url = target[0]
                    if any(p.search(url) for p in text_only):
                        return label
        if label in {"src", "link"} or not label.strip():
            return url
        return f"[{label}]({url})"

    return _MD_LINK.sub(fix, text)


def wiki_links(text: str) -> str:
    """Obsidian-style ``[[#Heading#Sub|Label]]`` becomes its label (the last heading part if none)."""
    def fix(m: re.Match) -> str:
        if m.group(2):
            return m.group(2).strip()
        return m.group(1).split("#")[-1].strip()
    return _WIKI.sub(fix, text)


# --- OCR and LaTeX ---------------------------------------------------------------------------

def ocr_fixes(text: str) -> str:
    for fix in rules("ocr_fixes").get("fixes", []):
        text = re.sub(fix["pattern"], fix["replace"], text, flags=re.M)
    return text


def join_cjk_spaces(text: str) -> str:
    """OCR puts spaces inside Chinese words (``公 式``); Chinese never separates characters by spaces."""
    text = re.sub(f"(?<=[{CJK}]) +(?=[{CJK}，。、：；？！）])", "", text)
    return re.sub(f"(?<=[，。、：；？！（]) +(?=[{CJK}])", "", text)


def repair_latex(text: str) -> str:
    def fix(m: re.Match) -> str:
        s = m.group(0)
        for r in rules("latex").get("repairs", []):
            s = re.sub(r["pattern"], r["replace"], s)
        return s
    # A broken \right leaves the closing "ight)...$$" on the next line: repair display math first.
    return _MATH.sub(fix, text)


# --- typography ------------------------------------------------------------------------------

def cjk_punctuation(text: str) -> str:
    cfg = rules("punctuation")
    marks = cfg.get("after_cjk", {})
    cls = "".join(re.escape(k) for k in marks)

    def prose(s: str) -> str:
        if cfg.get("parens_around_cjk"):  # first, so that "(中文):" becomes "（中文）：" in one pass
            n = 1
            while n:  # innermost first: "((中))" → "（（中））"
                s, n = re.subn(f"\\( *([^()\\n]*?[{CJK}][^()\\n]*?) *\\)", r"（\1）", s)
        s = re.sub(f"(?<=[{CJK}）】”])([{cls}])(?=\\s|$|[^\\w/]|[{CJK}A-Za-z0-9])",
                   lambda m: marks[m.group(1)], s, flags=re.M)
        before = cfg.get("before_cjk", {})
        if before:
            bcls = "".join(re.escape(k) for k in before)
            s = re.sub(f"([{bcls}])(?=[{CJK}])", lambda m: before[m.group(1)], s)
        s = re.sub(f"([，。、：；？！]) +(?=[{CJK}])", r"\1", s)  # full-width marks carry their own space
        s = re.sub(f"(?<=[{CJK}]) +(?=[，。、：；？！])", "", s)  # "中 :中" → "中：中", as join_cjk_spaces does
        return s
    return outside_protected(text, prose)


def cjk_latin_spacing(text: str) -> str:
    """中文与英文、数字之间加空格 (the project's style rule), outside code, math and URLs."""
    def prose(s: str) -> str:
        s = re.sub(f"([{CJK}])([A-Za-z0-9`$\\[(])", r"\1 \2", s)
        s = re.sub(f"([A-Za-z0-9`$\\])%])([{CJK}])", r"\1 \2", s)
        # keep Markdown link/emphasis syntax tight: "[ text]" never appears, but "** 粗" may
        return s
    # Inline code and inline math adjacent to CJK also get a space around them. Use the spans that
    # _PROTECTED found (a second regex would pair a stray backtick with the next span's one).
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        span = m.group(0)
        inline = span[0] in "`$" and not span.startswith(("```", "$$"))
        before = prose(text[pos:m.start()])
        if inline and before and CJK_RE.match(before[-1]):
            before += " "
        out += [before, span]
        pos = m.end()
        if inline and CJK_RE.match(text[pos:pos + 1]):
            out.append(" ")
    out.append(prose(text[pos:]))
    return "".join(out)


# --- structure -------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\[[ xX]\]\s*)?"
    r"(?:\d+(?:\.\d+)*\s+(?=[^\s种个张块条位层次倍步类维卡台项点篇轮句字亿万千百])"  # "4.1.1 问题"; not "3 种方法"
    r"|(?:\d+(?:\.\d+)*|[a-zA-Z]\+?)\s*(?:[.．](?!\d)|[、)）:：])\s*"  # "1. " "a." but not "2.5D"
    r"|[一二三四五六七八九十]+\s*[、.．)）:：]\s*"  # "一、3D 并行"
    r"|（\d+）|\(\d+\))"
)


def strip_question_numbering(text: str) -> str:
    """``1. 问题`` / ``a.问题`` / ``一、问题`` / ``- [x] 3. 问题`` → ``问题`` (questions only)."""
    t = text.strip()
    t = re.sub(r"^#+\s*", "", t)
    t = strip_emphasis_wrapper(t)
    stripped = _NUMBERING.sub("", t, count=1)
    # "I.Bert" is an OCR'd "l." enumeration; do not strip a bare English word like "LoRA."
    return stripped.strip() if stripped.strip() else t


def strip_emphasis_wrapper(text: str) -> str:
    """A question written as ``**…？**`` or ``*…？*`` loses the wrapper."""
    t = text.strip()
    m = re.fullmatch(r"(\*{1,2}|_{1,2})(.+?)\1[:：]?", t)
    if m and m.group(1) not in m.group(2):  # "**A** 和 **B**" is not one wrapper
        return m.group(2).strip()
    # "**Term** 是什么？" keeps its words; an unbalanced leading "**" is dropped.
    t = re.sub(r"^\*\*([^*]+)\*\*", r"\1", t)
    return re.sub(r"^\*+(?=\S)", "", t).strip()


_CODE_LINE = re.compile(
    r"^\s*(import |from \S+ import |class \w+.*:|def \w+\(|@\w+|#\s|\w+(\.\w+)*\s*=\s*\S|"
    r"\w+(\.\w+)*\(.*\)\s*(#.*)?$|return\b|for \w+ in |if .*:|print\()"
)


def _looks_like_code(line: str) -> bool:
    if CJK_RE.search(re.sub(r"#.*$", "", line)):
        return False
    return bool(_CODE_LINE.match(line.replace("\\_", "_")))


def _reflow_python(flat: str) -> list[str]:
    """Best-effort re-flow of a statement run flattened onto one line."""
    s = flat.replace("\\_", "_").replace("\\[", "[").replace("\\]", "]").replace("\\*", "*")
    s = re.sub(r"\s+(?=(class |def |return |for |if |elif |else:|self\.\w+(\.\w+)*\s*=|"
               r"super\(|\w+\s*=\s*(?!=)|x = |out = |# ))", "\n", s)
    lines, indent, out = s.split("\n"), 0, []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("class "):
            indent = 0
        elif line.startswith("def "):
            indent = 4 if any(o.startswith("class ") for o in out) else 0
        elif line.startswith(("elif ", "else:")):
            indent = max(indent - 4, 0)
        out.append(" " * indent + line)
        if line.endswith(":"):
            indent += 4
        elif line.startswith("return"):
            indent = max(indent - 4, 0)
    return out


def fence_flattened_code(text: str) -> str:
    """Runs of code-looking lines outside fences get a ```python fence; lines that hold several
    statements flattened together (``class X: def f(self): ...``) are re-flowed."""
    lines = text.split("\n")
    out: list[str] = []
    i, in_fence = 0, False
    while i < len(lines):
        line = lines[i]
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
            out.append(line)
            i += 1
            continue
        if in_fence or not _looks_like_code(line):
            out.append(line)
            i += 1
            continue
        j = i
        while j < len(lines) and (_looks_like_code(lines[j]) or not lines[j].strip()) and \
                not lines[j].strip().startswith("```"):
            j += 1
        while j > i and not lines[j - 1].strip():
            j -= 1
        block = lines[i:j]
        if len(block) >= 2 or len(block[0]) > 120:
            body = []
            for b in block:
                body.extend(_reflow_python(b) if len(b) > 100 else [b.replace("\\_", "_")
                            .replace("\\[", "[").replace("\\]", "]").rstrip()])
            out.extend(["```python", *body, "```"])
        else:
            out.extend(block)
        i = j
    return "\n".join(out)


def tidy_whitespace(text: str) -> str:
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def single_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- residue ---------------------------------------------------------------------------------

def residue(text: str) -> list[tuple[str, str]]:
    """Noise the clean chain should have removed: (what, matched text). Used by kb check."""
    found: list[tuple[str, str]] = []
    checks = [
        ("tracking link", r"zhida\.zhihu\.com/search|link\.zhihu\.com/\?target="),
        ("paywall link", "|".join(re.escape(t) for t in rules("links").get("paywall_text", []))),
        ("wiki link", r"\[\[#?[^\]]+\]\]"),
        ("image file name", r"\b[0-9a-f]{32}\.(?:jpe?g|png|gif|webp)\b"),
        ("OCR space inside Chinese words", f"[{CJK}] +[{CJK}]"),
        ("escaped underscore outside code", r"\w\\_\w"),
    ]
    stripped = _PROTECTED.sub("§", text)  # a placeholder, so "根号 $x$ 吗" is no OCR space
    for what, pattern in checks:
        m = re.search(pattern, stripped if "OCR" in what or "escaped" in what else text)
        if m:
            found.append((what, m.group(0)))
    for rule_file, key in (("latex", "repairs"), ("ocr_fixes", "fixes")):
        for r in rules(rule_file).get(key, []):
            if r.get("residue"):
                m = re.search(r["pattern"], text)
                if m:
                    found.append((r["why"], m.group(0)))
    return found


_LIST_ITEM = re.compile(r"^\s*([-*+]|\d+[.)]|\(\d+\)|（\d+）)\s")
_TABLE_ROW = re.compile(r"^\s*\|")


def paragraph_breaks(text: str) -> str:
    """Scraped articles put one paragraph per line; Markdown needs a blank line between paragraphs
    and before a list, so consecutive prose lines would otherwise run together into one paragraph."""
    lines = [re.sub(r"^\t+", lambda m: "    " * len(m.group(0)), line) for line in text.split("\n")]
    out: list[str] = []
    in_fence = False
    for i, line in enumerate(lines):
        out.append(line)
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence or i + 1 >= len(lines):
            continue
        nxt = lines[i + 1]
        if not line.strip() or not nxt.strip() or nxt.strip().startswith(("```", "~~~")):
            continue
        if _LIST_ITEM.match(line) and (_LIST_ITEM.match(nxt) or nxt.startswith((" ", "\t"))):
            continue
        if line.startswith((" ", "\t")) and (_LIST_ITEM.match(nxt) or nxt.startswith((" ", "\t"))):
            continue
        if _TABLE_ROW.match(line) and _TABLE_ROW.match(nxt):
            continue
        if line.rstrip().endswith("$$") is False and line.strip().startswith("$$") and not line.strip().endswith("$$"):
            continue  # inside a multi-line display formula
        out.append("")
    return "\n".join(out)


def question_mark(text: str) -> str:
    """A Chinese question ends with the full-width ？ even when the source typed '?'."""
    t = text.rstrip()
    if CJK_RE.search(t) and t.endswith(("?", "？")):
        return t[:-1].rstrip() + "？"
    return t
