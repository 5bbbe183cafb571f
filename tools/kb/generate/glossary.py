"""Key terms (tools/kb/data/glossary.yml): a one-line definition and the question that defines each.

The first mention of a term in each answer links to the question that defines it — never inside
code, math, links or bold heading lines, and never in the defining note itself. An entry names its
defining note (``note:``); without one, the best question mentioning the term is chosen: a
definitional phrasing (什么是 X / X 是什么 / 介绍 X …) first, answered before unanswered, then the
shortest question, then the id — deterministic, so links are stable between builds.

``glossary_problems`` reports what makes an entry useless: no definition, a defining note that does
not exist, a term no answer mentions (a misspelling, or a term the notes do not use).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import Note
from .mdtext import map_free

DEFINITIONAL = ("什么是", "是什么", "介绍", "解释", "讲讲", "说说", "谈谈", "原理", "简述", "概念", "理解")


@dataclass
class Term:
    term: str
    aliases: list[str] = field(default_factory=list)
    note: str = ""  # defining note id ("" until resolved; stays "" when no question defines it)
    definition: str = ""  # one line of Chinese, shown on the glossary page
    line: int = 0  # 1-based line of the entry in glossary.yml

    @property
    def forms(self) -> list[str]:
        return [self.term, *self.aliases]

    @property
    def pattern(self) -> re.Pattern:
        """All surface forms as one compiled regex (compiled once: ``mentions`` runs per note)."""
        key = tuple(self.forms)
        cached = _PATTERNS.get(key)
        if cached is None:
            cached = _PATTERNS[key] = re.compile("|".join(f"(?:{form_pattern(f)})" for f in key), re.IGNORECASE)
        return cached


_PATTERNS: dict[tuple[str, ...], re.Pattern] = {}


def load_glossary(path: Path) -> list[Term]:
    if not path.is_file():
        return []
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    # Each entry's line, for messages: the n-th list item under `terms:` (one entry per item).
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if re.match(r"^\s*- ", line)]
    terms = []
    for k, t in enumerate(data.get("terms") or []):
        terms.append(Term(str(t["term"]), [str(a) for a in t.get("aliases") or []], str(t.get("note") or ""),
                          str(t.get("definition") or "").strip(), lines[k] if k < len(lines) else 0))
    return terms


def form_pattern(form: str) -> str:
    """A regex for one surface form; Latin edges need word boundaries (LoRA must not match QLoRA)."""
    body = r"\s*".join(re.escape(p) for p in form.split())
    if re.match(r"[A-Za-z0-9]", form):
        body = r"(?<![A-Za-z0-9_])" + body
    if re.search(r"[A-Za-z0-9]$", form):
        body += r"(?![A-Za-z0-9_])"
    return body


def term_regex(terms: list[Term]) -> re.Pattern | None:
    forms = sorted({f for t in terms for f in t.forms}, key=lambda f: (-len(f), f))
    if not forms:
        return None
    # A leading class of every form's first character lets the scan skip most positions at once
    # (Python's re would otherwise try every alternative at every position).
    firsts = sorted({c for f in forms for c in (f[0].lower(), f[0].upper())})
    head = "(?=[" + "".join(re.escape(c) for c in firsts) + "])"
    return re.compile(head + "(?:" + "|".join(f"(?:{form_pattern(f)})" for f in forms) + ")", re.IGNORECASE)


def mentions(term: Term, text: str) -> bool:
    return term.pattern.search(text) is not None


def resolve_terms(terms: list[Term], notes: list[Note], on_error) -> list[Term]:
    """Fill in each term's defining note; report a named note id that does not exist."""
    ids = {n.id for n in notes}
    for t in terms:
        if t.note:
            if t.note not in ids:
                on_error(t.line, f"glossary term '{t.term}' names unknown note '{t.note}'")
                t.note = ""
            continue
        candidates = [n for n in notes if mentions(t, n.question)]
        if candidates:
            best = min(candidates, key=lambda n: (
                not any(k in n.question for k in DEFINITIONAL),
                n.status != "answered",
                len(n.question),
                n.id,
            ))
            t.note = best.id
    return [t for t in terms if t.note]


def glossary_problems(terms: list[Term], notes: list[Note]) -> list[tuple[int, str]]:
    """(line, message) for each entry without a definition, with a defining note that does not exist,
    or that no answer mentions. One scan over the answers finds every mentioned term."""
    out: list[tuple[int, str]] = []
    ids = {n.id for n in notes}
    regex = term_regex(terms)
    by_form = {f.lower(): t.term for t in terms for f in t.forms}
    seen: set[str] = set()
    if regex is not None:
        for note in notes:
            for block in note.blocks:
                if block.kind != "answer":
                    continue
                for m in regex.finditer(block.text):
                    key = m.group(0).lower()
                    seen.add(by_form.get(key) or next(
                        (t.term for t in terms if any(re.fullmatch(form_pattern(f), m.group(0), re.IGNORECASE)
                                                      for f in t.forms)), ""))
    for t in terms:
        if not t.definition:
            out.append((t.line, f"glossary term '{t.term}' has no definition: add `definition: <one line>`"))
        if t.note and t.note not in ids:
            out.append((t.line, f"glossary term '{t.term}' points to '{t.note}', which is not a note: "
                        "name the id of the question that defines the term"))
        if t.term not in seen:
            out.append((t.line, f"glossary term '{t.term}' occurs in no answer (forms: {', '.join(t.forms)}): "
                        "fix its spelling or aliases, or remove it"))
    return out


class TermLinker:
    """Links the first mention of each term in one answer block."""

    def __init__(self, terms: list[Term]):
        self.terms = terms
        self.regex = term_regex(terms)
        self.by_form = {f.lower(): t for t in terms for f in t.forms}

    def _term_for(self, text: str) -> Term | None:
        key = text.lower()
        if key in self.by_form:
            return self.by_form[key]
        for t in self.terms:  # forms matched across flexible whitespace
            if any(re.fullmatch(form_pattern(f), text, re.IGNORECASE) for f in t.forms):
                return t
        return None

    def link(self, text: str, note_id: str, href_for) -> str:
        """``href_for(term)`` gives the link target for a term's defining note."""
        if self.regex is None:
            return text
        done: set[str] = set()

        def sub(m: re.Match) -> str:
            term = self._term_for(m.group(0))
            if term is None or term.term in done or term.note == note_id:
                return m.group(0)
            done.add(term.term)
            return f'[{m.group(0)}]({href_for(term)} "术语：{term.term}"){{ .kb-term }}'

        return map_free(text, lambda chunk: self.regex.sub(sub, chunk))
