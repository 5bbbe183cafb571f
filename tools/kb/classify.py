"""Assign a topic and tags to a question.

Topic: by similarity to the existing notes (their topics were chosen or reviewed by people), with the
keyword rules of taxonomy.yml as the fallback for a subject the collection does not have yet. Keywords
alone misfile questions whose answer merely mentions another topic's word (an MoE routing answer that
says "token" is not a tokenizer question). Tags: keywords in the question plus the parser's tags.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

import yaml

from .paths import DATA_DIR
from .taxonomy import Taxonomy, load_tags, load_taxonomy


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load((DATA_DIR / "classify.yml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _latin_ignore() -> frozenset[str]:
    return frozenset(str(w).lower() for w in config().get("latin_ignore", []))


def features(text: str) -> Counter:
    """Chinese character bigrams and lower-cased Latin words (without English question phrasing)."""
    text = text.lower()
    out: Counter = Counter()
    latin_ignore = _latin_ignore()
    for word in re.findall(r"[a-z][a-z0-9\-]+", text):
        if word not in latin_ignore:
            out[word] += config().get("latin_weight", 1)
    ignore = set(config().get("ignore", []))
    for run in re.findall(r"[\u4e00-\u9fff]+", text):
        out.update(g for g in (run[i:i + 2] for i in range(len(run) - 1)) if g not in ignore)
    return out


class TopicIndex:
    """TF-IDF vectors of the existing notes, for nearest-neighbour topic votes."""

    def __init__(self, notes):
        cfg = config()
        self.docs: list[tuple[str, dict[str, float]]] = []
        raw = []
        for note in notes:
            answer = " ".join(b.text for b in note.answers)[:cfg["answer_chars"]]
            f = features(note.question)
            for k in f:
                f[k] *= cfg["question_weight"]
            f.update(features(answer))
            raw.append((note.topic, f))
        df: Counter = Counter(k for _, f in raw for k in f)
        self.idf = {k: math.log((1 + len(raw)) / (1 + n)) + 1 for k, n in df.items()}
        self.postings: dict[str, list[int]] = {}
        for topic, f in raw:
            vec = self._vector(f)
            for k in vec:
                self.postings.setdefault(k, []).append(len(self.docs))
            self.docs.append((topic, vec))

    def _vector(self, f: Counter) -> dict[str, float]:
        vec = {k: (1 + math.log(n)) * self.idf.get(k, 0.0) for k, n in f.items() if k in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {k: v / norm for k, v in vec.items()}

    def nearest(self, question: str, answer: str = "", exclude: int | None = None) -> list[tuple[float, str]]:
        """The k most similar notes as (similarity, topic); `exclude` leaves one note out (evaluation)."""
        cfg = config()
        f = features(question)
        for k in f:
            f[k] *= cfg["question_weight"]
        f.update(features(answer[:cfg["answer_chars"]]))
        vec = self._vector(f)
        sims: Counter = Counter()
        for k, v in vec.items():
            for i in self.postings.get(k, ()):
                if i != exclude:
                    sims[i] += v * self.docs[i][1][k]
        return sorted(((s, self.docs[i][0]) for i, s in sims.items()), key=lambda x: -x[0])[:cfg["k"]]

    def topic(self, question: str, answer: str = "", exclude: int | None = None) -> str | None:
        near = self.nearest(question, answer, exclude)
        if not near or near[0][0] < config()["min_similarity"]:
            return None
        votes: Counter = Counter()
        for s, t in near:
            votes[t] += s
        (best, score), total = votes.most_common(1)[0], sum(votes.values())
        return best if score >= config()["min_share"] * total else None


def score_topics(question: str, section: str = "", answer: str = "",
                 taxonomy: Taxonomy | None = None) -> list[tuple[float, str]]:
    tax = taxonomy or load_taxonomy()
    w = {"question": 10, "section": 4, "answer": 1, **tax.weights}
    scores = []
    for order, topic in enumerate(tax.topics):
        s = 0.0
        for kw in topic.keywords:
            s += w["question"] * min(kw.count(question), 2)
            s += w["section"] * min(kw.count(section), 1)
            s += w["answer"] * min(kw.count(answer), 3)
        scores.append((s, topic.id))
    return scores


def assign_topic(question: str, section: str = "", answer: str = "", taxonomy: Taxonomy | None = None,
                 index: TopicIndex | None = None, exclude: int | None = None) -> str:
    tax = taxonomy or load_taxonomy()
    if index is not None:
        near = index.topic(question, answer, exclude)
        if near in tax.ids:
            return near
    scores = score_topics(question, section, answer, tax)
    best = max(s for s, _ in scores)
    if best <= 0:
        return tax.default
    return next(tid for s, tid in scores if s == best)  # first in taxonomy order wins ties


def assign_tags(question: str, extra: list[str] | None = None) -> list[str]:
    """Keyword tags found in the question, plus tags the parser gave (面经, company), in tags.yml order."""
    tags = load_tags()
    found = {tag.id for tag in tags if any(kw.count(question) for kw in tag.keywords)}
    found.update(extra or [])
    order = {t.id: i for i, t in enumerate(tags)}
    return sorted(found, key=lambda t: (order.get(t, len(order)), t))
