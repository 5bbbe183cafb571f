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
"""

from __future__ import annotations

import json
import re
from pathlib import Path

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


def dumps_index(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)


def compact_index_data(data: dict) -> dict:
    compactor = Compactor((data.get("config") or {}).get("separator"))
    for entry in data.get("docs", []):
        compactor.entry(entry)
    return data


def compact_search_index(path: Path) -> None:
    """Rewrite an index file written by Material (used when the helper process is not in use)."""
    if not path.is_file():
        return
    data = compact_index_data(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(dumps_index(data), encoding="utf-8")
