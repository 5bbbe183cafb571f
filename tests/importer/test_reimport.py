"""Import is deterministic, idempotent, never clobbers hand edits and is atomic."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.importer import run_import
from kb.ingest.base import ParseError
from kb.model import load_note, render_note

from .helpers import REPO, make_root, snapshot

ENTRIES = yaml.safe_load((REPO / "sources" / "sources.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    root = make_root(tmp_path_factory.mktemp("kb"), ENTRIES)
    run_import(root, [e["id"] for e in ENTRIES])
    return root


def test_same_input_gives_byte_identical_notes(imported: Path, tmp_path: Path) -> None:
    other = make_root(tmp_path, ENTRIES)
    run_import(other, [e["id"] for e in ENTRIES])
    assert snapshot(other) == snapshot(imported)


def test_reimport_changes_nothing(imported: Path) -> None:
    before = snapshot(imported)
    result = run_import(imported, [e["id"] for e in ENTRIES])
    assert result.written == []
    assert snapshot(imported) == before


def test_reimport_never_clobbers_a_hand_edited_note(imported: Path, tmp_path: Path) -> None:
    root = make_root(tmp_path, ENTRIES)
    for rel, data in snapshot(imported).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    path = next(p for p in sorted((root / "notes").rglob("*.md")) if load_note(p).answers)
    note = load_note(path)
    note.blocks[0].text += "\n\n（人工补充的一段话。）"
    note.question = note.question.rstrip("？") + "（人工改写）？"
    path.write_text(render_note(note), encoding="utf-8")
    run_import(root, [e["id"] for e in ENTRIES])
    after = load_note(path)
    # The edits survive; at most the source's original phrasing is merged back in as an alias.
    assert after.question == note.question
    assert after.blocks[0].text == note.blocks[0].text
    assert [b.text for b in after.blocks] == [b.text for b in note.blocks]
    merged = path.read_bytes()
    assert run_import(root, [e["id"] for e in ENTRIES]).written == []
    assert path.read_bytes() == merged
    assert len(list((root / "notes").rglob("*.md"))) == len(list((imported / "notes").rglob("*.md")))


def test_a_failed_import_leaves_the_repository_as_it_was(tmp_path: Path) -> None:
    root = make_root(tmp_path, [
        {"id": "s900", "file": "ok.md", "parser": "generic"},
        {"id": "s901", "file": "bad.md", "parser": "generic"},
    ], {"ok.md": "## 什么是 LoRA？\n\nLoRA 在冻结的权重旁加一个低秩分解的增量矩阵，只训练这两个小矩阵。\n",
        "bad.md": "这篇文章只有一段话，没有任何问题。\n"})
    before = snapshot(root)
    with pytest.raises(ParseError) as err:
        run_import(root, ["s900", "s901"])
    assert snapshot(root) == before
    assert str(err.value).startswith(str(root / "sources" / "bad.md") + ": ")  # the message names the file
