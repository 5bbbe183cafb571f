"""Repairs run on imported text right before it is written, so an import leaves the site buildable.

Each repair is safe (the reader loses no content): anchors and `{#id}` attributes of the original page
are removed, links to its table of contents (`#…`) or to files that are not on the site become their
text, tracking parameters and link titles are dropped, Markdown escapes the site does not need are
resolved, and a formula the math renderer rejects is shown as code instead of failing the build.
Whatever cannot be repaired is left for the importer's pre-write check, which refuses the import.
"""

from __future__ import annotations

import functools
import re
import urllib.parse

from ..tex import MATH_RE
from . import steps
from .steps import CJK_RE, rules

ANCHOR_TAG_RE = re.compile(r"<a\s[^>]*\b(?:id|name)\s*=\s*[\"'][^\"']*[\"'][^>]*>\s*</a>|<a\s[^>]*\b(?:id|name)\s*="
                           r"\s*[\"'][^\"']*[\"'][^>]*/>", re.I)
ATTR_RE = re.compile(r"[ \t]*\{\s*#[\w\-.:]+[^}\n]*\}[ \t]*$", re.M)
LINK_RE = re.compile(r"(?<!!)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?"
                     r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
PROTECTED_RE = re.compile(r"(?ms)^[ \t]*(```|~~~).*?^[ \t]*\1[ \t]*$|`[^`\n]*`")
ESCAPE_RE = re.compile(r"\\([>&_#*~|<\[\]()!+.\-])")


def _outside_code(text: str, fn) -> str:
    out, pos = [], 0
    for m in PROTECTED_RE.finditer(text):
        out.append(fn(text[pos:m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(fn(text[pos:]))
    return "".join(out)


@functools.lru_cache(maxsize=1)
def _tracking_params() -> tuple[re.Pattern, ...]:
    """Compiled once per process: every link of every imported answer passes through _untrack."""
    return tuple(re.compile(rf"^(?:{p})$", re.I) for p in rules("links").get("tracking_params", []))


def _untrack(url: str) -> str:
    params = _tracking_params()
    parts = urllib.parse.urlsplit(url)
    if not parts.query:
        return url
    kept = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
            if not any(p.match(k) for p in params)]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(kept, safe=":/")))


def _on_site(url: str) -> bool:
    return any(re.match(s, url) for s in rules("links").get("site_link_schemes", []))


def _links(text: str, fixes: list[str]) -> str:
    def link(m: re.Match) -> str:
        label, url = m.group(1), m.group(2)
        if not _on_site(url):
            fixes.append(f"link to '{url[:40]}' (not on the site) → its text")
            return label
        clean = _untrack(url)
        if clean != url or m.group(0) != f"[{label}]({url})":
            fixes.append(f"tracking parameters/title removed from '{url[:40]}'")
        return f"[{label}]({clean})"

    def image(m: re.Match) -> str:
        alt, url = m.group(1), m.group(2)
        if re.match(r"https?://", url):
            return f"![{alt}]({_untrack(url)})"
        fixes.append(f"image '{url[:40]}' not on the site → its description")
        return alt
    return LINK_RE.sub(link, IMAGE_RE.sub(image, text))


def _math(text: str, fixes: list[str]) -> str:
    from ..generate.math import MathError, check_tex, tex_to_mathml

    def one(m: re.Match) -> str:
        tex = m.group(1) if m.group(1) is not None else m.group(2)
        try:
            check_tex(tex)
            tex_to_mathml(tex, m.group(1) is not None)
        except (MathError, Exception):  # latex2mathml raises its own types
            fixes.append(f"formula the renderer rejects shown as code: '{tex[:30]}'")
            if m.group(1) is not None:  # display math: a code block keeps its lines
                return "\n```tex\n" + m.group(0).strip() + "\n```\n"
            return "`" + m.group(0).replace("`", "'") + "`"
        return m.group(0)
    return MATH_RE.sub(one, text)


def repair(text: str, kind: str = "answer") -> tuple[str, list[str]]:
    """Repair `text` (kind: answer | question); returns the text and what was repaired."""
    fixes: list[str] = []

    def prose(part: str) -> str:
        before = part
        part = re.sub(r"[ \t]*(?:" + ANCHOR_TAG_RE.pattern + ")", "", part, flags=re.I)
        part = ATTR_RE.sub("", part)
        if part != before:
            fixes.append("page anchors removed")
        part = _links(part, fixes)
        unescaped = ESCAPE_RE.sub(r"\1", part) if kind == "question" else \
            re.sub(r"(?<=\w)\\_(?=\w)|\\([&>])(?!\s*$)", lambda m: m.group(1) or "_", part)
        if unescaped != part:
            fixes.append("Markdown escapes resolved")
        return unescaped

    text = _outside_code(text, prose)
    if kind == "answer":
        text = _outside_code(text, lambda part: _math(part, fixes))
        if fixes:  # an unwrapped link may leave "见 我的": join Chinese words as the clean chain does
            text = steps.outside_protected(text, steps.join_cjk_spaces)
            text = _outside_code(text, lambda part: re.sub(r"\n{3,}", "\n\n", part)).strip("\n")
    return text.strip() if kind == "question" else text, fixes


def _tex_to_text(tex: str) -> str:
    table = rules("question_shape").get("tex", {})
    for cmd in sorted(table, key=len, reverse=True):
        tex = re.sub(re.escape(cmd) + r"(?![A-Za-z])", lambda _m, r=table[cmd]: r, tex)
    tex = re.sub(r"\\([A-Za-z]+)", r"\1", tex)
    tex = re.sub(r"\{([^{}]*)\}\{([^{}]*)\}", r"\1/\2", tex)  # what \frac left: {a}{b} -> a/b
    tex = re.sub(r"([_^])\{([^{}]*)\}", r"\1\2", tex)
    return re.sub(r"[{}]", "", tex)


def shape_question(question: str, shape: re.Pattern, fallback: bool = True) -> str:
    """The canonical question of a new note, shaped to pass the checks: no TeX, a request word the checks
    know, and ？ at the end when the words ask a question. Unchanged when it cannot be shaped."""
    cfg = rules("question_shape")
    q = re.sub(r"\$+([^$]+)\$+", lambda m: _tex_to_text(m.group(1)), question)
    for pattern, replacement in cfg.get("rewrites", []):
        q = re.sub(pattern, replacement, q, count=1)
    q = q.strip()
    if not shape.search(q) and q and cfg.get("latin_suffix") and not CJK_RE.search(q):
        q = q.rstrip("。.!！：:") + cfg["latin_suffix"]
    elif not shape.search(q) and any(w in q for w in cfg.get("asks", [])):
        q = q.rstrip("。.!！") + "？"
    elif fallback and not shape.search(q) and q and cfg.get("fallback_suffix"):
        q = q.rstrip("。.!！：:") + cfg["fallback_suffix"]
    return q
