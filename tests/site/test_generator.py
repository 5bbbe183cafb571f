"""Generator behaviour on the fixture notes and on broken copies of them."""

import re
import shutil
from pathlib import Path

import pytest
from sitebuild import FIXTURE, mkdocs_build

from kb.generate.inputs import load_inputs
from kb.generate.math import render_math
from kb.generate.mdtext import demote_headings
from kb.generate.problems import GenerationError
from kb.generate.site import build_site, generate

FORMULA_RE = re.compile(r"\$\$.+?\$\$|(?<![\\$`])\$[^\s$][^$\n]*?\$(?![\d$`])", re.DOTALL)


@pytest.fixture
def site():
    return build_site(load_inputs(FIXTURE))


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "root"))


def test_every_note_is_one_h2_with_its_id(site):
    inputs = load_inputs(FIXTURE)
    text = "\n".join(p.content for p in site.pages if p.uri.startswith("topics/"))
    for note in inputs.notes:
        assert len(re.findall(rf"^## .* {{ #{note.id} }}$", text, re.MULTILINE)) == 1
    assert not re.search(r"^#{3,6} ", text, re.MULTILINE), "no sub-headings inside questions"
    assert "**实现要点**" in text  # the heading inside an answer was demoted to a bold line


def test_labels_badges_and_links(site):
    peft = site.page("topics/peft.md").content
    qlora = peft.split("{ #lora-vs-qlora }")[1].split("\n## ")[0]
    # 要点 first, then the canonical answer plainly, then the source answer collapsed as provenance
    assert qlora.index('!!! abstract kb-keypoints "要点"') < qlora.index("QLoRA 先把基座量化") \
        < qlora.index("??? warning kb-source")
    assert '"来源：《大模型面试题汇总》 · 有勘误"' in qlora  # verdict visible while collapsed
    block = qlora.split("??? warning kb-source")[1]
    assert block.index("勘误（本站撰写）") < block.index("QLoRA 把基座模型量化到 4 bit")  # erratum inside its block
    assert "===" not in peft and "已解答" not in peft  # no tabs, no uninformative badge
    assert 'kb-status--unanswered">待解答' in peft
    assert "也问作：QLoRA 相比 LoRA 做了哪些改进？" in peft
    assert "[LoRA 的定义](#what-is-lora)" in peft  # q: link on the same page
    assert "[KV Cache](inference/kv-cache.md#kv-cache-memory)" in peft  # q: link across pages
    assert "/edit/main/notes/peft/lora-vs-qlora.md" in peft
    assert "/issues/new?title=" in peft and "lora-vs-qlora" in peft
    rope = site.page("topics/position-encoding.md").content
    what = rope.split("{ #what-is-rope }")[1].split("\n## ")[0]
    assert "本站答案待撰写" in what and what.count("???+ quote kb-source") == 2  # partial: sources expanded
    assert 'kb-status--partial">待完善' in what


def test_one_label_per_article(site):
    kv = site.page("topics/inference/kv-cache.md").content
    assert '"来源：《大模型面试八股》 · 已核对"' in kv  # s000 + s003: one article, one label


def test_source_labels_are_short_and_unique_per_article():
    from kb.generate.inputs import REPO_DIR, load_sources, source_label_problems

    sources = load_sources(REPO_DIR / "sources" / "sources.yml")
    assert source_label_problems(sources) == []
    assert all(0 < len(s.short) <= 12 for s in sources.values())  # fits a phone-width block title
    shared = [s for s in sources.values() if [x.short for x in sources.values()].count(s.short) > 1]
    assert {s.id for s in shared} == {"s000", "s003"}  # the two extractions of one article


def test_source_label_problems_name_the_line(tmp_path):
    from kb.generate.inputs import load_sources, source_label_problems

    path = tmp_path / "sources.yml"
    path.write_text("- id: a\n  title: 甲\n  short: 同名\n  url: https://x/1\n"
                    "- id: b\n  title: 乙\n  short: 同名\n  url: https://x/2\n"
                    "- id: c\n  title: 丙\n  short: 同名\n  url: https://x/1\n"
                    "- id: d\n  title: 丁\n", encoding="utf-8")
    problems = source_label_problems(load_sources(path))
    assert [line for line, _ in problems] == [5, 13]  # b: another article's name; d: no short name
    assert "short name" in problems[0][1] and "no short name" in problems[1][1]


