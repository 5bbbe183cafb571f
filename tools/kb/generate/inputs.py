"""Everything the generator reads, loaded once: notes, sources, taxonomy, tags, glossary.

The generator never reads the repository layout itself beyond this module, so tests can point it at
a temporary notes folder (``KB_ROOT`` or the ``root`` argument) while reusing the repo's data files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import Note, NoteFormatError, iter_note_paths, load_note
from ..paths import DATA_DIR, PACKAGE_DIR
from ..taxonomy import Tag, Taxonomy, load_tags, load_taxonomy
from .problems import Problems

REPO_DIR = PACKAGE_DIR.parents[1]  # tools/kb -> repository root (editable install)
DEFAULT_REPO_URL = "https://github.com/llm-interview-kb/llm-interview-kb"
BRANCH = "main"
GLOSSARY_FILE = DATA_DIR / "glossary.yml"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    author: str = ""
    publisher: str = ""
    url: str = ""
    date: str = ""
    attribution: str = ""


@dataclass
class SiteInputs:
    root: Path
    notes: list[Note]
    sources: dict[str, Source]
    taxonomy: Taxonomy
    tags: tuple[Tag, ...]
    glossary_file: Path
    repo_url: str
    home_template: str | None
    problems: Problems = field(default_factory=Problems)

    def note_file(self, note: Note) -> str:
        """The note's path relative to the repository, as used in edit links."""
        try:
            return note.path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, AttributeError):
            return f"notes/{note.topic}/{note.id}.md"


def resolve_root(root: Path | None = None) -> Path:
    if root is not None:
        return Path(root).resolve()
    if os.environ.get("KB_ROOT"):
        return Path(os.environ["KB_ROOT"]).resolve()
    return REPO_DIR


def resolve_repo_url(configured: str | None = None) -> str:
    return (os.environ.get("KB_REPO_URL") or configured or DEFAULT_REPO_URL).rstrip("/")


def load_sources(path: Path) -> dict[str, Source]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out = {}
    for s in data:
        out[str(s["id"])] = Source(
            id=str(s["id"]), title=str(s.get("title") or s["id"]),
            author=str(s.get("author") or ""), publisher=str(s.get("publisher") or ""),
            url=str(s.get("url") or ""), date=str(s.get("date") or ""),
            attribution=str(s.get("attribution") or ""),
        )
    return out


# Parsed notes of the previous build, by path: `mkdocs serve` re-parses only the notes that changed
# (the generator never modifies a Note). Keyed by mtime and size, so an edit is always picked up.
_parsed: dict[Path, tuple[int, int, Note]] = {}


def _load_cached(path: Path, cache: dict[Path, tuple[int, int, Note]]) -> Note:
    st = path.stat()
    hit = _parsed.get(path)
    if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
        note = hit[2]
    else:
        note = load_note(path)
    cache[path] = (st.st_mtime_ns, st.st_size, note)
    return note


def load_notes(notes_dir: Path, problems: Problems) -> list[Note]:
    global _parsed
    notes: list[Note] = []
    if not notes_dir.is_dir():
        return notes
    seen: dict[str, Path] = {}
    cache: dict[Path, tuple[int, int, Note]] = {}
    for path in iter_note_paths(notes_dir):
        try:
            note = _load_cached(path, cache)
        except NoteFormatError as exc:
            problems.error(path, f"line {exc.line}: {exc.message} (run `kb check` for details)")
            continue
        if not note.id:
            problems.error(path, "note has no id")
            continue
        if note.id in seen:
            problems.error(path, f"duplicate id '{note.id}' (also in {seen[note.id]})")
            continue
        seen[note.id] = path
        notes.append(note)
    _parsed = cache
    return notes


def load_inputs(root: Path | None = None, *, repo_url: str | None = None,
                docs_dir: Path | None = None) -> SiteInputs:
    root = resolve_root(root)
    problems = Problems()
    sources_file = root / "sources" / "sources.yml"
    if not sources_file.is_file():  # a bare notes folder (tests) uses the repository's source list
        sources_file = REPO_DIR / "sources" / "sources.yml"
    sources = load_sources(sources_file) if sources_file.is_file() else {}
    home = None
    for d in (docs_dir, root / "docs", REPO_DIR / "docs"):
        if d is not None and (d / "index.md").is_file():
            home = (d / "index.md").read_text(encoding="utf-8")
            break
    taxonomy = load_taxonomy()
    notes = load_notes(root / "notes", problems)
    for note in notes:
        if note.topic not in taxonomy.ids:
            problems.error(note.path, f"unknown topic '{note.topic}'; expected one of ({', '.join(taxonomy.ids)})")
    notes = [n for n in notes if n.topic in taxonomy.ids]
    return SiteInputs(
        root=root, notes=notes, sources=sources, taxonomy=taxonomy, tags=load_tags(),
        glossary_file=GLOSSARY_FILE, repo_url=resolve_repo_url(repo_url),
        home_template=home, problems=problems,
    )
