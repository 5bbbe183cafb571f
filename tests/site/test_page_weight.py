"""Heavy topics are cut into pages a phone opens quickly: by section, then into consecutive parts."""

import shutil

from sitebuild import FIXTURE

from kb.generate.context import split_topics
from kb.generate.inputs import load_inputs
from kb.generate.page_weight import PAGE_BUDGET, note_weight, split_by_weight
from kb.generate.site import build_site


def test_split_by_weight_uses_the_fewest_even_pages():
    assert split_by_weight([100] * 5, budget=950) == []  # fits: one page
    cuts = split_by_weight([100] * 20, budget=950)  # 2,000 → three even pages, not 900 + 900 + 200
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, 20])]
    assert len(sizes) == 3 and max(sizes) == 7
    assert split_by_weight([500, 500, 500], budget=950) == [1, 2]
    assert split_by_weight([2000, 10, 10], budget=950) == [1]  # a question over budget stands alone
    assert split_by_weight([10, 2000, 10], budget=950) == [1, 2]  # neighbours do not ride along


def test_formulas_and_code_weigh_more_than_prose():
    inputs = load_inputs(FIXTURE)
    notes = {n.id: n for n in inputs.notes}
    prose = notes["kv-cache-memory"]
    weight = note_weight(prose)
    formula = "$$" + " + ".join(f"\\frac{{q_{i} k_{i}^T}}{{\\sqrt{{d_{i}}}}}" for i in range(20)) + "$$"
    prose.blocks[0].text += "\n\n" + formula
    assert note_weight(prose) > weight + 150
    code = "```python\n" + "x = torch.softmax(q @ k.transpose(-1, -2), dim=-1)\n" * 10 + "```"
    prose.blocks[0].text += "\n\n" + code
    assert note_weight(prose) > weight + 150 + 80


def _with_heavy_questions(tmp_path, count: int):
    """A copy of the fixture with ``count`` formula-heavy questions heavy-0… in position-encoding."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURE, root)
    topic_dir = root / "notes" / "position-encoding"
    template = (topic_dir / "alibi-vs-rope.md").read_text(encoding="utf-8")
    heavy = "\n\n" + "\n\n".join(f"$$\\theta_{{{i}}} = 10000^{{-2 i / d}} \\cdot \\frac{{m}}{{n + {i}}}$$"
                                 for i in range(40)) + "\n"
    for k in range(count):
        text = template.replace("id: alibi-vs-rope", f"id: heavy-{k}").replace("question: ", f"question: 第 {k} 个")
        (topic_dir / f"heavy-{k}.md").write_text(text.rstrip("\n") + heavy, encoding="utf-8")
    return root


def test_a_topic_over_budget_gets_an_overview_and_numbered_parts(tmp_path):
    root = _with_heavy_questions(tmp_path, 4)  # one section: the fixture's structure puts them with RoPE

    inputs = load_inputs(root)
    parts = [p for p in split_topics(inputs) if p.topic.id == "position-encoding"]
    assert len(parts) >= 2
    assert all(sum(note_weight(n) for n in p.notes) <= PAGE_BUDGET or len(p.notes) == 1 for p in parts)
    second = next(p for p in parts if p.uri.endswith("-2.md"))
    first = parts[parts.index(second) - 1]
    assert first.uri == second.uri.replace("-2.md", ".md") and first.section is second.section
    assert first.title.endswith("（一）") and second.title.endswith("（二）")
    assert sorted(n.id for p in parts for n in p.notes) == sorted(
        n.id for n in inputs.notes if n.topic == "position-encoding")  # nothing lost, nothing twice

    site = build_site(inputs)
    assert not site.problems.errors
    overview = site.page("topics/position-encoding/index.md").content
    for p in parts:  # every part listed once, with its own anchor
        assert overview.count(f"{{ #{p.anchor} }}") == 1
    page = site.page(second.uri).content
    assert "（二）" in page and f"]({first.anchor}.md)" in page  # the parts link to each other


def test_small_neighbouring_sections_share_a_page_next_to_a_heavy_one(tmp_path):
    root = _with_heavy_questions(tmp_path, 3)
    (root / "tools/kb/data/structure/position-encoding.yml").write_text(
        "sections:\n"
        "  - id: basics\n    title: 位置编码基础\n    questions: [position-encoding-formula]\n"
        "  - id: rope\n    title: RoPE 与 ALiBi\n    questions: [what-is-rope, alibi-vs-rope]\n"
        "  - id: derivations\n    title: 推导\n    questions: [heavy-0, heavy-1, heavy-2]\n", encoding="utf-8")

    inputs = load_inputs(root)
    parts = [p for p in split_topics(inputs) if p.topic.id == "position-encoding"]
    first = parts[0]
    assert first.uri == "topics/position-encoding/basics.md" and first.title == "位置编码基础、RoPE 与 ALiBi"
    assert [s.id for s, _ in first.sections] == ["basics", "rope"]
    assert all(p.sections[0][0].id == "derivations" for p in parts[1:]) and len(parts) >= 3
    page = build_site(inputs).page(first.uri).content
    assert "位置编码基础 · 1 题" in page and "RoPE 与 ALiBi · 2 题" in page  # each section keeps its divider


def test_real_topic_pages_stay_light(tmp_path):
    """The repository's own notes, built: pages with several questions stay under the element count
    at which Lighthouse's phone profile still scores 90 here (BENCHMARKS.md, "Page budget"); a page
    of one question is as heavy as that question."""
    import re

    from sitebuild import REPO, mkdocs_build

    result = mkdocs_build(REPO, tmp_path / "site", strict=False)
    assert result.returncode == 0, result.stderr
    heavy = []
    for page in (tmp_path / "site" / "topics").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        questions = html.count('<div class="kb-study" role="group"')
        elements = len(re.findall(r"<[a-zA-Z]", html))
        if questions > 1 and elements > 1700:
            heavy.append((page.relative_to(tmp_path).as_posix(), questions, elements))
    assert not heavy, f"topic pages over 1,700 elements: {heavy}"
