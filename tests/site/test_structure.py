"""Topic structure files (order, sections, pages), glossary validation and related questions."""

import re
import shutil
from pathlib import Path

import pytest
from sitebuild import FIXTURE

from kb.generate.glossary import Term, glossary_problems
from kb.generate.inputs import load_inputs
from kb.generate.related import compute_related
from kb.generate.site import build_context, build_site
from kb.model import Block, Note, SourceRef
from kb.structure import Section, arrange, load_structure, structure_problems

STRUCTURE = Path("tools/kb/data/structure")


def note(nid: str, question: str, answer: str = "", topic: str = "peft", line: int = 1, tags=()) -> Note:
    return Note(nid, question, topic, "partial", [SourceRef("s002", f"L{line}")], tags=list(tags),
                blocks=[Block("answer", ["s002"], answer or question)])


def write(tmp_path: Path, text: str, name: str = "peft.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_listed_order_then_keywords_then_last_section(tmp_path):
    st = load_structure(write(tmp_path, """sections:
  - id: lora
    title: LoRA 系列
    keywords: [lora]
    questions: [b, a]
  - id: prompt
    title: Prompt 系列
    keywords: [prompt, "re:p-?tuning"]
  - id: other
    title: 其他
"""))
    notes = [note("a", "什么是 LoRA？", line=9), note("b", "LoRA 怎么合并？", line=8),
             note("c", "QLoRA 有什么特点？", line=3), note("d", "P-tuning 的思路是什么？", line=1),
             note("e", "为什么需要它？", "这是 Prompt Tuning 的动机。", line=2), note("f", "适配器放在哪？", line=5)]
    placed = [(sec.id, [n.id for n in ns]) for sec, ns in arrange(notes, st, Section("peft", "PEFT"))]
    # listed ids first in their order; unlisted by keyword in the question, then in the answer, else last
    assert placed == [("lora", ["b", "a", "c"]), ("prompt", ["d", "e"]), ("other", ["f"])]


def test_topic_without_file_is_one_section_in_source_order():
    notes = [note("x", "后出现的问题？", line=20), note("y", "先出现的问题？", line=3)]
    (sec, ns), = arrange(notes, None, Section("peft", "PEFT"))
    assert sec.id == "peft" and [n.id for n in ns] == ["y", "x"]


def test_partial_file_is_used_and_its_problems_have_lines(tmp_path):
    st = load_structure(write(tmp_path, """sections:
  - id: Bad Id
    title: 坏的小节
    questions:
      - a
  - title: 没有 id
    keywords: lora
"""))
    assert [s.questions for s in st.sections] == [["a"], []]  # what can be used is used
    lines = {line for line, _ in st.problems}
    assert lines == {2, 6, 7}, st.problems  # bad id, missing id, keywords not a list


def test_invalid_yaml_is_one_problem_and_no_sections(tmp_path):
    st = load_structure(write(tmp_path, "sections:\n  - id: a\n    questions: [a, b\n"))
    assert not st.sections and st.problems and "invalid YAML" in st.problems[0][1]


def test_structure_problems(tmp_path):
    path = write(tmp_path, """sections:
  - id: lora
    title: LoRA
    questions: [a, ghost, a, moved]
  - id: lora
    title: 又一个
""")
    problems = structure_problems({"peft": load_structure(path)}, {"peft", "rag"}, {"a": "peft", "moved": "rag"})
    got = sorted((line, msg.split(" (")[0].split(":")[0]) for _, line, msg in problems)
    assert [line for line, _ in got] == [4, 4, 4, 5]
    text = " | ".join(msg for _, _, msg in problems)
    assert "unknown note id 'ghost'" in text and "listed twice" in text
    assert "belongs to topic 'rag'" in text and "duplicate section id 'lora'" in text
    other = structure_problems({"nope": load_structure(write(tmp_path, "sections: []\n", "nope.yml"))}, {"peft"}, {})
    assert "unknown topic 'nope'" in other[0][2]


def test_fixture_pages_follow_structure():
    site = build_site(load_inputs(FIXTURE))
    uris = [p.uri for p in site.pages]
    # inference is split by section (split: true): an overview page, then one page per section
    assert uris.index("topics/inference/index.md") < uris.index("topics/inference/decoding.md") \
        < uris.index("topics/inference/kv-cache.md")
    assert not any("（" in p.content.split("\n")[1] for p in site.pages if p.uri.startswith("topics/"))
    overview = site.page("topics/inference/index.md").content
    assert "(decoding.md#decoder-only)" in overview  # unlisted question placed by keyword
    pe = site.page("topics/position-encoding.md").content
    # one page with dividers that are not headings; order from the file, not from the sources
    assert "{ .kb-section #sec-basics" in pe and "{ .kb-section #sec-rope" in pe
    assert pe.index("#position-encoding-formula") < pe.index("#what-is-rope") < pe.index("#alibi-vs-rope")
    assert "kb-section" not in site.page("topics/peft.md").content  # no file: one section, no divider


def test_large_topic_is_split_by_section_without_a_flag(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "root"))
    (root / STRUCTURE / "inference.yml").write_text(
        (root / STRUCTURE / "inference.yml").read_text(encoding="utf-8").replace("split: true\n", ""),
        encoding="utf-8")
    uris = [p.uri for p in build_site(load_inputs(root)).pages]
    assert "topics/inference.md" in uris and "topics/inference/index.md" not in uris  # 3 questions: one page
    src = root / "notes" / "inference" / "top-p-sampling.md"
    for k in range(25):  # 25 more questions: now large enough for a page per section
        text = src.read_text(encoding="utf-8").replace("id: top-p-sampling", f"id: sampling-{k}")
        text = text.replace("question: 解码时", f"question: 第 {k} 个解码时")
        (root / "notes" / "inference" / f"sampling-{k}.md").write_text(text, encoding="utf-8")
    uris = [p.uri for p in build_site(load_inputs(root)).pages]
    assert {"topics/inference/index.md", "topics/inference/decoding.md", "topics/inference/kv-cache.md"} <= set(uris)


