"""Everything the generator reads, loaded once: notes, sources, taxonomy, tags, glossary, structure.

The generator never reads the repository layout itself beyond this module, so tests can point it at
a temporary notes folder (``KB_ROOT`` or the ``root`` argument) while reusing the repo's data files.
A root with its own ``tools/kb/data/glossary.yml`` or ``structure/`` (a test fixture) uses those and
has them validated against its notes; a bare notes folder borrows the repository's without
validation (their note ids name the repository's notes, not the folder's).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import Note, NoteFormatError, iter_note_paths, load_note
from ..paths import DATA_DIR, PACKAGE_DIR
from ..structure import Structure, load_structures, own_structure_dir, structure_dir
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
    short: str = ""  # the label shown on answers: one per article (two extractions share it)
    line: int = 0  # 1-based line of the entry in sources.yml


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
    structures: dict[str, Structure] = field(default_factory=dict)
    own_data: bool = False  # glossary/structure belong to ``root``: validate them against its notes
    sources_file: Path | None = None

    def source_label(self, sid: str) -> str:
        """《short name》 of a source (its id when the source is unknown)."""
        src = self.sources.get(sid)
        return f"《{src.short or src.title}》" if src else sid

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
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or []
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if line.startswith("- ")]
    out = {}
    for k, s in enumerate(data):
        out[str(s["id"])] = Source(
            id=str(s["id"]), title=str(s.get("title") or s["id"]),
            author=str(s.get("author") or ""), publisher=str(s.get("publisher") or ""),
            url=str(s.get("url") or ""), date=str(s.get("date") or ""),
            attribution=str(s.get("attribution") or ""), short=str(s.get("short") or "").strip(),
            line=lines[k] if k < len(lines) else 0,
        )
    return out


def source_label_problems(sources: dict[str, Source]) -> list[tuple[int, str]]:
    """Every source needs a short name, and two sources share one only when they are the same article
    (same URL: two extractions of one text are shown as one label)."""
    out: list[tuple[int, str]] = []
    by_short: dict[str, Source] = {}
    for src in sources.values():
        if not src.short:
            out.append((src.line, f"source {src.id} has no short name: add `short: <a few words>` "
                        "(the label shown on its answers)"))
            continue
        other = by_short.setdefault(src.short, src)
        if other is not src and not (src.url and src.url == other.url):
            out.append((src.line, f"source {src.id} has the short name '{src.short}' of {other.id}, a different "
                        "article: pick a unique short name (only extractions of one article, same url, share one)"))
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
    for line, msg in source_label_problems(sources):
        problems.error(f"{sources_file}:{line}", msg)
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
    own_glossary = root / "tools" / "kb" / "data" / "glossary.yml"
    return SiteInputs(
        root=root, notes=notes, sources=sources, taxonomy=taxonomy, tags=load_tags(),
        glossary_file=own_glossary if own_glossary.is_file() else GLOSSARY_FILE,
        repo_url=resolve_repo_url(repo_url), home_template=home, problems=problems,
        structures=load_structures(structure_dir(root)),
        own_data=own_glossary.is_file() or own_structure_dir(root) is not None,
        sources_file=sources_file,
    )
