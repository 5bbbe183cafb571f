"""kb new: scaffold a valid note for a new question, or point to the note that already asks it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.classify import assign_topic
from kb.model import load_note
from kb.taxonomy import load_taxonomy

from .kbrun import kb, make_root, write_note

SEED = """---
id: peft-lora-seed
question: 什么是 LoRA？
topic: peft
status: unanswered
sources: []
aliases:
- 低秩适配微调的原理讲一下？
---

<!-- answer: project -->

<!-- 在这里写答案 -->
"""


@pytest.fixture
def root(tmp_path) -> Path:
    root = make_root(tmp_path / "repo")
    write_note(root, "notes/peft/peft-lora-seed.md", SEED)
    return root


def note_files(root: Path) -> set[Path]:
    return set((root / "notes").rglob("*.md"))


def scaffold(root: Path, *args: str) -> Path:
    result = kb("new", *args, root=root)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, "kb new prints the path of the new note, nothing else"
    path = Path(lines[0])
    return path if path.is_absolute() else root / path


def test_scaffolds_a_valid_note_in_the_suggested_topic(root):
    question = "LoRA 的秩 r 一般怎么选？"
    path = scaffold(root, question)
    assert path.is_file()
    assert path.parent == root / "notes" / "peft"
    assert path.parent.name == assign_topic(question)
    note = load_note(path)
    assert note.id == path.stem
    assert note.question == question
    assert note.topic == "peft"
    assert note.status == "unanswered"
    assert note.sources == []
    assert [(b.kind, b.sources) for b in note.blocks] == [("keypoints", ["project"]), ("answer", ["project"])], \
        "a keypoints block and one project answer block to write into"
    assert note.answers == [], "the writing hint is not an answer"
    one = kb("check", str(path), root=root)
    assert one.returncode == 0, one.stdout + one.stderr
    every = kb("check", root=root)
    assert every.returncode == 0, every.stdout + every.stderr
    assert every.stdout.strip() == "kb check: 2 note(s) OK"


def test_topic_override(root):
    path = scaffold(root, "LoRA 推理时需要合并权重吗？", "--topic", "inference")
    assert path.parent == root / "notes" / "inference"
    assert load_note(path).topic == "inference"
    assert kb("check", str(path), root=root).returncode == 0


def test_question_is_cleaned(root):
    """Numbering goes, Chinese and Latin get a space, and the question ends with ？ (rules S-question, S-spacing)."""
    path = scaffold(root, "3. 什么是RLHF中的DPO算法")
    assert load_note(path).question == "什么是 RLHF 中的 DPO 算法？"
    assert kb("check", str(path), root=root).returncode == 0


def test_unknown_topic_lists_the_topics(root):
    before = note_files(root)
    result = kb("new", "LoRA 推理时需要合并权重吗？", "--topic", "nope", root=root)
    assert result.returncode == 1
    assert "unknown topic 'nope'" in result.stderr
    for topic in load_taxonomy().ids:
        assert topic in result.stderr
    assert note_files(root) == before, "nothing is written on error"


@pytest.mark.parametrize("question", [
    "什么是 LoRA？",          # the same question
    "什么是LoRA?",            # the same question, typed carelessly
    "LoRA 是什么？",          # reworded
    "低秩适配微调的原理讲一下",  # one of the note's aliases
])
def test_refuses_an_existing_question_and_names_its_note(root, question):
    before = note_files(root)
    result = kb("new", question, root=root)
    assert result.returncode == 1, result.stdout
    assert "already exists" in result.stderr
    assert "notes/peft/peft-lora-seed.md" in result.stderr
    assert "peft-lora-seed" in result.stderr
    assert note_files(root) == before


def test_empty_question_is_an_error(root):
    result = kb("new", "   ", root=root)
    assert result.returncode == 1
    assert "kb new" in result.stderr