def test_glossary_problems():
    notes = [note("a", "什么是 KV Cache？", "KV Cache 缓存 Key 和 Value。")]
    terms = [Term("KV Cache", note="a", definition="缓存。", line=2), Term("Value", note="ghost", definition="值。", line=3),
             Term("Mamba", note="a", line=4), Term("kv-cache", aliases=["KVCache"], note="a", definition="x", line=5)]
    problems = glossary_problems(terms, notes)
    assert [line for line, _ in problems] == [3, 4, 4, 5]
    text = " | ".join(m for _, m in problems)
    assert "'ghost', which is not a note" in text and "'Mamba' has no definition" in text
    assert "'Mamba' occurs in no answer" in text and "'kv-cache' occurs in no answer" in text


def test_repository_glossary_is_complete():
    """The real glossary against the real notes: every term defined, used, and pointing to a note."""
    inputs = load_inputs()
    ctx = build_context(inputs)
    gloss = [str(p) for p in inputs.problems.items if "glossary" in p.path]
    assert not gloss, gloss
    assert ctx.terms and all(t.definition and t.note in ctx.notes_by_id for t in ctx.terms)


def test_tags_page_lists_no_empty_tag():
    tags = build_site(load_inputs(FIXTURE)).page("tags.md").content
    assert "· 0 题" not in tags


def test_related_needs_a_specific_signal_and_puts_neighbours_first():
    notes = [
        note("flash", "什么是 FlashAttention？", "FlashAttention 分块计算注意力，减少显存读写，推导见论文。"),
        note("rope", "推导一下旋转位置编码 RoPE？", "RoPE 的推导：把注意力中的位置旋转，推导见论文，减少显存。"),
        note("rope2", "RoPE 的外推性如何？", "RoPE 外推需要插值。"),
        note("alibi", "ALiBi 是什么？", "ALiBi 给注意力加偏置。"),
    ]
    terms = [Term("Flash Attention", ["FlashAttention"], note="flash"), Term("RoPE", note="rope")]
    related, neighbours = compute_related(notes, terms, set(), [["alibi", "rope"]])
    assert "rope" not in related["flash"]  # words in common (推导, 显存, 注意力) are not enough
    assert related["rope"][0] == "alibi"  # the question before it in its section comes first
    assert "rope2" in related["rope"]  # same term in the question
    assert neighbours["alibi"] == (None, "rope") and neighbours["rope"] == ("alibi", None)
    again, _ = compute_related(notes, terms, set(), [["alibi", "rope"]])
    assert again == related


@pytest.mark.parametrize("uri", ["topics/inference/decoding.md", "topics/position-encoding.md"])
def test_every_question_keeps_one_h2_on_split_pages(uri):
    content = build_site(load_inputs(FIXTURE)).page(uri).content
    headings = re.findall(r"^#{2,6} .*$", content, re.MULTILINE)
    assert headings and all(re.fullmatch(r"## .* \{ #[a-z0-9-]+ \}", h) for h in headings), headings


def test_two_extractions_of_one_article_are_one_block(tmp_path):
    root = Path(shutil.copytree(FIXTURE, tmp_path / "root"))
    path = root / "notes" / "inference" / "kv-cache-memory.md"
    text = path.read_text(encoding="utf-8").replace("<!-- answer: s000, s003 -->", "<!-- answer: s000 -->")
    text += "\n<!-- answer: s003 -->\n\n另一份提取的答案文字。\n\n<!-- erratum: s003 -->\n\n这份提取漏了显存公式。\n"
    path.write_text(text, encoding="utf-8")
    page = build_site(load_inputs(root)).page("topics/inference/kv-cache.md").content
    assert page.count("kb-source") == 1  # one label for the article, both texts inside
    block = page.split("??? warning kb-source")[1]
    assert block.startswith(' "来源：《大模型面试八股》 · 有勘误"')  # the strongest verdict of the two
    assert block.index("自回归解码时") < block.index("这份提取漏了显存公式") < block.index("另一份提取的答案文字")


def test_repository_related_questions_share_a_specific_signal():
    """On the real notes: every ranked related question shares its section, a question term or a
    subject tag with the question (no pure word coincidences), and almost every question has some."""
    from kb.generate.related import question_terms

    inputs = load_inputs()
    ctx = build_context(inputs)
    notes = ctx.notes_by_id
    section = ctx.section_of
    terms = {nid: question_terms(n, ctx.terms) for nid, n in notes.items()}
    subject = {nid: set(n.tags) - ctx.non_subject_tags for nid, n in notes.items()}
    for nid, rel in ctx.related.items():
        for other in rel:
            if other in notes[nid].related or other in ctx.neighbours.get(nid, ()):
                continue
            same_section = section[nid] == section[other] and notes[nid].topic == notes[other].topic
            assert same_section or terms[nid] & terms[other] or subject[nid] & subject[other], (nid, other)
    with_related = sum(bool(v) for v in ctx.related.values())
    assert with_related >= 0.9 * len(notes)
