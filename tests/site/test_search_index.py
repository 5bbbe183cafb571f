"""The search index (tools/kb/search) and the browser worker that searches it agree.

The worker (overrides/assets/javascripts/kb-search-worker.js) is run under node where the tests need
the browser side: query segmentation against the index's vocabulary, synonyms, ranking.
"""

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.search import synonyms
from kb.search.build import (STOP_SHARE, IndexBuilder, QuestionDoc, decode_postings, dumps, encode_postings,
                             plain_text, snippet)
from kb.search.text import Segmenter

REPO = Path(__file__).resolve().parents[2]
WORKER = REPO / "overrides" / "assets" / "javascripts" / "kb-search-worker.js"
USER_DICT = REPO / "tools" / "kb" / "data" / "jieba_user_dict.txt"
SYNONYMS = REPO / "tools" / "kb" / "data" / "synonyms.yml"
GLOSSARY = REPO / "tools" / "kb" / "data" / "glossary.yml"


@pytest.fixture(scope="module")
def segmenter():
    """As the site build makes it (kb.generate.search_worker)."""
    return Segmenter(str(USER_DICT), set(synonyms.load(SYNONYMS).stopwords))


def load_index(site: Path) -> tuple[dict, dict]:
    """(the stub Material fetches on every page, the question index it names)."""
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    kb = stub["config"]["kb"]
    if kb.get("inline"):
        return stub, stub["docs"][0]
    return stub, json.loads((site / kb["index"]).read_text(encoding="utf-8"))


# --- build side ------------------------------------------------------------------------------------

def test_postings_round_trip():
    postings = [(0, 4), (1, 0), (2, 3), (40, 1), (41, 2), (5000, 4), (5001, 0)]
    assert decode_postings(encode_postings(postings)) == postings
    assert decode_postings("") == []


def test_tokens_split_latin_from_han_and_join_latin_pairs(segmenter):
    toks = segmenter.tokens("lora原理 与 KV-Cache、top_p，7B模型 Agents")
    assert {"lora", "原理", "kv", "cache", "kvcache", "top", "p", "topp", "7b", "模型", "agents", "agent"} <= set(toks)
    assert {"旋转位置编码", "旋转", "位置", "编码"} <= set(segmenter.tokens("旋转位置编码"))  # user dict + sub-words


def test_plain_text_and_snippet_have_no_markup():
    md = "**结论**：用 `top_p` 采样，见 [文档](https://x.org)。\n\n- 第一点\n- 第二点 $\\sqrt{d_k}$\n\n```python\nx = 1\n```\n"
    text = plain_text(md)
    for junk in ("**", "`", "](", "https", "$", "\\sqrt", "- "):
        assert junk not in text, junk
    assert "top_p" in text and "文档" in text and "x = 1" in text and "√d_k" in text
    long = "第一句说明结论。" + "后面的展开很长" * 30
    assert snippet(long) == "第一句说明结论。" or snippet(long).endswith("…")
    assert len(snippet(long)) <= 91


def test_synonym_forms_match_every_spelling():
    m = synonyms.Matcher([["KV Cache", "键值缓存"], ["张量并行", "TP"]])
    assert m.groups_in("用 kv-cache 加速") == {0}
    assert m.groups_in("KVCache 的显存") == {0}
    assert m.groups_in("键值缓存") == {0}
    assert m.groups_in("tensor parallel 与 TP 并行") == {1}
    assert m.groups_in("TPU 上的训练") == set()  # whole words only
    assert m.groups_in("kv caches") == {0}  # a plural


def test_synonym_data_file_is_valid_and_problems_name_their_line(tmp_path):
    assert synonyms.validate(SYNONYMS) == []
    bad = tmp_path / "synonyms.yml"
    bad.write_text("groups:\n  - [张量并行, TP]\n  - [TP, tensor parallel]\n  - [只有一个]\nextra: 1\n", encoding="utf-8")
    problems = {(p.line, p.message.split(" ")[0]) for p in synonyms.validate(bad)}
    assert (3, "form") in problems  # TP is in two groups
    assert (4, "a") in problems  # a group of one form
    assert (5, "unknown") in problems


def test_kb_check_reports_a_broken_synonyms_file(tmp_path):
    from kb import check

    data = tmp_path / "tools" / "kb" / "data"
    data.mkdir(parents=True)
    (tmp_path / "notes").mkdir()
    (data / "synonyms.yml").write_text("groups:\n  - [张量并行, TP]\n  - [tp, 张量模型并行]\n", encoding="utf-8")
    problems = check.Checker(tmp_path).check_all()
    found = [p for p in problems if p.rule == "D-synonyms"]
    assert found and found[0].line == 3 and found[0].path.endswith("synonyms.yml"), problems
    assert "merge the two groups" in str(found[0])


