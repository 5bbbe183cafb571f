"""Text normalisation and tokens for the search index.

The browser worker (overrides/assets/javascripts/kb-search-worker.js) applies the same rules to the
query, so both sides agree on what a token is:

- ``normalize``: NFKC (full-width letters and digits become ASCII) and lower case;
- Latin/digit runs (``[a-z0-9]+``) and Han runs are separate tokens even without a space between them
  (``lora原理`` → ``lora``, ``原理``); any other character separates tokens;
- a Latin word ending in ``s`` (not ``ss``) is also indexed without it, so a singular finds a plural;
- two Latin tokens joined only by a space, ``-``, ``_``, ``.`` or ``/`` are also indexed as one word
  (``KV Cache`` → ``kvcache``, ``top_p`` → ``topp``, ``GPT-4`` → ``gpt4``), so either spelling finds it;
- Han runs are segmented by jieba (with the project's user dictionary) in search mode, which adds the
  in-dictionary sub-words of long words (旋转位置编码 → 旋转, 位置, 编码, 旋转位置编码). The browser
  segments the query against the vocabulary of the index itself, so it can only produce words the
  index holds. Two neighbouring single characters that are not stopwords are also indexed as one word:
  that is how jieba cuts a word it does not know (去重 → 去, 重), and the query side finds it whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

TOKEN_RE = re.compile(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN_RE = re.compile(r"[a-z0-9]+")
LATIN_RUN_RE = LATIN_RE
JOIN_GAP_RE = re.compile(r"[ \-_./]{1,2}")
HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def is_han(token: str) -> bool:
    return bool(HAN_RE.match(token))


class Segmenter:
    """jieba with the project's user dictionary, loaded once (about a second)."""

    def __init__(self, user_dict: str | None = None, stopwords: set[str] = frozenset()):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self.stop = {normalize(w) for w in stopwords}
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        if user_dict:
            self.jieba.load_userdict(user_dict)

    def tokens(self, text: str) -> Counter:
        """Every token of ``text`` (already normalised or not) as the index stores it, with counts."""
        text = normalize(text)
        out: Counter = Counter()
        prev: re.Match | None = None
        for m in LATIN_RUN_RE.finditer(text):
            tok = m.group(0)
            out[tok] += 1
            if len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss") and not tok[-2].isdigit():
                out[tok[:-1]] += 1  # plural: "agents" is also found as "agent"
            if prev is not None and JOIN_GAP_RE.fullmatch(text[prev.end():m.start()]):
                out[prev.group(0) + tok] += 1
            prev = m
        # one jieba call for the whole text (it splits at non-Han characters itself)
        freq = self.jieba.FREQ
        single = ""  # the previous word, when it was one Han character
        for w in self.jieba.cut(text):
            if not is_han(w):
                single = ""
                continue
            out[w] += 1
            for n in (2, 3):  # the in-dictionary sub-words of long words (jieba's search mode)
                if len(w) > n:
                    out.update(w[i:i + n] for i in range(len(w) - n + 1) if freq.get(w[i:i + n]))
            if len(w) == 1 and w not in self.stop:
                if single:  # a word jieba does not know, cut into characters (去重 → 去, 重)
                    out[single + w] += 1
                single = w
            else:
                single = ""
        return out
