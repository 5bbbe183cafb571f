"""Assign a topic and tags to a question from the keyword rules in the data files."""

from __future__ import annotations

from .taxonomy import Taxonomy, load_tags, load_taxonomy


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


def assign_topic(question: str, section: str = "", answer: str = "", taxonomy: Taxonomy | None = None) -> str:
    tax = taxonomy or load_taxonomy()
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