# --- browser side (the worker under node) ------------------------------------------------------------

DOCS = [
    QuestionDoc("rope", "topics/pe.md", "旋转位置编码 RoPE 的思路是什么？", ["RoPE 思路"], [], ["按位置旋转 Query 和 Key。"],
                "RoPE 把位置信息编码为旋转，注意力分数只依赖相对位置，**外推**较好。"),
    QuestionDoc("extrapolation", "topics/pe.md", "什么是长度外推问题？", [], [], [],
                "推理时的输入比训练时长，模型效果下降，这就是长度外推问题。"),
    QuestionDoc("tp", "topics/dist.md", "什么是张量并行？", [], [], [],
                "把一层的权重矩阵切到多张卡上，每张卡算一部分，再通信合并结果。"),
    QuestionDoc("ckpt", "topics/mem.md", "Gradient Checkpointing 是什么？", [], [], [],
                "前向时只保存部分激活，反向时重新计算其余激活，用时间换显存。"),
    QuestionDoc("lora", "topics/peft.md", "什么是 LoRA？", ["LoRA 的原理"], [], [],
                "冻结原权重，只训练低秩矩阵 BA。训练后 BA 可以合并回原模型，推理没有额外延迟。"),
    QuestionDoc("rag", "topics/rag.md", "RAG 中的外挂知识库怎么搭？", [], [], [],
                "把文档切块后向量化存进向量库，查询时检索相关片段拼进提示词。"),
]
PAGES = {"topics/pe.md": ("topics/pe/", "位置编码"), "topics/dist.md": ("topics/dist/", "分布式训练"),
         "topics/mem.md": ("topics/mem/", "显存"), "topics/peft.md": ("topics/peft/", "微调"),
         "topics/rag.md": ("topics/rag/", "RAG")}

