"""kb check: validate notes and say, for every problem, where it is and how to fix it.

Message format (one per problem): ``path:line: field: what is wrong — how to fix [rule-id]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import quality
from .markdown_lists import glued_list_lines
from .clean.steps import CJK, residue
from .model import (FIELDS, ID_RE, KEYPOINTS_MAX, PROJECT, STATUSES, Note, NoteFormatError, iter_note_paths,
                    parse_note)
from .paths import DATA_DIR, notes_dir
from .sources import source_ids
from .structure import load_structures, own_structure_dir, structure_problems
from .generate.glossary import glossary_problems, load_glossary
from .search.synonyms import validate as synonym_problems
from .taxonomy import load_taxonomy, tag_ids

KEYPOINT_MAX_CHARS = 120
# A canonical question is a question (ends in ？) or an explicit request (介绍一下…, 推导…, 写出…).
QUESTION_SHAPE = re.compile(
    r"[？?]$|^(?:请)?(?:简单|详细|大致)?(?:介绍|简述|解释|说明|说说|讲讲|讲一下|谈谈|推导|写出|手写|实现|比较|对比|"
    r"列举|描述|分析|总结|画出|给出|举例|概述|梳理)")
TEX_IN_QUESTION = re.compile(r"\$|\\[A-Za-z]")

UNSAFE = (
    (re.compile(r"<\s*script\b", re.I), "raw <script> tag"),
    (re.compile(r"<[^>]+\son[a-z]+\s*=", re.I), "HTML event-handler attribute"),
    (re.compile(r"javascript\s*:", re.I), "javascript: link"),
    (re.compile(r"<\s*(iframe|object|embed|form)\b", re.I), "embedded HTML element"),
)


@lru_cache(maxsize=None)
def rule_table() -> dict:
    return yaml.safe_load((DATA_DIR / "rules.yml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    field: str
    message: str
    rule: str

    def __str__(self) -> str:
        fix = rule_table().get(self.rule, {}).get("fix", "")
        return f"{self.path}:{self.line}: {self.field}: {self.message} — {fix} [{self.rule}]"

    def annotation(self) -> str:
        """GitHub Actions workflow command, shown inline on the pull request."""
        fix = rule_table().get(self.rule, {}).get("fix", "")
        text = f"{self.field}: {self.message} — {fix} [{self.rule}]".replace("%", "%25").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line}::{text}"


class Checker:
    def __init__(self, root: Path):
        self.root = root
        self.topics = set(load_taxonomy().ids)
        self.tags = tag_ids()
        self.sources = source_ids(root) | {PROJECT}
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int, field: str, message: str, rule: str) -> None:
        self.problems.append(Problem(self.rel(path), line, field, message, rule))

    # --- one note ---------------------------------------------------------------------------
    def check_file(self, path: Path) -> Note | None:
        try:
            text = path.read_text(encoding="utf-8")
            note = parse_note(text, path)
        except NoteFormatError as exc:
            self.add(path, exc.line, exc.field, exc.message, "F-front-matter")
            return None
        except UnicodeDecodeError:
            self.add(path, 1, "file", "not UTF-8 text", "F-front-matter")
            return None
        self.check_fields(path, note)
        self.check_body(path, note, text.split("\n"))
        return note

    def check_fields(self, path: Path, note: Note) -> None:
        raw = getattr(note, "_raw", {})
        line = note.field_lines.get
        for spec in FIELDS:
            if spec.required and (spec.name not in raw or raw[spec.name] in (None, "")):
                if spec.name == "sources" and raw.get("sources") == []:
                    continue
                self.add(path, 1, spec.name, f"required field is missing ({spec.help})", "F-required")
            elif spec.name in raw and spec.kind.startswith("list") and raw[spec.name] is not None \
                    and not isinstance(raw[spec.name], list):
                rule = {"tags": "F-tags", "aliases": "F-aliases", "related": "F-related"}.get(spec.name, "F-sources")
                self.add(path, line(spec.name, 1), spec.name, "must be a YAML list (one '- item' per line)", rule)
        for key in raw:
            if key not in {f.name for f in FIELDS}:
                self.add(path, line(key, 1), key, f"unknown field '{key}' (allowed: "
                         f"{', '.join(f.name for f in FIELDS)})", "F-front-matter")
        if note.id and not ID_RE.match(note.id):
            self.add(path, line("id", 1), "id", f"'{note.id}' is not a valid id", "F-id")
        elif note.id and path.stem != note.id:
            self.add(path, line("id", 1), "id", f"file name '{path.name}' does not match id '{note.id}'", "F-id")
        if note.topic and note.topic not in self.topics:
            self.add(path, line("topic", 1), "topic", f"unknown topic '{note.topic}' (expected one of "
                     f"{', '.join(sorted(self.topics))})", "F-topic")
        elif note.topic and path.parent.name != note.topic:
            self.add(path, line("topic", 1), "topic", f"note is in notes/{path.parent.name}/ but its topic is "
                     f"'{note.topic}'", "F-topic")
        if note.status and note.status not in STATUSES:
            self.add(path, line("status", 1), "status", f"'{note.status}' is not a status (expected one of "
                     f"{' | '.join(STATUSES)})", "F-status")
        for tag in note.tags:
            if tag not in self.tags:
                self.add(path, line("tags", 1), "tags", f"unknown tag '{tag}'", "F-tags")
        for ref in note.sources:
            if ref.source not in self.sources:
                self.add(path, line("sources", 1), "sources", f"unknown source '{ref.source}'", "F-sources")
        raw_reviewed = raw.get("reviewed")
        if raw_reviewed is not None:
            from .model import REVIEW_VERDICTS
            items = raw_reviewed if isinstance(raw_reviewed, list) else [raw_reviewed]
            for r in items:
                if not isinstance(r, dict) or r.get("source") not in self.sources \
                        or r.get("verdict") not in REVIEW_VERDICTS:
                    self.add(path, line("reviewed", 1), "reviewed", f"bad review entry {r!r}", "F-reviewed")
        for alias in note.aliases:
            if not alias.strip():
                self.add(path, line("aliases", 1), "aliases", "empty alias", "F-aliases")
        q = note.question.strip()
        if q:
            if re.match(r"^(\d+[.、)]|[a-z][.、])\s*", q):
                self.add(path, line("question", 1), "question", f"question starts with numbering: '{q[:20]}'",
                         "S-question")
            if not QUESTION_SHAPE.search(q):
                self.add(path, line("question", 1), "question", f"'{q[:30]}' is not shaped as a question",
                         "S-question")
            if TEX_IN_QUESTION.search(q):
                self.add(path, line("question", 1), "question", f"LaTeX in the question: '{q[:30]}'", "S-question")
            if spacing_issue(q):
                self.add(path, line("question", 1), "question", f"no space between Chinese and Latin text in "
                         f"'{spacing_issue(q)}'", "S-spacing")

    def check_body(self, path: Path, note: Note, text_lines: list[str]) -> None:
        if note.intro:
            self.add(path, note.body_line, "body", "text before the first answer marker", "B-markers")
        answered_sources = {s for b in note.answers for s in b.sources}
        for b in note.blocks:
            for s in b.sources:
                if s not in self.sources:
                    self.add(path, b.line, "body", f"answer marker names unknown source '{s}'", "B-markers")
            if b.kind == "erratum" and not set(b.sources) & answered_sources:
                self.add(path, b.line, "body", f"erratum for {', '.join(b.sources)} but the note has no answer "
                         f"from that source", "B-markers")
            if not b.text.strip():
                self.add(path, b.line, "body", "empty answer block (write the answer below the marker, or "
                         "delete the marker)", "B-markers")
        status = note.status
        if status == "unanswered" and note.answers:
            self.add(path, note.field_lines.get("status", 1), "status",
                     "status is unanswered but the note has an answer", "F-status")
        if status in ("answered", "partial") and not note.answers:
            self.add(path, note.field_lines.get("status", 1), "status",
                     f"status is {status} but the note has no answer text", "F-status")
        self.check_canonical(path, note)
        for b in note.blocks:
            for i in glued_list_lines(b.text):
                self.add(path, b.line + 2 + i, "body", "list glued to the paragraph above (renders as run-on "
                         "text on the site)", "L-list")
        if status == "answered" and note.answers and \
                max(quality.substance(b.text) for b in note.answers) < quality.MIN_ANSWER_CHARS:
            self.add(path, note.field_lines.get("status", 1), "status",
                     f"answer has fewer than {quality.MIN_ANSWER_CHARS} characters of content", "A-length")
        for b in note.blocks:
            for what, match in residue(b.text):
                self.add(path, _line_of(text_lines, match, b.line), "body", f"{what}: '{match[:40]}'", "B-residue")
            for pattern, what in UNSAFE:
                m = pattern.search(b.text)
                if m:
                    self.add(path, _line_of(text_lines, m.group(0), b.line), "body", what, "B-safety")
            if status == "answered" or b.by_project:
                for hole in quality.formula_holes(b.text):
                    self.add(path, _line_of(text_lines, hole, b.line), "body",
                             f"formula missing here: '{hole[:30]}'", "A-formula")
                for flat in quality.flattened_code(b.text):
                    self.add(path, _line_of(text_lines, flat[:20], b.line), "body",
                             f"code flattened onto one line: '{flat[:40]}'", "A-code")
            if b.by_project and spacing_issue(b.text):
                self.add(path, _line_of(text_lines, spacing_issue(b.text), b.line), "body",
                         f"no space between Chinese and Latin text in '{spacing_issue(b.text)}'", "S-spacing")
        for field_name in ("question", "aliases"):
            values = [note.question] if field_name == "question" else note.aliases
            for v in values:
                for what, match in residue(v):
                    self.add(path, note.field_lines.get(field_name, 1), field_name, f"{what}: '{match[:40]}'",
                             "B-residue")
                for pattern, what in UNSAFE:
                    if pattern.search(v):
                        self.add(path, note.field_lines.get(field_name, 1), field_name, what, "B-safety")

    def check_canonical(self, path: Path, note: Note) -> None:
        """An answered note has one canonical project answer and one 要点 block of 1-5 short points."""
        status_line = note.field_lines.get("status", 1)
        project = [b for b in note.blocks if b.kind == "answer" and b.sources == [PROJECT] and b.content]
        keypoints = [b for b in note.blocks if b.kind == "keypoints"]
        for extra in project[1:]:
            self.add(path, extra.line, "body", "a second project answer (merge it into the first: one canonical "
                     "answer per question)", "A-canonical")
        for extra in keypoints[1:]:
            self.add(path, extra.line, "body", "a second keypoints block (keep one)", "K-keypoints")
        if note.status == "answered" and note.answers:  # no answer at all: F-status says it
            if not note.canonical:
                self.add(path, status_line, "status", "status is answered but the note has no project answer",
                         "A-canonical")
            if not keypoints:
                self.add(path, status_line, "status", "status is answered but the note has no keypoints block",
                         "K-keypoints")
        if keypoints and (keypoints[0].content or note.status == "answered"):  # a scaffold's hint is fine
            block = keypoints[0]
            items = note.keypoints
            if not 1 <= len(items) <= KEYPOINTS_MAX:
                self.add(path, block.line, "body", f"keypoints has {len(items)} points (1-{KEYPOINTS_MAX} expected)",
                         "K-keypoints")
            for line in block.content.split("\n"):
                if line.strip() and not re.match(r"^(?:[-*+]|\d+[.)])\s+|^\s+\S", line):
                    self.add(path, block.line, "body", f"keypoints line is not a list item: '{line[:30]}'",
                             "K-keypoints")
                    break
            for item in items:
                if len(item) > KEYPOINT_MAX_CHARS:
                    self.add(path, block.line, "body", f"keypoint longer than {KEYPOINT_MAX_CHARS} characters: "
                             f"'{item[:30]}…'", "K-keypoints")

    # --- data files that name notes: structure and glossary -------------------------------------
    def check_data(self, notes: dict[str, Note]) -> None:
        """The root's own structure files and glossary (a bare notes folder has none) against its notes:
        checked on every run, since deleting or moving a note can break them."""
        own = own_structure_dir(self.root)
        if own is not None:
            note_topics = {nid: n.topic for nid, n in notes.items()}
            for path, line, msg in structure_problems(load_structures(own), self.topics, note_topics):
                self.add(path, line, "structure", msg, "T-structure")
        glossary = self.root / "tools" / "kb" / "data" / "glossary.yml"
        if glossary.is_file():
            for line, msg in glossary_problems(load_glossary(glossary), list(notes.values())):
                self.add(glossary, line, "glossary", msg, "G-glossary")
        synonyms = self.root / "tools" / "kb" / "data" / "synonyms.yml"
        if synonyms.is_file():
            for problem in synonym_problems(synonyms):
                self.add(synonyms, problem.line, "synonyms", problem.message, "D-synonyms")

    # --- all notes --------------------------------------------------------------------------
    def check_all(self, paths: list[Path] | None = None) -> list[Problem]:
        every = iter_note_paths(notes_dir(self.root))
        notes: dict[str, list[tuple[Path, Note]]] = {}
        targets = set(p.resolve() for p in paths) if paths is not None else None
        parsed: list[tuple[Path, Note]] = []
        for path in every:
            if targets is not None and path.resolve() not in targets:
                note = _quiet_parse(path)
            else:
                note = self.check_file(path)
                if note:
                    parsed.append((path, note))
            if note and note.id:
                notes.setdefault(note.id, []).append((path, note))
        for path in sorted(targets or []):
            if not path.exists():
                continue
            if path not in {p.resolve() for p in every}:
                note = self.check_file(path)
                if note:
                    parsed.append((path, note))
                    notes.setdefault(note.id, []).append((path, note))
        for nid, holders in notes.items():
            if len(holders) > 1:
                for path, note in holders:
                    if targets is None or path.resolve() in targets:
                        others = ", ".join(self.rel(p) for p, _ in holders if p != path)
                        self.add(path, note.field_lines.get("id", 1), "id", f"id '{nid}' is also used by {others}",
                                 "F-unique")
        for path, note in parsed:
            for rid in note.related:
                if rid not in notes:
                    self.add(path, note.field_lines.get("related", 1), "related", f"no note has id '{rid}'",
                             "F-related")
        self.check_data({nid: holders[0][1] for nid, holders in notes.items()})
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.field, p.message))


def _quiet_parse(path: Path) -> Note | None:
    try:
        return parse_note(path.read_text(encoding="utf-8"), path)
    except (NoteFormatError, UnicodeDecodeError):
        return None


def _line_of(lines: list[str], needle: str, default: int) -> int:
    needle = needle.strip().split("\n")[0][:30]
    for i in range(max(default - 1, 0), len(lines)):
        if needle and needle in lines[i]:
            return i + 1
    return default


_SPACING = re.compile(f"[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]")
_PROTECT = re.compile(r"(?ms)^```.*?^```|`[^`\n]*`|\$\$.+?\$\$|\$[^$\n]+\$|\]\([^)]*\)|https?://\S+|<[^>]+>")


def spacing_issue(text: str) -> str:
    """First place where Chinese touches Latin letters or digits (outside code, math, links)."""
    m = _SPACING.search(_PROTECT.sub(" ", text))
    return m.group(0) if m else ""
