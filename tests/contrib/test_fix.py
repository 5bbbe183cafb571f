"""kb check --fix: a glued list gets its blank line (so the site renders it as a list), nothing else
changes, and running it again changes nothing."""

from __future__ import annotations

from .kbrun import FIXTURES, kb, make_root, write_note


def test_fix_unglues_lists_and_keeps_everything_else(tmp_path):
    root = make_root(tmp_path / "repo")
    original = (FIXTURES / "broken_notes" / "glued-list.md").read_text(encoding="utf-8")
    path = write_note(root, "notes/llm-basics/glued-list.md", original)

    before = kb("check", root=root)
    assert before.returncode == 1 and "[L-list]" in before.stdout

    fixed = kb("check", "--fix", root=root)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "fixed notes/llm-basics/glued-list.md" in fixed.stdout
    text = path.read_text(encoding="utf-8")
    assert "**排查清单**：\n\n- 用 nvidia-smi" in text
    assert text.replace("**排查清单**：\n\n", "**排查清单**：\n") == original  # only the blank line was added

    again = kb("check", "--fix", root=root)
    assert again.returncode == 0 and "fixed" not in again.stdout
    assert path.read_text(encoding="utf-8") == text
