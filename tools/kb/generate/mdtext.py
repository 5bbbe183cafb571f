"""Small Markdown text helpers: find the parts a rewrite must not touch, demote headings, escape.

Rewrites (``q:`` links, math, glossary terms) only ever see *free* text: fenced code, inline code,
links, raw HTML (rendered math included) and bold-only lines (demoted headings) are passed through.
"""

from __future__ import annotations

import re
from collections.abc import Callable

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INLINE_CODE_RE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
ATX_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
SETEXT_RE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
HTML_HEADING_RE = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.DOTALL | re.IGNORECASE)

# Inline constructs that rewrites leave alone (besides code): rendered math, links/images (with an
# optional attr_list), autolinks, bare URLs, HTML tags, bold-only lines.
PROTECT_RE = re.compile(
    r"<span class=\"kb-math[^\"]*\">.*?</span>"
    r"|!?\[(?:[^\[\]]|\[[^\]]*\])*\]\([^)\s]*(?:\s+\"[^\"]*\")?\)(?:\{[^}\n]*\})?"
    r"|<https?://[^>]+>|https?://[^\s<>()\]]+"
    r"|</?[A-Za-z][^<>]*>"
    r"|^[ \t]*\*\*[^\n]*\*\*[ \t]*$",
    re.DOTALL | re.MULTILINE,
)


def split_code(text: str) -> list[tuple[bool, str]]:
    """Split into (is_code, chunk): fenced blocks and inline code spans are code. Lossless."""
    blocks: list[tuple[bool, str]] = []
    buf: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        m = FENCE_RE.match(line)
        if fence is None:
            if m:
                if buf:
                    blocks.append((False, "".join(buf)))
                buf, fence = [line], m.group(1)
            else:
                buf.append(line)
            continue
        buf.append(line)
        if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip().strip(fence[0]):
            blocks.append((True, "".join(buf)))
            buf, fence = [], None
    if buf:
        blocks.append((fence is not None, "".join(buf)))  # an unclosed fence stays code
    result: list[tuple[bool, str]] = []
    for is_code, chunk in blocks:
        if is_code:
            result.append((True, chunk))
            continue
        pos = 0
        for m in INLINE_CODE_RE.finditer(chunk):
            result.append((False, chunk[pos:m.start()]))
            result.append((True, m.group(0)))
            pos = m.end()
        result.append((False, chunk[pos:]))
    return [(c, s) for c, s in result if s]


def map_free(text: str, fn: Callable[[str], str], *, protect: bool = True) -> str:
    """Apply ``fn`` to the text outside code (and, if ``protect``, outside links/HTML/math)."""
    parts = []
    for is_code, chunk in split_code(text):
        if is_code:
            parts.append(chunk)
        elif not protect:
            parts.append(fn(chunk))
        else:
            pos = 0
            for m in PROTECT_RE.finditer(chunk):
                parts.append(fn(chunk[pos:m.start()]))
                parts.append(m.group(0))
                pos = m.end()
            parts.append(fn(chunk[pos:]))
    return "".join(parts)


def demote_headings(text: str) -> str:
    """Turn headings inside answer text into bold lines: a heading would become its own search
    result and break the one-question-one-anchor structure."""
    out: list[str] = []
    for is_code, chunk in split_code(text):
        if is_code:
            out.append(chunk)
            continue
        chunk = HTML_HEADING_RE.sub(lambda m: f"<p><strong>{m.group(2).strip()}</strong></p>", chunk)
        lines: list[str] = []
        for line in chunk.split("\n"):
            m = ATX_RE.match(line)
            if m:
                inner = (m.group(1) or "").strip()
                lines.append(f"**{inner}**" if inner else "")
            elif SETEXT_RE.match(line) and lines and lines[-1].strip() and not _is_structural(lines[-1]):
                lines[-1] = f"**{lines[-1].strip()}**"
            else:
                lines.append(line)
        out.append("\n".join(lines))
    return "".join(out)


def _is_structural(line: str) -> bool:
    """Lines after which a dash line is not a setext underline we should bold (lists, tables)."""
    s = line.strip()
    return s.startswith(("|", "- ", "* ", "+ ", ">")) or bool(re.match(r"\d+[.)]\s", s)) or s.startswith("**")


_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>#|{}])")


def escape_inline(text: str) -> str:
    """Escape text (a question, alias, title) for use in inline Markdown."""
    text = text.replace("&", "&amp;")
    entities = {"<": "&lt;", ">": "&gt;"}
    text = _ESCAPE_RE.sub(lambda m: entities.get(m.group(1), "\\" + m.group(1)), text)
    return " ".join(text.split())


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))
