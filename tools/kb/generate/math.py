"""TeX formulas in answers → MathML at build time (latex2mathml), so nothing is fetched at view time.

Formulas are found by ``kb.tex`` (``$$...$$`` display, ``$...$`` inline, pandoc's rule); code spans and
blocks are untouched.

latex2mathml accepts almost anything silently (an unknown ``\\foo`` becomes the text "\\foo", a
missing brace drops an argument), so each formula is checked first: balanced braces, matched
``\\left``/``\\right`` and ``\\begin``/``\\end``, and no backslash command left in the output. A formula
failing the check is reported as a *warning* naming the note (so ``mkdocs build --strict`` fails)
and shown as its TeX source in a code span, never as half-rendered MathML.
"""

from __future__ import annotations

import re

from latex2mathml.converter import convert

from ..tex import DISPLAY_RE, INLINE_RE  # noqa: F401  (re-exported for the editions)
from .mdtext import map_free

TEXT_NODE_RE = re.compile(r">([^<]+)<")
# Characters that Markdown's inline processors would act on inside the emitted HTML.
_MD_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_[]{}~^|!#+-="}


class MathError(ValueError):
    pass


def check_tex(tex: str) -> None:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.DOTALL):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                raise MathError("unbalanced '}'")
    if depth:
        raise MathError("unbalanced '{'")
    if len(re.findall(r"\\left(?![a-zA-Z])", tex)) != len(re.findall(r"\\right(?![a-zA-Z])", tex)):
        raise MathError("\\left without matching \\right")
    if sorted(re.findall(r"\\begin\{(\w+\*?)\}", tex)) != sorted(re.findall(r"\\end\{(\w+\*?)\}", tex)):
        raise MathError("\\begin/\\end environments do not match")


# Formulas converted by the previous build and by this one. A build only reuses the previous
# build's results (so `mkdocs serve` converts only new formulas, while a cold build's cost does not
# depend on how often a formula repeats); ``next_build`` rotates the two.
_previous: dict[tuple[str, bool], str | MathError] = {}
_current: dict[tuple[str, bool], str | MathError] = {}


def next_build() -> None:
    global _previous, _current
    _previous, _current = _current, {}


def tex_to_mathml(tex: str, display: bool) -> str:
    """MathML for one formula; raises MathError when the formula cannot be rendered faithfully."""
    key = (tex, display)
    result = _previous.get(key)
    if result is None:
        try:
            result = _tex_to_mathml(tex, display)
        except MathError as exc:
            result = exc
    _current[key] = result
    if isinstance(result, MathError):
        raise MathError(str(result))
    return result


def _tex_to_mathml(tex: str, display: bool) -> str:
    tex = tex.strip()
    check_tex(tex)
    try:
        html = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises assorted exceptions on bad input
        raise MathError(f"{type(exc).__name__}: {exc}") from None
    for text in TEXT_NODE_RE.findall(html):
        cmd = re.search(r"\\[A-Za-z]+", text)
        if cmd:
            raise MathError(f"unknown command {cmd.group(0)}")
    return TEXT_NODE_RE.sub(lambda m: ">" + _protect_text(m.group(1)) + "<", html)


def _protect_text(text: str) -> str:
    # Keep existing entities (&#x0002A;) intact; encode the rest of Markdown's special characters.
    return "".join(p if p.startswith("&") else "".join(_MD_SPECIAL.get(c, c) for c in p)
                   for p in re.split(r"(&#?\w+;)", text))


def _code_span(tex: str) -> str:
    tex = " ".join(tex.split())
    ticks = "``" if "`" in tex else "`"
    return f"{ticks} {tex} {ticks}" if ticks == "``" else f"`{tex}`"


def render_math(text: str, warn) -> str:
    """Replace formulas in Markdown ``text``; ``warn(message)`` is called for each broken formula.
    Each formula becomes one line of inline HTML (a span), which is valid inside paragraphs,
    list items, tabs and admonitions alike."""

    def display(m: re.Match) -> str:
        try:
            html = tex_to_mathml(m.group(1), True)
        except MathError as exc:
            warn(f"formula not rendered ({exc}): $${' '.join(m.group(1).split())}$$")
            return f"\n\n{_code_span('$$' + m.group(1).strip() + '$$')}\n\n"
        return f'\n\n<span class="kb-math kb-math--display">{html}</span>\n\n'

    def inline(m: re.Match) -> str:
        try:
            html = tex_to_mathml(m.group(1), False)
        except MathError as exc:
            warn(f"formula not rendered ({exc}): ${m.group(1)}$")
            return _code_span("$" + m.group(1) + "$")
        return f'<span class="kb-math">{html}</span>'

    def fix(chunk: str) -> str:
        return INLINE_RE.sub(inline, DISPLAY_RE.sub(display, chunk))

    out = map_free(text, fix, protect=False)
    return re.sub(r"\n{3,}", "\n\n", out)
