"""The shared state every page renderer reads: where each question lives, labels, anchors."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Note
from ..structure import Section, arrange
from ..taxonomy import Tag, Topic
from .glossary import Term, TermLinker
from .inputs import SiteInputs
from .links import Location
from .page_weight import PAGE_BUDGET, note_weight, split_by_weight

# A topic with more questions than this, or heavier than one page's budget (page_weight.PAGE_BUDGET:
# formula-heavy topics make heavy pages with few questions), gets one page per section; a section
# still over the budget is cut into consecutive pages.
SPLIT_ABOVE = 20
PART_NUMERALS = "一二三四五六七八九十"
STATUS_LABELS = {"answered": "", "partial": "待完善", "unanswered": "待解答"}  # answered needs no badge
TOPICS_DIR = "topics"


@dataclass
class TopicPart:
    """One page of questions: a whole topic, or one section of a topic split by subject."""

    topic: Topic
    uri: str
    title: str
    notes: list[Note]
    index: int = 1  # 1-based page number within the topic
    sections: list[tuple[Section, list[Note]]] = field(default_factory=list)  # on this page, in order
    overview: str = ""  # the topic's overview page when it is split ("" otherwise)

    @property
    def anchor(self) -> str:
        """This page's entry on its topic's overview page."""
        return self.uri.rsplit("/", 1)[-1].removesuffix(".md")

    @property
    def section(self) -> Section | None:
        """The section this page shows, when the topic is split."""
        return self.sections[0][0] if self.overview and self.sections else None


@dataclass
class Context:
    inputs: SiteInputs
    parts: list[TopicPart]
    locations: dict[str, Location]
    terms: list[Term] = field(default_factory=list)
    related: dict[str, list[str]] = field(default_factory=dict)
    neighbours: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    @cached_property
    def notes_by_id(self) -> dict[str, Note]:
        return {n.id: n for n in self.inputs.notes}

    @cached_property
    def linker(self) -> TermLinker:
        return TermLinker(self.terms)

    @cached_property
    def tags_by_id(self) -> dict[str, Tag]:
        return {t.id: t for t in reversed(self.inputs.tags)}  # the first of equal ids wins

    def tag(self, tag_id: str) -> Tag | None:
        return self.tags_by_id.get(tag_id)

    @cached_property
    def parts_by_topic(self) -> dict[str, list[TopicPart]]:
        out: dict[str, list[TopicPart]] = {}
        for p in self.parts:
            out.setdefault(p.topic.id, []).append(p)
        return out

    def topic_uri(self, topic_id: str) -> str:
        """Where a topic starts: its overview page when split, else its only page."""
        parts = self.parts_by_topic[topic_id]
        return parts[0].overview or parts[0].uri

    @cached_property
    def section_of(self) -> dict[str, str]:
        """note id → the id of its section (the topic id when the topic has no structure)."""
        return {n.id: sec.id for p in self.parts for sec, notes in p.sections for n in notes}

    @cached_property
    def experience_tags(self) -> set[str]:
        return {t.id for t in self.inputs.tags if t.kind == "experience"}

    @cached_property
    def non_subject_tags(self) -> set[str]:
        """Tags about a question's form or origin (面经, 对比, 原理 …), not its subject."""
        return {t.id for t in self.inputs.tags if t.kind != "subject"}

    def topic_name(self, topic_id: str) -> str:
        return self.inputs.taxonomy.topic(topic_id).name


