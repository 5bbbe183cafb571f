"""kb merge keeps everything of the dropped notes and repoints links and ledgers."""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.merge import merge_notes
from kb.model import Block, Note, SourceRef, load_note, render_note

from .helpers import make_root


def _write(root: Path, note: Note) -> None:
    path = root / "notes" / note.topic / f"{note.id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_note(note), encoding="utf-8")


def test_merge_folds_one_note_into_another(tmp_path: Path) -> None:
    root = make_root(tmp_path, [])
    _write(root, Note("hallucination-a", "什么是大模型幻觉？", "hallucination", "answered",
                      [SourceRef("s002", "L10")], tags=["原理"],
                      blocks=[Block("answer", ["s002"], "幻觉指模型生成与事实不符的内容。")]))
    _write(root, Note("hallucination-b", "什么是大模型幻觉问题？", "hallucination", "answered",
                      [SourceRef("s004", "L5")], aliases=["大模型幻觉是什么？"],
                      blocks=[Block("answer", ["project"], "幻觉问题是指输出与客观事实或上下文矛盾。")]))
    _write(root, Note("hallucination-c", "如何缓解幻觉？", "hallucination", "unanswered", [],
                      related=["hallucination-b"],
                      blocks=[Block("answer", ["project"], "见 [幻觉](q:hallucination-b)。")]))
    (root / "sources/ledger").mkdir(parents=True)
    (root / "sources/ledger/s004.yml").write_text(
        "# ledger\n" + yaml.safe_dump({"source": "s004", "questions": [{"line": 5, "note": "hallucination-b"}]}),
        encoding="utf-8")

    merge_notes(root, "hallucination-a", ["hallucination-b"])

    kept = load_note(root / "notes/hallucination/hallucination-a.md")
    assert not (root / "notes/hallucination/hallucination-b.md").exists()
    assert kept.aliases == ["什么是大模型幻觉问题？", "大模型幻觉是什么？"]
    assert [s.source for s in kept.sources] == ["s002", "s004"]
    assert [b.sources for b in kept.answers] == [["s002"], ["project"]]
    other = load_note(root / "notes/hallucination/hallucination-c.md")
    assert other.related == ["hallucination-a"] and "(q:hallucination-a)" in other.blocks[0].text
    ledger = (root / "sources/ledger/s004.yml").read_text(encoding="utf-8")
    assert ledger.startswith("# ledger\n") and "note: hallucination-a" in ledger


def test_identical_answers_from_two_sources_become_one_block_crediting_both(tmp_path: Path) -> None:
    root = make_root(tmp_path, [])
    text = "有，只要能缓解梯度消失的问题就可以，例如调整初始化的尺度。"
    _write(root, Note("transformer-a", "有其他方法不用除根号 $\\sqrt{d_k}$ 吗？", "transformer", "answered",
                      [SourceRef("s000", "L66")], blocks=[Block("answer", ["s000"], text)]))
    _write(root, Note("transformer-b", "有其他方法不用除根号吗？", "transformer", "answered",
                      [SourceRef("s003", "L20")], blocks=[Block("answer", ["s003"], text)]))
    merge_notes(root, "transformer-a", ["transformer-b"])
    kept = load_note(root / "notes/transformer/transformer-a.md")
    assert [b.sources for b in kept.blocks] == [["s000", "s003"]]