NODE_RUNNER = """
global.self = { addEventListener() {}, postMessage() {}, location: { href: "http://x/a/b/w.js" } };
global.BroadcastChannel = undefined;
const w = require(process.argv[1]);
const raw = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const ix = w.prepare(raw);
const out = {};
for (const q of JSON.parse(process.argv[3])) {
  const p = w.parse(ix, q);
  out[q] = { ids: w.search(ix, q).map(r => r[0].location.split("#")[1]),
             words: p.clauses.map(c => c.alts.map(a => a.terms.map(t => ix.terms[t]).join("+"))),
             html: w.search(ix, q).slice(0, 1).map(r => r[0].title + " " + r[0].text) };
}
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def small_index(tmp_path_factory, segmenter):
    data = synonyms.load(SYNONYMS, GLOSSARY)
    index = IndexBuilder(segmenter, data).build(DOCS, PAGES)
    path = tmp_path_factory.mktemp("index") / "index.json"
    path.write_text(dumps(index), encoding="utf-8")
    return path


def run_worker(index: Path, queries: list[str]) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not installed (apt install nodejs)")
    out = subprocess.run([node, "-e", NODE_RUNNER, str(WORKER), str(index), json.dumps(queries)],
                         capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_query_segmentation_uses_the_index_vocabulary(small_index):
    out = run_worker(small_index, ["长度外推", "旋转位置编码", "lora原理", "旋转位置编"])
    assert out["长度外推"]["ids"][0] == "extrapolation"  # the last character is not dropped
    assert out["旋转位置编码"]["ids"][0] == "rope"
    assert out["lora原理"]["ids"][0] == "lora"  # Latin and Han apart without a space
    assert out["旋转位置编"]["ids"][0] == "rope"  # the word being typed matches as a prefix
    for q in ("长度外推", "lora原理"):
        words = [w for clause in out[q]["words"] for w in clause]
        assert not any(len(w) == 1 for w in words), words  # no stray single characters


def test_synonyms_find_the_question_in_either_form(small_index):
    out = run_worker(small_index, ["梯度检查点", "重计算", "gradient checkpointing", "TP", "tensor parallel", "张量并行"])
    for q in out:
        assert out[q]["ids"] and out[q]["ids"][0] in ("ckpt", "tp"), (q, out[q])
    assert out["梯度检查点"]["ids"][0] == "ckpt" and out["TP"]["ids"][0] == "tp"


def test_exact_question_or_alias_ranks_first_and_results_are_clean(small_index):
    out = run_worker(small_index, ["什么是 LoRA？", "LoRA 的原理", "外推"])
    assert out["什么是 LoRA？"]["ids"][0] == "lora"
    assert out["LoRA 的原理"]["ids"][0] == "lora"
    html = out["外推"]["html"][0]
    assert "<mark data-md-highlight>" in html
    for junk in ("**", "已解答", "<p>", "<!--"):
        assert junk not in html


def test_typos_and_other_cuts_still_find_the_question(small_index):
    out = run_worker(small_index, ["lroa", "位置编吗", "旋转位置编吗", "外挂知识"])
    assert out["lroa"]["ids"][0] == "lora"  # a Latin word one edit away (letters swapped)
    assert ["编码"] in out["位置编吗"]["words"]  # a wrong homophone (吗 for 码) read by its pinyin
    assert out["旋转位置编吗"]["ids"][0] == "rope"
    assert out["外挂知识"]["ids"][0] == "rag"  # 知识 inside the question's 知识库


# --- the built fixture site ----------------------------------------------------------------------------

def test_built_index_holds_every_question_and_no_page(fixture_site):
    from sitebuild import FIXTURE

    from kb.generate.inputs import load_inputs

    stub, index = load_index(fixture_site)
    assert stub["docs"] == [] and len(json.dumps(stub).encode()) < 600  # every page load fetches only this
    assert "separator" in stub["config"]  # Material's page highlighter reads it
    notes = load_inputs(FIXTURE).notes
    ids = [d[1] for d in index["docs"]]
    assert sorted(ids) == sorted(n.id for n in notes)  # questions only: no hand-written or topic page
    for d in index["docs"]:
        assert index["pages"][d[0]][0].startswith("topics/")


def test_every_word_of_the_answers_is_findable_within_budget(fixture_site, segmenter):
    from sitebuild import FIXTURE

    from kb.generate.inputs import load_inputs

    _, index = load_index(fixture_site)
    terms = index["terms"].split("\n")
    post = dict(zip(terms, index["post"]))
    ids = [d[1] for d in index["docs"]]
    stop = set(index["stop"])
    inputs = load_inputs(FIXTURE)
    notes, tag_names = inputs.notes, {t.id: t.name for t in inputs.tags}
    tokens_of = {n.id: set(segmenter.tokens("\n".join([n.question, *n.aliases, *n.keypoints, *(tag_names.get(t, t) for t in n.tags),
                                                      *(b.content for b in n.answers)]))) for n in notes}
    for note in notes:
        n = ids.index(note.id)
        text = "\n".join([*note.keypoints, note.canonical.content if note.canonical else ""])
        for tok in segmenter.tokens(plain_text(text)):
            assert tok in post, (note.id, tok)
            if post[tok] == "" or tok in index["common"]:  # words that never decide a match
                common = sum(tok in seen for seen in tokens_of.values()) > STOP_SHARE * len(ids)
                assert tok in stop or len(tok) == 1 or common or len(ids) * STOP_SHARE < 3, (note.id, tok)
                if tok in index["common"]:  # a too common word keeps its question and alias postings
                    assert all(level >= 3 for _, level in decode_postings(post[tok])), tok
            else:
                assert n in {d for d, _ in decode_postings(post[tok])}, (note.id, tok)
    raw = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(gzip.compress(raw, 6)) <= 1024 * len(ids) + 4096  # ≤ ~1 KB per question transferred


def test_offline_build_inlines_the_index(tmp_path):
    from sitebuild import build_fixture_site

    site = build_fixture_site(tmp_path, offline=True)
    stub, index = load_index(site)
    assert stub["config"]["kb"] == {"inline": True} and index["docs"]
    js = (site / "search" / "search_index.js").read_text(encoding="utf-8")
    assert js.startswith("var __index = ") and '"inline":true' in js.replace(" ", "")


def test_material_worker_override_fails_loudly_when_material_changes():
    """overrides/main.html replaces the worker URL in Material's config block; the hook refuses a page
    where that did not happen (e.g. Material renamed the entry)."""
    import importlib.util
    from types import SimpleNamespace

    import material
    from mkdocs.exceptions import PluginError

    base = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    block = base.split("{% block config %}")[1].split("{% endblock %}")[0]
    assert block.count('"search": "assets/javascripts/workers/search.') == 1  # what main.html replaces

    spec = importlib.util.spec_from_file_location("kb_site_hook", REPO / "hooks" / "kb_site.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    hook._search["worker"] = object()
    page = SimpleNamespace(file=SimpleNamespace(src_uri="index.md"))
    good = '<script id="__config" type="application/json">{"search": "../assets/javascripts/kb-search-worker.js"}'
    assert hook.on_post_page(good, page, None) == good
    with pytest.raises(PluginError, match="overrides/main.html"):
        hook.on_post_page('<script id="__config" type="application/json">{"search": "x/search.1.min.js"}',
                          page, None)
