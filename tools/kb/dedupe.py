"""Near-duplicate detection: which question phrasings are the same question, which answers the same answer."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import yaml

from .paths import DATA_DIR


@lru_cache(maxsize=None)
def config() -> dict:
    return yaml.safe_load((DATA_DIR / "dedupe.yml").read_text(encoding="utf-8"))


def normalize(question: str) -> str:
    """Lower-case, unify synonyms, drop whitespace and punctuation."""
    q = question.lower()
    for old, new in config()["synonyms"]:
        q = q.replace(old, new)
    q = re.sub(r"[\s\W_]+", "", q)
    for pattern in config().get("order_free", []):
        if m := re.match(pattern, q):
            a, b = sorted((m["a"], m["b"]))
            return f"{a}和{b}{m['rest']}"
    return q


def latin_terms(question: str) -> frozenset[str]:
    q = question.lower()
    for old, new in config()["synonyms"]:
        q = q.replace(old, new)
    return frozenset(re.findall(r"[a-z][a-z0-9]*", q.replace("-", "")))


def latin_joined(question: str) -> str:
    """The Latin words run together, so "Flash Attention" and "FlashAttention" name the same term."""
    q = question.lower()
    for old, new in config()["synonyms"]:
        q = q.replace(old, new)
    return "".join(re.findall(r"[a-z0-9]+", q))


def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset([text])


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def intents(question: str) -> frozenset[str]:
    q = question.lower()
    return frozenset(name for name, words in config().get("intents", {}).items() if any(w in q for w in words))


def containment(a: str, b: str) -> float:
    """Share of the shorter string's characters (with multiplicity) found in the longer one.
    Latin terms are already compared exactly, so only the Chinese characters count when both have some."""
    ca, cb = re.sub(r"[\x00-\x7f]", "", a), re.sub(r"[\x00-\x7f]", "", b)
    if len(ca) >= 2 and len(cb) >= 2:
        a, b = ca, cb
    short, long_ = sorted((a, b), key=len)
    if not short:
        return 0.0
    pool = Counter(long_)
    hit = 0
    for ch, n in Counter(short).items():
        hit += min(n, pool.get(ch, 0))
    return hit / len(short)


class QuestionKey:
    """Precomputed comparison data for one phrasing."""

    __slots__ = ("norm", "grams", "terms", "joined", "intents")

    def __init__(self, question: str):
        self.norm = normalize(question)
        self.grams = bigrams(self.norm)
        self.terms = latin_terms(question)
        self.joined = latin_joined(question)
        self.intents = intents(question)

    def same_question(self, other: "QuestionKey") -> bool:
        if self.norm == other.norm:
            return True
        if (self.terms != other.terms and self.joined != other.joined) or self.intents != other.intents:
            return False
        cfg = config()
        sim = jaccard(self.grams, other.grams)
        if sim >= cfg["threshold"]:
            return True
        short, long_ = sorted((len(self.norm), len(other.norm)))
        return sim >= cfg.get("loose_threshold", 1.0) and long_ <= cfg.get("length_ratio", 1.0) * short and \
            containment(self.norm, other.norm) >= cfg.get("containment", 1.0)


def cluster(keys: list[QuestionKey]) -> list[list[int]]:
    """Union-find over phrasings; returns clusters of indices in first-occurrence order."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Bucket by bigram to avoid comparing every pair.
    index: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        candidates = set()
        for g in k.grams:
            candidates.update(index.get(g, ()))
        for j in sorted(candidates):
            if find(i) != find(j) and k.same_question(keys[j]):
                parent[max(find(i), find(j))] = min(find(i), find(j))
        for g in k.grams:
            index.setdefault(g, []).append(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(keys)):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def answer_similarity(a: str, b: str) -> float:
    na, nb = re.sub(r"[\s\W_]+", "", a.lower()), re.sub(r"[\s\W_]+", "", b.lower())
    return jaccard(bigrams(na), bigrams(nb))
