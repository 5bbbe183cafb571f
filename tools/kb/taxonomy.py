"""The topic taxonomy and the tag list, loaded from tools/kb/data/*.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .paths import tags_path, taxonomy_path


@dataclass(frozen=True)
class Keyword:
    """A plain case-insensitive substring, or a regular expression when written `re:...`."""

    text: str

    @property
    def pattern(self) -> re.Pattern:
        if self.text.startswith("re:"):
            return re.compile(self.text[3:], re.I)
        return re.compile(re.escape(self.text), re.I)

    def count(self, text: str) -> int:
        return len(self.pattern.findall(text))


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    description: str
    keywords: tuple[Keyword, ...] = ()


@dataclass(frozen=True)
class Tag:
    id: str
    name: str
    description: str
    kind: str = "subject"
    keywords: tuple[Keyword, ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[Topic, ...]
    default: str
    weights: dict = field(default_factory=dict)

    def topic(self, topic_id: str) -> Topic:
        for t in self.topics:
            if t.id == topic_id:
                return t
        raise KeyError(topic_id)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.topics]


@lru_cache(maxsize=None)
def load_taxonomy(path: Path | None = None) -> Taxonomy:
    data = yaml.safe_load((path or taxonomy_path()).read_text(encoding="utf-8"))
    topics = tuple(
        Topic(t["id"], t["name"], t["description"], tuple(Keyword(str(k)) for k in t.get("keywords", [])))
        for t in data["topics"]
    )
    return Taxonomy(topics, data["default"], dict(data.get("weights") or {}))


@lru_cache(maxsize=None)
def load_tags(path: Path | None = None) -> tuple[Tag, ...]:
    data = yaml.safe_load((path or tags_path()).read_text(encoding="utf-8"))
    return tuple(
        Tag(t["id"], t["name"], t["description"], t.get("kind", "subject"),
            tuple(Keyword(str(k)) for k in t.get("keywords", [])))
        for t in data["tags"]
    )


def tag_ids() -> set[str]:
    return {t.id for t in load_tags()}
