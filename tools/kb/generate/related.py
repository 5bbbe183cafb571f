"""Related questions: the ones a reader would open next.

Order: the note's own ``related`` ids; its neighbours in its section (the question before it, a
prerequisite, and the one after it, a follow-up); then other questions ranked by content. A question
is a candidate only if it shares something specific: its section, a glossary term or a rare Latin
term in the question, or a subject tag (面经 and question-form tags such as 原理/对比 say nothing about
content) — so two questions never become related through word coincidences in their answers alone.
Candidates are ranked by the cosine of TF-IDF vectors (Chinese character bigrams + lower-cased Latin
words; the question and its aliases count three times) plus a bonus per shared term and tag (rarer
tags weigh more). Ties break on the note id, so the result is stable between builds.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict

from ..model import Note
from .glossary import Term, mentions

TOP_K = 4  # ranked questions after the explicit ones and the two neighbours
MIN_SCORE = 0.05
MAX_TERM_SHARE = 0.03  # a Latin word in more questions than this share is too common to relate two
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


def question_terms(note: Note, terms: list[Term]) -> set[str]:
    """Glossary terms and Latin words in the question and its aliases (``t:`` / ``w:`` prefixed)."""
    head = " ".join([note.question, *note.aliases])
    out = {f"t:{t.term}" for t in terms if mentions(t, head)}
    out.update(f"w:{w.lower()}" for w in LATIN_RE.findall(head) if len(w) > 1 and w.lower() not in STOP_LATIN)
    return out


def compute_related(notes: list[Note], terms: list[Term], ignore_tags: set[str],
                    sections: list[list[str]] | None = None,
                    ) -> tuple[dict[str, list[str]], dict[str, tuple[str | None, str | None]]]:
    """(related ids per note, (previous, next) question of its section per note).

    ``ignore_tags``: tags that say nothing about content; ``sections``: note ids in reading order, one
    list per section."""
    sections = sections or []
    neighbours: dict[str, tuple[str | None, str | None]] = {}
    section_of: dict[str, int] = {}
    for k, ids in enumerate(sections):
        for i, nid in enumerate(ids):
            section_of[nid] = k
            neighbours[nid] = (ids[i - 1] if i else None, ids[i + 1] if i + 1 < len(ids) else None)
    n = len(notes)
    if n < 2:
        return {note.id: list(note.related) for note in notes}, neighbours
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

    # Specific signals: subject tags and question terms (a common Latin word is no signal).
    note_tags = [set(note.tags) - ignore_tags for note in notes]
    tag_df = Counter(t for tags in note_tags for t in tags)
    note_terms = [question_terms(note, terms) for note in notes]
    term_df = Counter(t for ts in note_terms for t in ts)
    cap = max(2, int(MAX_TERM_SHARE * n))
    note_terms = [{t for t in ts if t.startswith("t:") or term_df[t] <= cap} for ts in note_terms]
    signal_postings: dict[str, list[int]] = defaultdict(list)
    for j in range(n):
        for t in note_tags[j]:
            signal_postings["tag:" + t].append(j)
        for t in note_terms[j]:
            signal_postings[t].append(j)
    index = {note.id: i for i, note in enumerate(notes)}

    result: dict[str, list[str]] = {}
    for i, note in enumerate(notes):
        text_score: dict[int, float] = defaultdict(float)
        for f, v in vectors[i].items():
            for j, u in postings[f]:
                if j != i:
                    text_score[j] += v * u
        bonus: dict[int, float] = defaultdict(float)
        signals = [("tag:" + t, 0.15 * (1 - tag_df[t] / n)) for t in sorted(note_tags[i])]
        signals += [(t, 0.2) for t in sorted(note_terms[i])]
        for key, weight in signals:
            plist = signal_postings[key]
            if len(plist) <= MAX_POSTINGS:
                for j in plist:
                    if j != i:
                        bonus[j] += weight
        k = section_of.get(note.id)
        if k is not None:  # the rest of the section is a candidate too
            for other in sections[k]:
                j = index.get(other)
                if j is not None and j != i:
                    bonus[j] += 0.0
        ranked = sorted(((round(text_score.get(j, 0.0) + b, 6), notes[j].id) for j, b in bonus.items()
                         if text_score.get(j, 0.0) + b >= MIN_SCORE),
                        key=lambda x: (-x[0], x[1]))
        prev, nxt = neighbours.get(note.id, (None, None))
        chosen = [r for r in note.related if r != note.id]
        chosen += [r for r in (prev, nxt) if r and r not in chosen]
        limit = len(chosen) + TOP_K
        for _, other_id in ranked:
            if len(chosen) >= limit:
                break
            if other_id not in chosen:
                chosen.append(other_id)
        result[note.id] = chosen
    return result, neighbours