def test_glossary_links_first_mention_only(site):
    decoding = site.page("topics/inference/decoding.md").content
    block = decoding.split("{ #decoder-only }")[1]
    links = re.findall(r"\[KV Cache\]\(kv-cache.md#kv-cache-memory \"术语：KV Cache\"\)", block)
    assert len(links) == 1
    # never in the defining note itself
    kv = site.page("topics/inference/kv-cache.md").content.split("{ #kv-cache-memory }")[1]
    assert "术语：KV Cache" not in kv


def test_every_formula_renders_to_mathml(site):
    inputs = load_inputs(FIXTURE)
    formulas = sum(len(FORMULA_RE.findall(re.sub(r"`[^`]*`", "", b.text))) for n in inputs.notes for b in n.blocks)
    pages = "\n".join(p.content for p in site.pages)
    assert formulas >= 5
    assert pages.count("<math ") == formulas
    assert not site.problems.items
    assert "`$x$`" in site.page("topics/position-encoding.md").content  # code spans untouched


def test_broken_formula_is_a_warning_and_shown_as_tex():
    warnings = []
    out = render_math(r"见 $\frac{a$ 与 $\unknowncmd{x}$", warnings.append)
    assert len(warnings) == 2
    assert r"`$\frac{a$`" in out and "<math" not in out


def test_broken_formula_fails_strict_generation(tmp_path):
    root = _copy(tmp_path)
    note = root / "notes" / "peft" / "what-is-lora.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n坏公式 $\\frac{a$ 。\n", encoding="utf-8")
    generate(root, tmp_path / "lenient")  # a warning only
    with pytest.raises(GenerationError) as exc:
        generate(root, tmp_path / "out", strict=True)
    assert "what-is-lora.md" in str(exc.value)


def test_unknown_q_id_fails_generation_naming_the_note(tmp_path):
    root = _copy(tmp_path)
    note = root / "notes" / "inference" / "top-p-sampling.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n另见 [温度](q:no-such-note)。\n", encoding="utf-8")
    with pytest.raises(GenerationError) as exc:
        generate(root, tmp_path / "out")
    assert "top-p-sampling.md" in str(exc.value) and "no-such-note" in str(exc.value)


def test_unknown_q_id_fails_strict_mkdocs_build(tmp_path):
    root = _copy(tmp_path)
    note = root / "notes" / "inference" / "top-p-sampling.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n另见 [温度](q:no-such-note)。\n", encoding="utf-8")
    result = mkdocs_build(root, tmp_path / "site")
    assert result.returncode != 0
    assert "top-p-sampling.md" in result.stderr and "no-such-note" in result.stderr


def test_moving_a_question_keeps_links_working(tmp_path):
    root = _copy(tmp_path)
    src = root / "notes" / "inference" / "kv-cache-memory.md"
    text = src.read_text(encoding="utf-8").replace("topic: inference", "topic: memory-precision")
    (root / "notes" / "memory-precision").mkdir()
    (root / "notes" / "memory-precision" / "kv-cache-memory.md").write_text(text, encoding="utf-8")
    src.unlink()
    generate(root, tmp_path / "out", strict=True)
    peft = (tmp_path / "out" / "topics" / "peft.md").read_text(encoding="utf-8")
    assert "[KV Cache](memory-precision.md#kv-cache-memory)" in peft
    assert not (tmp_path / "out" / "topics" / "inference" / "kv-cache.md").exists()  # an emptied section has no page


def test_related_is_stable_and_includes_explicit(site):
    inputs = load_inputs(FIXTURE)
    from kb.generate.site import build_context
    a = build_context(inputs).related
    b = build_context(load_inputs(FIXTURE)).related
    assert a == b
    assert a["lora-vs-qlora"][0] == "what-is-lora"
    assert all(len(v) <= 5 for v in a.values()) and sum(bool(v) for v in a.values()) >= len(a) // 2


def test_demote_headings_leaves_code_alone():
    text = "# 标题\n```python\n# comment\n```\n小节\n---\n"
    assert demote_headings(text) == "**标题**\n```python\n# comment\n```\n**小节**\n"


def test_empty_notes_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    written = generate(tmp_path, tmp_path / "out", strict=True)
    assert {p.name for p in written} >= {"index.md", "tags.md", "unanswered.md", "sources.md"}
