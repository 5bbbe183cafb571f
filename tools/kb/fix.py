"""kb check --fix: repairs that cannot change what a note says, applied to the file text in place."""

from __future__ import annotations

from pathlib import Path

from .importer import write_atomically
from .markdown_lists import unglue_lists
from .model import NoteFormatError, iter_note_paths, split_front_matter
from .paths import notes_dir


def fix_text(text: str) -> str:
    """Insert the blank line Python-Markdown needs before a list; the front matter is left byte for byte."""
    fm, body, _ = split_front_matter(text)
    fixed = unglue_lists(body)
    return text if fixed == body else f"---\n{fm}---\n{fixed}"


def fix_notes(root: Path, paths: list[Path] | None = None) -> list[Path]:
    """Fix the given notes (default: all); returns the files that changed."""
    changed: dict[Path, str] = {}
    for path in paths if paths is not None else iter_note_paths(notes_dir(root)):
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        try:
            fixed = fix_text(text)
        except NoteFormatError:
            continue  # the checker reports the broken front matter
        if fixed != text:
            changed[path] = fixed
    write_atomically(changed)
    return sorted(changed)
