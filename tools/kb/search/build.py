"""The search index: built from the notes, not from the rendered pages.

One entry per question (hand-written pages and topic pages are not searched). What is indexed, by
field, and the weight level stored with each (term, question) posting:

  4  the question              3  its aliases (也问作)
  2  keypoints; a word used at least twice in the project's canonical answer
  1  a word used once in the canonical answer; tag names
  0  source answers

Every word of every field is indexed (jieba words and their sub-words, Latin words and joined Latin
pairs, see ``text``), plus one ``~<n>`` term per synonym group whose forms occur. Words in more than
``STOP_SHARE`` of the questions and the data file's stopwords keep their place in the vocabulary (the
browser segments queries with it) but never decide a match: stopwords have no postings, and a too
common word keeps only its question and alias postings (listed under ``common`` with its real document
frequency), so it can still rank the questions that are about it (微调要多少数据: 数据 in the title).

``py`` maps every Han character of the vocabulary and the stopwords to its toneless pinyin readings
(``"<syllable> <characters>|<characters>"`` lines: those whose usual reading it is, then those that
can also be read so), so the browser can read a query typed with the wrong homophone (幻绝 → 幻觉,
位置编吗 → 位置编码), the commonest typo of a pinyin input method.

Size: the index is a vocabulary and delta-encoded postings, not text, so a whole answer costs about as
much as its distinct words; each question also ships its question, aliases and a short snippet (the
start of its answer, plain text) for the result list, and its number of distinct terms (the browser
weighs a match in a long answer less, as BM25 does). See BENCHMARKS.md, "Search".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .synonyms import Matcher, SynonymData
from .text import Segmenter, is_han, normalize

VERSION = 1
STOP_SHARE = 0.4
SNIPPET_CHARS = 90
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"
_md = MarkdownIt("commonmark").enable("table")
_MATH_RE = re.compile(r"\$\$?(.+?)\$\$?", re.DOTALL)
_TEX_CMD_RE = re.compile(r"\\([A-Za-z]+)")
_SENTENCE_END = "。！？；!?;"
_URL_RE = re.compile(r"\]\([^)]*\)|https?://\S+|<!--.*?-->", re.DOTALL)


@dataclass
class QuestionDoc:
    """One question as the index needs it (plain data, picklable)."""

    id: str
    page: str  # the page's src uri (topics/<topic>.md)
    question: str
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    keypoints: list[str] = field(default_factory=list)
    canonical: str = ""
    sources: list[str] = field(default_factory=list)

    def key(self) -> bytes:
        return hashlib.sha256(repr(sorted(vars(self).items())).encode()).digest()


# LaTeX commands shown in snippets as the symbol a reader expects; any other command is left out.
TEX_SYMBOLS = {
    "sqrt": "√", "times": "×", "cdot": "·", "langle": "⟨", "rangle": "⟩", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "approx": "≈", "infty": "∞", "sum": "∑", "prod": "∏", "in": "∈", "to": "→", "rightarrow": "→",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "Delta": "Δ", "epsilon": "ε", "theta": "θ",
    "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "Sigma": "Σ", "tau": "τ", "phi": "φ", "omega": "ω",
}


def _tex_text(tex: str) -> str:
    text = _TEX_CMD_RE.sub(lambda m: TEX_SYMBOLS.get(m.group(1), " "), tex)
    return re.sub(r"[{}]", "", text).replace("\\", " ")


def plain_text(markdown: str) -> str:
    """Markdown → the words a reader sees: no markup, code kept, formulas reduced to their symbols."""
    out: list[str] = []
    for tok in _md.parse(markdown):
        if tok.type == "inline":
            for child in tok.children or []:
                if child.type in ("text", "code_inline"):
                    out.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    out.append(" ")
            out.append("\n")
        elif tok.type in ("fence", "code_block"):
            out.append(tok.content + "\n")
    text = "".join(out)
    text = _MATH_RE.sub(lambda m: _tex_text(m.group(1)), text)
    return re.sub(r"<!--.*?-->", " ", text, flags=re.DOTALL)


def snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    """The start of an answer for the result list: whole sentences if they fit, else cut with '…'."""
    flat = re.sub(r"\s+", " ", text).strip()
    if len(flat) <= limit:
        return flat
    cut = max((i + 1 for i, ch in enumerate(flat[:limit]) if ch in _SENTENCE_END), default=0)
    if cut >= limit // 2:
        return flat[:cut]
    return flat[:limit].rstrip() + "…"


def encode_postings(postings: list[tuple[int, int]]) -> str:
    """(question number, level) pairs, ascending: each is (gap << 3 | level) as base-32 digits,
    most significant first; digits after the first of a number use the upper half of ALPHABET."""
    out: list[str] = []
    prev = -1
    for doc, level in postings:
        v = ((doc - prev - 1) << 3) | level
        prev = doc
        digits = []
        while True:
            digits.append(v & 31)
            v >>= 5
            if not v:
                break
        digits.reverse()
        out.append("".join(ALPHABET[d + (32 if i else 0)] for i, d in enumerate(digits)))
    return "".join(out)


def decode_postings(s: str) -> list[tuple[int, int]]:
    """Inverse of ``encode_postings`` (the browser worker has the same loop)."""
    out, doc, v, started = [], -1, 0, False
    for i, ch in enumerate(s):
        d = ALPHABET.index(ch)
        if d < 32 and started:  # a new number begins: finish the previous one
            doc += (v >> 3) + 1
            out.append((doc, v & 7))
            v = 0
        v = (v << 5) | (d & 31)
        started = True
    if started:
        doc += (v >> 3) + 1
        out.append((doc, v & 7))
    return out


class IndexBuilder:
    """Tokenises questions (cached by content, so a rebuild under `mkdocs serve` only redoes changed
    questions) and assembles the index."""

    def __init__(self, segmenter: Segmenter, synonyms: SynonymData):
        self.seg = segmenter
        self.synonyms = synonyms
        self.matcher = Matcher(synonyms.groups)
        self.stop = {normalize(w) for w in synonyms.stopwords}
        self.cache: dict[bytes, tuple[dict[str, int], str]] = {}

    def fields(self, doc: QuestionDoc) -> list[tuple[int, str]]:
        """(level, text) of every field; markup is left in (its characters only separate words).
        Level 1 is the canonical answer, where a word used twice is raised to level 2."""
        return [(4, doc.question), (3, "\n".join(doc.aliases)), (2, "\n".join(doc.keypoints)),
                (1, "\n".join([doc.canonical, *doc.tags])), (0, "\n".join(doc.sources))]

    def terms(self, doc: QuestionDoc) -> tuple[dict[str, int], str]:
        """{term: best level} and the snippet of one question."""
        key = doc.key()
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        levels: dict[str, int] = {}
        for level, text in self.fields(doc):
            text = _TEX_CMD_RE.sub(r" \1 ", _URL_RE.sub(" ", text)).replace("{", " ").replace("}", " ")
            for tok, count in self.seg.tokens(text).items():
                lv = 2 if level == 1 and count > 1 else level
                if levels.get(tok, -1) < lv:
                    levels[tok] = lv
            for gi in self.matcher.groups_in(text):
                t = f"~{gi}"
                if levels.get(t, -1) < level:
                    levels[t] = level
        first = plain_text(doc.canonical) if doc.canonical else (plain_text(doc.sources[0]) if doc.sources else "")
        result = (levels, snippet(first))
        self.cache[key] = result
        return result

    def build(self, docs: list[QuestionDoc], pages: dict[str, tuple[str, str]]) -> dict:
        """The index as JSON-ready data. ``pages``: page src uri → (URL relative to the site root, title)."""
        page_ids: dict[str, int] = {}
        entries, postings = [], {}
        docs = [d for d in docs if d.page in pages]
        for n, doc in enumerate(docs):
            levels, snip = self.terms(doc)
            pi = page_ids.setdefault(doc.page, len(page_ids))
            entries.append([pi, doc.id, doc.question, doc.aliases, snip, len(levels)])
            for term, level in levels.items():
                postings.setdefault(term, []).append((n, level))
        limit = max(STOP_SHARE * len(docs), 3)
        for w in self.stop:
            postings.setdefault(w, [])
        vocab = sorted(postings)
        encoded, common = [], {}
        for term in vocab:
            plist = postings[term]
            if term.startswith("~") or (term not in self.stop and len(plist) <= limit):
                encoded.append(encode_postings(plist))
            elif term in self.stop:
                encoded.append("")
            else:  # too common to decide a match: only where it is in a question or alias
                encoded.append(encode_postings([(d, lv) for d, lv in plist if lv >= 3]))
                common[term] = len(plist)
        page_list = [None] * len(page_ids)
        for uri, i in page_ids.items():
            page_list[i] = list(pages[uri])
        return {"v": VERSION, "pages": page_list, "docs": entries, "terms": "\n".join(vocab), "post": encoded,
                "syn": self.synonyms.groups, "stop": sorted(self.stop), "common": common,
                "py": pinyin_map(vocab + sorted(self.stop))}


def pinyin_map(words: list[str]) -> str:
    """Toneless pinyin of every Han character in ``words``: one line per syllable,
    ``"<syllable> <usual>|<other>"`` (characters whose usual reading it is, then those with it as a
    further reading), sorted, so the same vocabulary gives the same bytes."""
    from pypinyin import Style, pinyin

    chars = sorted({ch for w in words for ch in w if is_han(ch)})
    usual: dict[str, list[str]] = defaultdict(list)
    other: dict[str, list[str]] = defaultdict(list)
    for ch in chars:
        readings = [r for r in dict.fromkeys(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
                    if r.isascii() and r.isalpha()]
        for i, reading in enumerate(readings):
            (other if i else usual)[reading].append(ch)
    return "\n".join(f"{syl} {''.join(usual[syl])}|{''.join(other[syl])}"
                     for syl in sorted(set(usual) | set(other)))


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
