"""Make Material's search index small without changing what it finds.

Material writes the index ASCII-escaped (6 bytes per Chinese character), keeps ``<p>``, ``<li>``,
``<code>`` … markup in ``text`` and surrounds every jieba segment with U+200B (3 bytes in UTF-8), even
next to punctuation that already separates words. ``compact_text`` rewrites one title or text so that
the browser's tokenizer (Material's ``extract`` + ``split`` on the configured separator) produces
exactly the same tokens:

- every top-level block (paragraph, list item, code block) becomes one ``<p>…</p>``, so a search result
  still shows only the paragraphs that contain a hit; list wrappers and inline ``code``/``sub``/``sup``
  tags are dropped (a space is put in where the tag was the only thing between two words);
- runs of separator characters are shortened: U+200B is dropped where another separator is next to it
  or where a block begins or ends, and whitespace runs become one space.

The index is then written as UTF-8. Together this is about half the original size.

``Trimmer`` then shortens each question's entry (a size budget, not a compaction: it changes what
is searchable). The entry keeps the question (its title), the meta line (status and tags) and the
aliases line in full, the first ``ANSWER_CHARS`` characters of the answer text (answers are written
conclusion-first, so this is the summary; the block crossing the budget is cut at a sentence end,
or else at a word boundary, and marked with "…"), and one more block listing the distinct key terms
of the rest of the answer that the entry does not already hold: Latin words (LoRA, ZeRO, top_p,
KV Cache …) and the glossary's and jieba user dictionary's domain terms (灾难性遗忘 …). Chinese
words of the dropped text that are neither are no longer found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

ZWSP = "\u200b"
DEFAULT_SEPARATOR = r"[\s\u200b\u3000\-、。，．？！；：“”（）《》]+"
# The tags Material's indexer keeps (search/plugin.py: Parser.keep).
TAG_RE = re.compile(r"<(/?)(p|li|pre|ol|ul|code|sub|sup)>")
BLOCK_TAGS = {"p", "li", "pre"}
CONTAINER_TAGS = {"ol", "ul"}
PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _separator_re(separator: str | None) -> re.Pattern:
    pattern = separator or DEFAULT_SEPARATOR
    if not pattern.endswith("+"):
        pattern = f"(?:{pattern})+"
    return re.compile(pattern)


class Compactor:
    def __init__(self, separator: str | None = None):
        self.sep_run = _separator_re(separator)

    def is_sep(self, char: str) -> bool:
        return bool(char) and self.sep_run.fullmatch(char) is not None

    def _squeeze(self, text: str) -> str:
        def run(m: re.Match) -> str:
            s = m.group(0)
            rest = s.replace(ZWSP, "")
            if not rest:
                return ZWSP
            return re.sub(r"\s+", " ", rest)

        text = self.sep_run.sub(run, text)
        # U+200B at the edge of a block separates nothing (Material splits blocks at tags anyway)
        return text.strip(ZWSP)

    def text(self, value: str) -> str:
        """One title or text of the index, compacted (see the module docstring)."""
        if "<" not in value:
            return self._squeeze(value).strip()
        out: list[str] = []  # finished blocks ("<p>…</p>") and loose top-level text
        buf: list[str] = []
        last = ""  # the last character put into buf
        depth = 0  # nesting of kept block-level tags (p, li, pre, ol, ul)
        pos = 0

        def flush(as_block: bool) -> None:
            nonlocal last
            chunk = self._squeeze("".join(buf)).strip()
            buf.clear()
            last = ""
            if chunk:
                out.append(f"<p>{chunk}</p>" if as_block else chunk)

        for m in TAG_RE.finditer(value):
            piece = value[pos:m.start()]
            if piece:
                buf.append(piece)
                last = piece[-1]
            pos = m.end()
            closing, tag = m.group(1) == "/", m.group(2)
            if tag in BLOCK_TAGS or tag in CONTAINER_TAGS:
                if not closing:
                    if depth == 0:
                        flush(False)
                    elif tag == "li" or tag in CONTAINER_TAGS:
                        flush(True)  # a nested list starts a new block
                    depth += 1
                else:
                    depth = max(depth - 1, 0)
                    flush(depth > 0 or tag in BLOCK_TAGS)
            else:  # inline tag dropped: keep the two words on either side apart
                after = value[pos:pos + 1]
                if last and after and after != "<" and not self.is_sep(last) and not self.is_sep(after):
                    buf.append(" ")
                    last = " "
        if value[pos:]:
            buf.append(value[pos:])
        flush(depth > 0)
        return "".join(out)

    def entry(self, entry: dict) -> dict:
        entry["title"] = self.text(entry.get("title", ""))
        entry["text"] = self.text(entry.get("text", ""))
        return entry


# Characters of answer text kept per question (see the module docstring and BENCHMARKS.md).
ANSWER_CHARS = 150
SENTENCE_END = "。！？；!?;"
ELLIPSIS = "…"
BLOCK_RE = re.compile(r"(<p>.*?</p>)", re.DOTALL)
LATIN_WORD_RE = re.compile(r"[A-Za-z0-9_.+#]*[A-Za-z][A-Za-z0-9_.+#]*")
LATIN_RE = re.compile(r"[A-Za-z]")


def load_key_terms(glossary: Path | None, user_dict: Path | str | None) -> list[str]:
    """Domain terms kept findable beyond the answer budget: glossary terms and aliases, and the
    words of the jieba user dictionary. Latin forms are left out (every Latin word is kept)."""
    forms: list[str] = []
    if glossary and Path(glossary).is_file():
        data = yaml.safe_load(Path(glossary).read_text(encoding="utf-8")) or {}
        for t in data.get("terms", []):
            forms += [str(t["term"]), *(str(a) for a in t.get("aliases") or [])]
    if user_dict and Path(user_dict).is_file():
        for line in Path(user_dict).read_text(encoding="utf-8").splitlines():
            if line.strip():
                forms.append(line.split()[0])
    return list(dict.fromkeys(f for f in forms if not LATIN_RE.search(f)))


class Trimmer:
    """Applies the per-question size budget to compacted question entries (module docstring)."""

    def __init__(self, separator: str | None = None, key_terms: Iterable[str] = (), budget: int = ANSWER_CHARS):
        self.sep_run = _separator_re(separator)
        self.key_terms = list(key_terms)
        self.budget = budget

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self.sep_run.split(re.sub(r"<[^>]*>", " ", text)) if t]

    def _cut(self, block: str, room: int) -> int:
        """Where to cut a block's inner text so at most ``room`` visible characters stay: after the
        last sentence end, else at the last separator; 0 when neither fits."""
        seen = sentence = word = 0
        for i, ch in enumerate(block):
            if ch != ZWSP:
                seen += 1
                if seen > room:
                    break
            if ch in SENTENCE_END:
                sentence = i + 1
            elif self.sep_run.match(ch):
                word = i
        return sentence or word

    def text(self, title: str, text: str, head: int) -> str:
        """The trimmed ``text`` of a question entry whose first ``head`` blocks are kept in full."""
        pieces = [p for p in BLOCK_RE.split(text) if p]
        keep = pieces[:head]
        rest: list[str] = []
        room = self.budget
        for piece in pieces[head:]:
            if room <= 0:
                rest.append(piece)
                continue
            inner = piece[3:-4] if piece.startswith("<p>") else piece
            size = len(inner.replace(ZWSP, ""))
            if size <= room:
                keep.append(piece)
                room -= size
                continue
            at = self._cut(inner, room)
            if at:
                part = inner[:at].rstrip(ZWSP + " ")
                keep.append(f"<p>{part}{ELLIPSIS}</p>" if piece.startswith("<p>") else part + ELLIPSIS)
            rest.append(inner[at:])
            room = 0
        kept = "".join(keep)
        if not rest:
            return kept
        # The browser matches query words as prefixes of the entry's tokens: a word that starts a
        # token already in the entry is found without being repeated.
        kept_tokens = [t.lower() for t in self._tokens(title + " " + kept) if LATIN_RE.search(t)]
        have: set[str] = set()
        terms: list[str] = []
        for token in self._tokens(" ".join(rest)):
            for word in LATIN_WORD_RE.findall(token):
                word = word.strip(".")
                low = word.lower()
                if len(word) < 2 or low in have or not LATIN_RE.search(word):
                    continue
                have.add(low)
                if not any(t.startswith(low) for t in kept_tokens):
                    terms.append(word)
        plain_kept = (title + kept).replace(ZWSP, "")
        plain_rest = "".join(rest).replace(ZWSP, "")
        for form in self.key_terms:
            if form in plain_rest and form not in plain_kept and form.lower() not in have:
                have.add(form.lower())
                terms.append(form)
        return kept + (f"<p>{' '.join(terms)}</p>" if terms else "")

    def entry(self, entry: dict, head: int) -> dict:
        entry["text"] = self.text(entry.get("title", ""), entry.get("text", ""), head)
        return entry


def trim_entries(entries: list[dict], heads: dict[str, dict[str, int]], trimmer: Trimmer) -> None:
    """Trim the entries of questions: ``heads`` maps a page URL to {question id: blocks kept in full}."""
    for entry in entries:
        url, _, anchor = entry.get("location", "").partition("#")
        head = heads.get(url, {}).get(anchor)
        if head is not None:
            trimmer.entry(entry, head)


def dumps_index(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def compact_index_data(data: dict, heads: dict[str, dict[str, int]] | None = None,
                       trimmer: Trimmer | None = None) -> dict:
    compactor = Compactor((data.get("config") or {}).get("separator"))
    for entry in data.get("docs", []):
        compactor.entry(entry)
    if heads and trimmer is not None:
        trim_entries(data.get("docs", []), heads, trimmer)
    return data


def compact_search_index(path: Path, heads: dict[str, dict[str, int]] | None = None,
                         trimmer: Trimmer | None = None) -> None:
    """Rewrite an index file written by Material (used when the helper process is not in use)."""
    if not path.is_file():
        return
    data = compact_index_data(json.loads(path.read_text(encoding="utf-8")), heads, trimmer)
    path.write_text(dumps_index(data), encoding="utf-8")
