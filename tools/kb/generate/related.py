"""Related questions computed from content.

Score = cosine of TF-IDF vectors (Chinese character bigrams + lower-cased Latin words; the question
and its aliases count three times) + a bonus per shared tag (rarer tags weigh more; 面经 tags do not
count — sharing an interview says nothing about content) + a bonus per shared glossary term in the
questions. Ties break on the note id, so the result is stable between builds. A note's own
``related`` ids come first.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict

from ..model import Note
from .glossary import Term, mentions

TOP_K = 4
MIN_SCORE = 0.05
MAX_FEATURES = 60  # per note: keeps the pairwise scoring sparse on thousands of notes
# Per feature / tag / term, at most this many notes are visited when scoring one note, so the work
# grows linearly with the number of notes instead of quadratically. A feature shared by more notes
# keeps its highest-weighted ones (a feature that common has a low weight anyway); a tag or term
# shared by more notes only adds its bonus to candidates already found through the text.
MAX_POSTINGS = 256
CJK_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
LATIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*[A-Za-z0-9]|[A-Za-z]")
CODE_RE = re.compile(r"```.*?```|`[^`]*`|<[^>]+>", re.DOTALL)
STOP_LATIN = {"the", "a", "an", "of", "and", "or", "to", "in", "is", "for", "on", "with"}


def features(text: str) -> Counter:
    text = CODE_RE.sub(" ", text)
    c: Counter = Counter()
    for run in CJK_RUN_RE.findall(text):
        c.update(run[i:i + 2] for i in range(len(run) - 1))
    c.update(w.lower() for w in LATIN_RE.findall(text) if w.lower() not in STOP_LATIN)
    return c


# Features of the previous build's notes and of this one's, by note text: a `mkdocs serve` rebuild
# counts only the notes that changed (``compute_related`` rotates the two; the Counters are read-only).
# Off unless ``keep_features`` is set (the mkdocs hook does under `mkdocs serve`): kept, they would
# add to a one-off build's peak memory.
keep_features = False
_previous_features: dict[str, Counter] = {}
_current_features: dict[str, Counter] = {}


def cached_features(text: str) -> Counter:
    c = _previous_features.get(text)
    if c is None:
        c = features(text)
    if keep_features:
        _current_features[text] = c
    return c


def note_text(note: Note) -> str:
    head = " ".join([note.question, *note.aliases])
    return " ".join([head] * 3 + [b.text for b in note.blocks])


def compute_related(notes: list[Note], terms: list[Term], experience_tags: set[str]) -> dict[str, list[str]]:
    n = len(notes)
    if n < 2:
        return {note.id: [i for i in note.related] for note in notes}
    global _previous_features, _current_features
    _previous_features, _current_features = _current_features, {}
    counts = [cached_features(note_text(note)) for note in notes]
    df: Counter = Counter()
    for c in counts:
        df.update(c.keys())
    idf = {f: math.log((1 + n) / (1 + d)) for f, d in df.items() if d < n}
    vectors: list[dict[str, float]] = []
    for c in counts:
        w = [(f, (1 + math.log(tf)) * idf[f]) for f, tf in c.items() if f in idf]
        top = heapq.nsmallest(MAX_FEATURES, w, key=lambda kv: (-kv[1], kv[0]))
        norm = math.sqrt(sum(v * v for _, v in top)) or 1.0
        vectors.append({f: v / norm for f, v in top})
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, vec in enumerate(vectors):
        for f, v in vec.items():
            postings[f].append((i, v))
    for f, plist in postings.items():
        if len(plist) > MAX_POSTINGS:
            plist.sort(key=lambda iv: (-iv[1], iv[0]))
            del plist[MAX_POSTINGS:]

    tag_df = Counter(t for note in notes for t in set(note.tags) if t not in experience_tags)
    note_terms = [{t.term for t in terms if mentions(t, note.question)} for note in notes]
    note_tags = [set(note.tags) for note in notes]
    tag_postings: dict[str, list[int]] = defaultdict(list)
    term_postings: dict[str, list[int]] = defaultdict(list)
    for j, other in enumerate(notes):
        for t in set(other.tags) - experience_tags:
            tag_postings[t].append(j)
        for term in note_terms[j]:
            term_postings[term].append(j)

    result: dict[str, list[str]] = {}
    for i, note in enumerate(notes):
        scores: dict[int, float] = defaultdict(float)
        for f, v in vectors[i].items():
            for j, u in postings[f]:
                if j != i:
                    scores[j] += v * u
        for t in sorted(set(note.tags) - experience_tags):
            bonus = 0.15 * (1 - tag_df[t] / n)
            if len(tag_postings[t]) <= MAX_POSTINGS:
                for j in tag_postings[t]:
                    if j != i:
                        scores[j] += bonus
            else:
                for j in list(scores):
                    if t in note_tags[j]:
                        scores[j] += bonus
        for term in sorted(note_terms[i]):
            if len(term_postings[term]) <= MAX_POSTINGS:
                for j in term_postings[term]:
                    if j != i:
                        scores[j] += 0.2
            else:
                for j in list(scores):
                    if term in note_terms[j]:
                        scores[j] += 0.2
        ranked = sorted(((round(s, 6), notes[j].id) for j, s in scores.items() if s >= MIN_SCORE),
                        key=lambda x: (-x[0], x[1]))
        chosen = [r for r in note.related if r != note.id]
        for _, other_id in ranked:
            if len(chosen) >= len(note.related) + TOP_K:
                break
            if other_id not in chosen:
                chosen.append(other_id)
        result[note.id] = chosen
    return result
