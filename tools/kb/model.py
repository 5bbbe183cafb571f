"""The note format: defined once, used by the importer, the checker and the generator.

A note is ``notes/<topic>/<id>.md``: YAML front matter (the fields in ``FIELDS``), then a body made
of answer blocks. Each block starts with a marker comment on its own line:

    <!-- answer: s002 -->            an answer taken from source s002 (several ids: same text in each)
    <!-- answer: project -->         an answer written by this project
    <!-- erratum: s001 -->           a correction (勘误) of source s001's answer, written by this project
    <!-- keypoints -->               要点: the 30-second answer, a Markdown list of 1-5 short points

A complete note reads: keypoints, then the project's canonical answer, then each source answer (as
provenance) followed by its erratum. The generator shows them in that order whatever the file order.

Markers are HTML comments so a note reads naturally on GitHub while the generator can label each block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

STATUSES = ("answered", "partial", "unanswered")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster where libyaml exists
BLOCK_KINDS = ("answer", "erratum", "keypoints")
PROJECT = "project"
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MARKER_RE = re.compile(r"^<!--\s*(?:(answer|erratum)\s*:\s*([^>]*?)|(keypoints))\s*-->\s*$")
KEYPOINTS_MAX = 5
_LIST_ITEM_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    required: bool
    kind: str  # "str", "list[str]", "list[source]"
    help: str


# Order here is the order fields are written in; the checker quotes ``help`` in its messages.
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("id", True, "str", "stable ASCII slug (a-z, 0-9, '-'), unique; the question's anchor forever"),
    FieldSpec("question", True, "str", "the canonical question in Simplified Chinese"),
    FieldSpec("topic", True, "str", "a topic id from tools/kb/data/taxonomy.yml"),
    FieldSpec("status", True, "str", "one of answered | partial | unanswered"),
    FieldSpec("sources", True, "list[source]", "list of {source: <id from sources/sources.yml>, locator: L<line>}"),
    FieldSpec("aliases", False, "list[str]", "other phrasings of the question found in the sources"),
    FieldSpec("tags", False, "list[str]", "tags from tools/kb/data/tags.yml"),
    FieldSpec("related", False, "list[str]", "ids of related notes"),
    FieldSpec("reviewed", False, "list[review]",
              "review record of imported answers: list of {source: <id>, verdict: ok | erratum | repaired}"),
)
REVIEW_VERDICTS = ("ok", "erratum", "repaired")
FIELD_NAMES = tuple(f.name for f in FIELDS)


@dataclass
class SourceRef:
    source: str
    locator: str

    def as_dict(self) -> dict:
        return {"source": self.source, "locator": self.locator}


@dataclass
class Block:
    """One answer block of a note body."""

    kind: str  # "answer" | "erratum" | "keypoints"
    sources: list[str]  # source ids, or ["project"] (keypoints are always the project's)
    text: str
    line: int = 0  # 1-based line of the marker in the note file (0 when built in memory)

    @property
    def content(self) -> str:
        """The text without HTML comments (a scaffolded block holds only a writing hint)."""
        return re.sub(r"(?s)<!--.*?-->", "", self.text).strip()

    @property
    def by_project(self) -> bool:
        return self.kind == "erratum" or self.sources == [PROJECT]

    def render(self) -> str:
        if self.kind == "keypoints":
            return f"<!-- keypoints -->\n\n{self.text.strip()}\n"
        marker = f"<!-- {self.kind}: {', '.join(self.sources)} -->"
        return f"{marker}\n\n{self.text.strip()}\n"


@dataclass
class Note:
    id: str
    question: str
    topic: str
    status: str
    sources: list[SourceRef] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    reviewed: list[dict] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    intro: str = ""  # body text before the first marker (should be empty; the checker reports it)
    path: Path | None = None
    field_lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 0

    @property
    def answers(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "answer" and b.content]

    @property
    def errata(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "erratum" and b.content]

    @property
    def canonical(self) -> Block | None:
        """The project's own answer: the one shown first, complete on its own."""
        return next((b for b in self.answers if b.sources == [PROJECT]), None)

    @property
    def source_answers(self) -> list[Block]:
        return [b for b in self.answers if b.sources != [PROJECT]]

    @property
    def keypoints_block(self) -> Block | None:
        return next((b for b in self.blocks if b.kind == "keypoints"), None)

    @property
    def keypoints(self) -> list[str]:
        """要点 as plain Markdown strings, one per top-level list item."""
        block = self.keypoints_block
        return parse_keypoints(block.content) if block else []

    def front_matter(self) -> dict:
        data: dict = {
            "id": self.id,
            "question": self.question,
            "topic": self.topic,
            "status": self.status,
            "sources": [s.as_dict() for s in self.sources],
        }
        for name in ("aliases", "tags", "related", "reviewed"):
            value = getattr(self, name)
            if value:
                data[name] = list(value)
        return data


class NoteFormatError(ValueError):
    def __init__(self, line: int, field_name: str, message: str):
        super().__init__(message)
        self.line = line
        self.field = field_name
        self.message = message


