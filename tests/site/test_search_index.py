"""The compacted search index finds exactly what Material's index finds.

``tokens`` re-implements the browser side (Material's ``extract`` + ``split`` on the configured
separator, search/internal/{extract,_}/index.ts); compaction must not change any field's tokens.
"""

import html
import json
import re

from kb.generate.search_index import Compactor, Trimmer, compact_index_data

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


# --- per-question budget (search_index.Trimmer) ----------------------------------------------------

ZWSP = "\u200b"
LONG_ANSWER = (
    "\n\n结论先行：这是一段开头的总结，说明答案的要点。"
    + "后面是很长的展开说明，讲解细节与推导过程。" * 60
    + "\n\n深处还提到 DeepSpeedUlysses 与 top_k 采样，以及灾难性遗忘的问题。\n"
)


def _plain(s: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", s)).replace(ZWSP, "")


def test_trimmer_keeps_head_budget_and_deep_terms():
    head = "<p>已\u200b解答 原理</p><p>也\u200b问作：别的\u200b问法</p>"
    body = "<p>第一\u200b句话\u200b是\u200b结论。第二句。</p>" + "<p>" + "很长\u200b的\u200b说明，" * 80 + "</p>"
    body += "<p>最后\u200b提到 ZeRO 和 KV Cache 以及\u200b灾难性\u200b遗忘</p>"
    out = Trimmer(SEP, ["灾难性遗忘"], budget=30).text("问题", head + body, 2)
    assert out.startswith(head)
    blocks = re.findall(r"<p>(.*?)</p>", out)
    assert blocks[2] == "第一\u200b句话\u200b是\u200b结论。第二句。"
    assert len(_plain("".join(blocks[2:-1]))) <= 30 + 1  # the budget, plus the "…"
    assert blocks[-1] == "ZeRO KV Cache 灾难性遗忘"
    assert Trimmer(SEP, [], budget=1000).text("问题", head + body, 2) == head + body  # short: unchanged


def test_index_budget_per_question_and_every_question_alias_and_tag(tmp_path):
    from sitebuild import copy_fixture, mkdocs_build

    from kb.generate.inputs import load_inputs

    root = copy_fixture(tmp_path / "root")
    long_note = root / "notes" / "peft" / "lora-vs-qlora.md"
    long_note.write_text(long_note.read_text(encoding="utf-8") + LONG_ANSWER, encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    raw = (tmp_path / "site" / "search" / "search_index.json").read_bytes()
    data = json.loads(raw)
    inputs = load_inputs(root)
    tags = {t.id: t.name for t in reversed(inputs.tags)}
    # (the fixture's few notes share the index with every hand-written page: the budget is per entry)
    for note in inputs.notes:
        entry = next(d for d in data["docs"] if d["location"].endswith(f"#{note.id}"))
        assert len(json.dumps(entry, ensure_ascii=False).encode()) <= 1000, note.id
        assert _plain(entry["title"]) == note.question
        text = _plain(entry["text"])
        for alias in note.aliases:
            assert alias in text, (note.id, alias)
        for tag in note.tags:
            assert tags.get(tag, tag) in text, (note.id, tag)
    entry = next(d for d in data["docs"] if d["location"].endswith("#lora-vs-qlora"))
    words = set(tokens(entry["text"]))
    assert {"deepspeedulysses", "top_k", "灾难性遗忘"} <= words  # terms from deep in the answer
    assert "QLoRA 把基座模型量化到 4 bit" in _plain(entry["text"])  # the start of the answer is kept
    assert "推导过程" * 2 not in _plain(entry["text"])
