"""The compacted search index finds exactly what Material's index finds.

``tokens`` re-implements the browser side (Material's ``extract`` + ``split`` on the configured
separator, search/internal/{extract,_}/index.ts); compaction must not change any field's tokens.
"""

import json
import re

from kb.generate.search_index import Compactor, compact_index_data

SEP = r"[\s\u200b\u3000\-、。，．？！；：“”（）《》]+"


def extract(s: str):
    """Material's extract(): (block, is_text, start, end) sections of markup and text."""
    block = start = stack = end = 0
    out = []
    while end < len(s):
        ch = s[end]
        if ch == "<" and end > start:
            out.append((block, True, start, end))
            start = end
        elif ch == ">":
            if s[start + 1:start + 2] == "/":
                stack -= 1
                if stack == 0:
                    block += 1
            elif s[end - 1] != "/":
                stack += 1
            start = end + 1
        end += 1
    if end > start:
        out.append((block, True, start, end))
    return out


def tokens(s: str, sep: str = SEP) -> list[str]:
    r = re.compile(sep)
    return [t.lower() for _, is_text, a, b in extract(s) if is_text for t in r.split(s[a:b]) if t]


SAMPLES = [
    "<p>\u200b已\u200b解答\u200b RoPE</p> <p>\u200b也\u200b问作\u200b：\u200b推导</p> \u200b大模型\u200b（\u200b含答案\u200b） "
    "<p>a<code>b</code>c</p> <ul> <li>x</li> <li>y <ul><li>z</li></ul></li></ul> "
    "<pre><code>def f():\n    return 1\n</code></pre> <p>H<sub>2</sub>O &amp; x&lt;y</p>",
    "推导\u200b一下 <code>top_p</code>",
    "<ol><li><p>\u200b第一\u200b</p></li><li><p>second <code>x</code>，\u200b然后</p></li></ol>",
    "",
]


def test_compaction_keeps_every_token_and_drops_bytes():
    c = Compactor(SEP)
    for s in SAMPLES:
        out = c.text(s)
        assert tokens(out) == tokens(s), s
        assert len(out.encode()) <= len(s.encode())
    out = c.text(SAMPLES[0])
    assert "<ul>" not in out and "<code>" not in out and out.count("<p>") == out.count("</p>")
    assert "\u200b\u200b" not in out and "\u200b " not in out


def test_built_index_is_compact_and_tokens_match_material(fixture_site):
    path = fixture_site / "search" / "search_index.json"
    raw = path.read_text(encoding="utf-8")
    assert "\\u" not in raw.replace("\\u200b", "").replace("\\u3000", "")  # UTF-8, not escapes
    data = json.loads(raw)
    again = compact_index_data(json.loads(raw))
    assert again == data  # already compact: compaction is idempotent
    for doc in data["docs"]:
        assert "<li>" not in doc["text"] and "<code>" not in doc["text"]
    peft = next(d for d in data["docs"] if d["location"].endswith("#what-is-lora"))
    assert "答案出自" not in peft["text"].replace("\u200b", "")  # attribution lines are not indexed