def render_note(note: Note) -> str:
    """Serialise deterministically: same note, same bytes."""
    fm = yaml.safe_dump(note.front_matter(), allow_unicode=True, sort_keys=False, width=10_000)
    body = "\n".join(b.render() for b in note.blocks)
    text = f"---\n{fm}---\n"
    if note.intro.strip():
        text += f"\n{note.intro.strip()}\n"
    if body:
        text += f"\n{body}"
    return text


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter text, body text, 1-based line where the body starts)."""
    if not text.startswith("---\n"):
        raise NoteFormatError(1, "front matter", "the file must start with a '---' line opening the YAML front matter")
    end = text.find("\n---\n", 3)
    if end == -1:
        if text.rstrip().endswith("\n---"):
            end = len(text.rstrip()) - 4
        else:
            raise NoteFormatError(1, "front matter", "no closing '---' line after the YAML front matter")
    fm = text[4:end + 1]
    body = text[end + 5:]
    body_line = fm.count("\n") + 3
    return fm, body, body_line


def parse_blocks(body: str, first_line: int) -> tuple[str, list[Block]]:
    """Split a body into the text before any marker and the marked blocks."""
    intro: list[str] = []
    blocks: list[Block] = []
    current: list[str] | None = None
    fence = None
    for offset, line in enumerate(body.split("\n")):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            mark = stripped[:3]
            fence = None if fence == mark else (fence or mark)
        m = MARKER_RE.match(stripped) if fence is None else None
        if m:
            if m.group(3):
                blocks.append(Block("keypoints", [PROJECT], "", first_line + offset))
            else:
                ids = [s.strip() for s in m.group(2).split(",") if s.strip()]
                blocks.append(Block(m.group(1), ids, "", first_line + offset))
            current = []
            blocks[-1].text = ""  # filled below
            blocks[-1]._lines = current  # type: ignore[attr-defined]
            continue
        (current if current is not None else intro).append(line)
    for b in blocks:
        b.text = "\n".join(b._lines).strip()  # type: ignore[attr-defined]
        del b._lines  # type: ignore[attr-defined]
    return "\n".join(intro).strip(), blocks


def parse_keypoints(text: str) -> list[str]:
    """Top-level list items of a keypoints block; indented lines continue the item above."""
    items: list[str] = []
    for line in text.split("\n"):
        m = _LIST_ITEM_RE.match(line)
        if m:
            items.append(m.group(1).strip())
        elif line.strip() and items and line[:1] in (" ", "\t"):
            items[-1] += " " + line.strip()
        elif line.strip():
            items.append(line.strip())  # not a list item: the checker reports it
    return items


def parse_note(text: str, path: Path | None = None) -> Note:
    """Parse a note file. Raises NoteFormatError for problems that stop parsing; the checker
    validates field values separately so it can report every problem at once."""
    fm_text, body, body_line = split_front_matter(text)
    try:
        data = yaml.load(fm_text, Loader=_Loader) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark else 1
        raise NoteFormatError(line, "front matter", f"invalid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(data, dict):
        raise NoteFormatError(2, "front matter", "front matter must be a mapping of field: value")
    field_lines = {}
    for i, line in enumerate(fm_text.split("\n")):
        m = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if m and m.group(1) not in field_lines:
            field_lines[m.group(1)] = i + 2
    intro, blocks = parse_blocks(body, body_line)
    sources = []
    for s in data.get("sources") or []:
        if isinstance(s, dict):
            sources.append(SourceRef(str(s.get("source", "")), str(s.get("locator", ""))))
        else:
            sources.append(SourceRef(str(s), ""))
    note = Note(
        id=_as_str(data.get("id")),
        question=_as_str(data.get("question")),
        topic=_as_str(data.get("topic")),
        status=_as_str(data.get("status")),
        sources=sources,
        aliases=_as_list(data.get("aliases")),
        tags=_as_list(data.get("tags")),
        related=_as_list(data.get("related")),
        reviewed=[r for r in (data.get("reviewed") or []) if isinstance(r, dict)]
        if isinstance(data.get("reviewed"), list) else [],
        blocks=blocks,
        intro=intro,
        path=path,
        field_lines=field_lines,
        body_line=body_line,
    )
    note._raw = data  # type: ignore[attr-defined]  # kept for the checker's type checks
    return note


def _as_str(value) -> str:
    return "" if value is None else str(value)


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def derive_status(note: Note) -> str:
    """The status a body supports: a canonical answer with 要点 is answered; source answers alone
    are partial (provenance without the project's complete answer); nothing is unanswered."""
    if note.canonical and note.keypoints:
        return "answered"
    return "partial" if note.answers else "unanswered"


def load_note(path: Path) -> Note:
    return parse_note(path.read_text(encoding="utf-8"), path)


def iter_note_paths(notes_dir: Path):
    return sorted(p for p in notes_dir.rglob("*.md") if not p.name.startswith(("_", ".")))
