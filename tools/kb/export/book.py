"""The knowledge base as a book: topics in site order, each question with its 要点, canonical answer
and credited source answers (with errata), rendered to HTML once for every edition.

Formulas are rendered per edition: MathML for EPUB and PDF (both readers render it), Anki's own
MathJax delimiters ``\\(…\\)`` / ``\\[…\\]`` for the deck (Anki typesets those on every platform).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import markdown

from ..generate.inputs import SiteInputs, load_inputs
from ..generate.math import DISPLAY_RE, INLINE_RE, MathError, tex_to_mathml
from ..generate.mdtext import map_free
from ..model import Block, Note
from ..taxonomy import Topic

Q_LINK_RE = re.compile(r"\]\(q:([a-z0-9-]+)\)")
VERDICTS = {"ok": "已核对", "erratum": "有勘误", "repaired": "已修复"}


@dataclass
class Provenance:
    label: str  # the source's name
    verdict: str  # 已核对 / 有勘误 / 已修复 / 未核对
    html: str
    errata: list[str] = field(default_factory=list)  # HTML of the corrections of this answer


@dataclass
class Entry:
    note: Note
    keypoints: list[str]  # HTML of each point (inline)
    answer: str  # HTML of the canonical answer ("" when the note has none yet)
    provenance: list[Provenance]


@dataclass
class Chapter:
    topic: Topic
    entries: list[Entry]


class Renderer:
    """Markdown → HTML with formulas kept away from Markdown and rendered for one edition."""

    def __init__(self, math: str, link: Callable[[str], str | None]):
        if math not in ("mathml", "mathjax"):
            raise ValueError(f"unknown math mode {math!r} (expected mathml or mathjax)")
        self.math = math
        self.link = link
        self.md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"], output_format="html")

    def formula(self, tex: str, display: bool) -> str:
        if self.math == "mathjax":
            open_, close = (r"\[", r"\]") if display else (r"\(", r"\)")
            return html.escape(f"{open_}{tex.strip()}{close}", quote=False)
        try:
            out = tex_to_mathml(tex, display)
        except MathError:
            return f"<code>{html.escape(tex.strip())}</code>"
        return f'<div class="math">{out}</div>' if display else out

    def render(self, text: str, inline: bool = False) -> str:
        stash: list[str] = []

        def keep(fragment: str) -> str:
            stash.append(fragment)
            return f"\ue000{len(stash) - 1}\ue001"

        def rewrite(chunk: str) -> str:
            chunk = DISPLAY_RE.sub(lambda m: "\n\n" + keep(self.formula(m.group(1), True)) + "\n\n", chunk)
            return INLINE_RE.sub(lambda m: keep(self.formula(m.group(1), False)), chunk)

        text = Q_LINK_RE.sub(lambda m: f"]({self.link(m.group(1)) or '#'})", text)
        text = map_free(text, rewrite, protect=False)
        self.md.reset()
        out = self.md.convert(text)
        out = re.sub(r"\ue000(\d+)\ue001", lambda m: stash[int(m.group(1))], out)
        if inline and out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out


def _label(inputs: SiteInputs, block: Block) -> str:
    names = []
    for sid in block.sources:
        src = inputs.sources.get(sid)
        names.append((getattr(src, "short", "") or src.title) if src else sid)
    return "、".join(dict.fromkeys(names))


def _verdict(note: Note, block: Block) -> str:
    found = {r.get("source"): r.get("verdict") for r in note.reviewed}
    verdicts = [found.get(s) for s in block.sources if found.get(s)]
    if any(note.errata and set(e.sources) & set(block.sources) for e in note.errata) or "erratum" in verdicts:
        return VERDICTS["erratum"]
    if "repaired" in verdicts:
        return VERDICTS["repaired"]
    return VERDICTS["ok"] if verdicts else "未核对"


def entry(inputs: SiteInputs, note: Note, r: Renderer) -> Entry:
    canonical = note.canonical
    prov = []
    for block in note.source_answers:
        errata = [r.render(e.text) for e in note.errata if set(e.sources) & set(block.sources)]
        prov.append(Provenance(_label(inputs, block), _verdict(note, block), r.render(block.text), errata))
    return Entry(note, [r.render(k, inline=True) for k in note.keypoints],
                 r.render(canonical.text) if canonical else "", prov)


def ordered_notes(inputs: SiteInputs) -> list[tuple[Topic, list[Note]]]:
    """Topics in taxonomy order, questions in the order the site shows them (sections, then order)."""
    from ..generate.context import split_topics

    out: dict[str, tuple[Topic, list[Note]]] = {}
    for part in split_topics(inputs):
        out.setdefault(part.topic.id, (part.topic, []))[1].extend(part.notes)
    return list(out.values())


def build_book(math: str, link: Callable[[Note, str], str | None] | None = None,
               root: Path | None = None, inputs: SiteInputs | None = None) -> list[Chapter]:
    """Every topic with at least one question, as chapters. ``link(from_note, target_id)`` gives the
    href for a ``q:`` link (None: plain text anchor)."""
    inputs = inputs or load_inputs(root)
    if inputs.problems.errors:
        raise ValueError("; ".join(str(p) for p in inputs.problems.errors[:5]))
    chapters = []
    for topic, notes in ordered_notes(inputs):
        entries = []
        for note in notes:
            r = Renderer(math, (lambda target, n=note: link(n, target)) if link else (lambda target: None))
            entries.append(entry(inputs, note, r))
        chapters.append(Chapter(topic, entries))
    return chapters
