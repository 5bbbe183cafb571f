"""The shared state every page renderer reads: where each question lives, labels, anchors."""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from functools import cached_property

from ..model import Note
from ..taxonomy import Tag, Topic
from .glossary import Term, TermLinker
from .inputs import SiteInputs
from .links import Location

MAX_PER_PAGE = 60  # a topic with more questions is split into parts of at most this size
STATUS_LABELS = {"answered": "已解答", "partial": "部分解答", "unanswered": "待解答"}
TOPICS_DIR = "topics"


@dataclass
class TopicPart:
    topic: Topic
    uri: str
    title: str
    notes: list[Note]
    index: int = 1  # 1-based part number
    count: int = 1  # number of parts of this topic


@dataclass
class Context:
    inputs: SiteInputs
    parts: list[TopicPart]
    locations: dict[str, Location]
    terms: list[Term] = field(default_factory=list)
    related: dict[str, list[str]] = field(default_factory=dict)

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

    @cached_property
    def experience_tags(self) -> set[str]:
        return {t.id for t in self.inputs.tags if t.kind == "experience"}

    def topic_name(self, topic_id: str) -> str:
        return self.inputs.taxonomy.topic(topic_id).name


def note_sort_key(note: Note) -> tuple:
    """Questions keep the order of the article they came from (source id, then line)."""
    if not note.sources:
        return ("~", 0, note.id)
    first = note.sources[0]
    m = re.search(r"\d+", first.locator or "")
    return (first.source, int(m.group(0)) if m else 0, note.id)


def split_topics(inputs: SiteInputs) -> list[TopicPart]:
    by_topic: dict[str, list[Note]] = {}
    for note in inputs.notes:
        by_topic.setdefault(note.topic, []).append(note)
    parts: list[TopicPart] = []
    for topic in inputs.taxonomy.topics:
        notes = sorted(by_topic.get(topic.id, []), key=note_sort_key)
        if not notes:
            continue
        count = math.ceil(len(notes) / MAX_PER_PAGE)
        size = math.ceil(len(notes) / count)
        for k in range(count):
            uri = f"{TOPICS_DIR}/{topic.id}.md" if k == 0 else f"{TOPICS_DIR}/{topic.id}-{k + 1}.md"
            title = topic.name if count == 1 else f"{topic.name}（{k + 1}/{count}）"
            parts.append(TopicPart(topic, uri, title, notes[k * size:(k + 1) * size], k + 1, count))
    return parts


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