def split_topics(inputs: SiteInputs) -> list[TopicPart]:
    """Topic pages in taxonomy order. Questions follow the topic's structure file. A large topic (see
    SPLIT_ABOVE and PAGE_BUDGET), or one with ``split: true``, gets an overview page and one page per
    section, a section over the budget several; every other topic is one page with its sections as
    visual dividers (``split: false`` keeps a topic on one page whatever its size)."""
    by_topic: dict[str, list[Note]] = {}
    for note in inputs.notes:
        by_topic.setdefault(note.topic, []).append(note)
    parts: list[TopicPart] = []
    for topic in inputs.taxonomy.topics:
        notes = by_topic.get(topic.id, [])
        if not notes:
            continue
        structure = inputs.structures.get(topic.id)
        sections = arrange(notes, structure, Section(topic.id, topic.name))
        weight = {n.id: note_weight(n) for n in notes}
        heavy = sum(weight.values()) > PAGE_BUDGET
        split = structure.split if structure is not None and structure.split is not None \
            else len(notes) > SPLIT_ABOVE or heavy
        if not (split and (len(sections) > 1 or heavy)):
            parts.append(TopicPart(topic, f"{TOPICS_DIR}/{topic.id}.md", topic.name,
                                   [n for _, ns in sections for n in ns], 1, sections))
            continue
        overview = f"{TOPICS_DIR}/{topic.id}/index.md"
        # ``split: true`` asks for a page per section; a split by size packs small neighbours together.
        forced = structure is not None and structure.split is True
        groups = [[sec] for sec in sections] if forced else _pack_sections(sections, weight)
        first = len(parts)
        for group in groups:
            pages = [group] if len(group) > 1 else [  # a lone section: even parts if over budget
                [(group[0][0], piece)] for piece in _cut(group[0][1], weight)]
            for k, page_sections in enumerate(pages):
                sec = page_sections[0][0]
                title = ("、".join(s.title for s, _ in page_sections)  # " · " separates pages in the parts line
                         if len(pages) == 1 else f"{sec.title}（{_numeral(k + 1)}）")
                parts.append(TopicPart(topic, f"{TOPICS_DIR}/{topic.id}/{sec.id}{'-' + str(k + 1) if k else ''}.md",
                                       title, [n for _, ns in page_sections for n in ns], len(parts) - first + 1,
                                       page_sections, overview))
    return parts


def _pack_sections(sections: list[tuple[Section, list[Note]]], weight: dict[str, float]) \
        -> list[list[tuple[Section, list[Note]]]]:
    """Consecutive sections that fit in one page's budget (and SPLIT_ABOVE questions) together share
    it: no page of one or two questions next to a long one. A section over the budget is a group of
    its own, cut later."""
    groups: list[list[tuple[Section, list[Note]]]] = []
    load = 0.0
    for sec, sec_notes in sections:
        w = sum(weight[n.id] for n in sec_notes)
        count = sum(len(ns) for _, ns in groups[-1]) if groups else 0
        if groups and load + w <= PAGE_BUDGET and count + len(sec_notes) <= SPLIT_ABOVE:
            groups[-1].append((sec, sec_notes))
            load += w
        else:
            groups.append([(sec, sec_notes)])
            load = w if w <= PAGE_BUDGET else float("inf")  # nothing joins a section being cut
    return groups


def _cut(notes: list[Note], weight: dict[str, float]) -> list[list[Note]]:
    starts = [0, *split_by_weight([weight[n.id] for n in notes]), len(notes)]
    return [notes[a:b] for a, b in zip(starts, starts[1:])]


def _numeral(k: int) -> str:
    return PART_NUMERALS[k - 1] if k <= len(PART_NUMERALS) else str(k)


def tag_anchor(tag_id: str) -> str:
    """Stable ASCII anchor for a tag: a slug for Latin ids, a short hash for Chinese ones."""
    slug = re.sub(r"[^a-z0-9]+", "-", tag_id.lower()).strip("-")
    if slug and slug.isascii() and re.fullmatch(r"[\x00-\x7f]+", tag_id):
        return f"tag-{slug}"
    return "tag-" + hashlib.sha1(tag_id.encode("utf-8")).hexdigest()[:8]


def short_title(title: str, limit: int = 16) -> str:
    """A tab label for a source: drop 【…】, keep the part after 丨 / before ：, cap the length."""
    t = re.sub(r"^【[^】]*】", "", title).strip()
    if "丨" in t:
        t = t.split("丨", 1)[1]
    if "：" in t:
        t = t.split("：", 1)[0]
    t = t.strip() or title
    return t if len(t) <= limit else t[:limit - 1] + "…"
