"""Topic structure: sections (subtopics) and question order, read from ``data/structure/<topic>.yml``.

The format is documented in ``tools/kb/data/structure/README.md``. ``load_structures`` reads every
file leniently (a file being written may be partial: what can be used is used); ``structure_problems``
reports everything wrong with line numbers for ``kb check``; ``arrange`` places a topic's notes into
sections: listed ids in their listed order, then every unlisted note in the first section whose
keywords occur in its question, else in its answer, else in the last section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .model import ID_RE, Note
from .paths import DATA_DIR
from .taxonomy import Keyword

STRUCTURE = "structure"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's composer keeps line marks, ~10x faster
SECTION_ID_RE = ID_RE
RESERVED_SECTION_IDS = {"index"}  # a section page must not replace the topic's overview page


@dataclass
class Section:
    id: str
    title: str
    keywords: tuple[Keyword, ...] = ()
    questions: list[str] = field(default_factory=list)
    line: int = 0
    question_lines: list[int] = field(default_factory=list)  # 1-based line of each listed id

    def matches(self, text: str) -> bool:
        return any(k.pattern.search(text) for k in self.keywords)


@dataclass
class Structure:
    topic: str
    path: Path | None
    sections: list[Section] = field(default_factory=list)
    split: bool | None = None  # per-section pages: None = decided by the topic's size
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message), format errors


def structure_dir(root: Path) -> Path:
    """The root's own structure folder if it has one (a test fixture does), else the repository's."""
    own = own_structure_dir(root)
    return own if own is not None else DATA_DIR / STRUCTURE


def own_structure_dir(root: Path) -> Path | None:
    d = Path(root) / "tools" / "kb" / "data" / STRUCTURE
    return d if d.is_dir() else None


def _line(node) -> int:
    return node.start_mark.line + 1


def _scalar(node) -> str | None:
    return str(node.value) if isinstance(node, yaml.ScalarNode) and node.value not in (None, "") else None


def load_structure(path: Path) -> Structure:
    """Parse one file; format errors are kept in ``problems`` and the rest is still used."""
    st = Structure(topic=path.stem, path=path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        st.problems.append(((mark.line + 1) if mark else 1, f"invalid YAML ({getattr(exc, 'problem', exc)})"))
        return st
    if root is None:
        return st
    if not isinstance(root, yaml.MappingNode):
        st.problems.append((_line(root), "the file must be a mapping with a 'sections:' list"))
        return st
    fields = {k.value: v for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    split = fields.get("split")
    if split is not None:
        value = str(split.value).lower()
        if value in ("true", "false"):
            st.split = value == "true"
        else:
            st.problems.append((_line(split), f"split must be true or false, not '{split.value}'"))
    sections = fields.get("sections")
    if sections is None:
        st.problems.append((1, "no 'sections:' list"))
        return st
    if not isinstance(sections, yaml.SequenceNode):
        st.problems.append((_line(sections), "'sections' must be a list of sections"))
        return st
    for k, node in enumerate(sections.value):
        if not isinstance(node, yaml.MappingNode):
            st.problems.append((_line(node), "a section must be a mapping with id, title, keywords, questions"))
            continue
        sec_fields = {kk.value: vv for kk, vv in node.value if isinstance(kk, yaml.ScalarNode)}
        sid = _scalar(sec_fields.get("id")) or ""
        title = _scalar(sec_fields.get("title")) or ""
        if not sid:
            st.problems.append((_line(node), "section without an id"))
            sid = f"section-{k + 1}"
        elif not SECTION_ID_RE.match(sid) or sid in RESERVED_SECTION_IDS:
            st.problems.append((_line(sec_fields["id"]), f"section id '{sid}' must be lower-case ASCII words joined "
                                f"by '-' (and not {', '.join(sorted(RESERVED_SECTION_IDS))})"))
            sid = f"section-{k + 1}"
        if not title:
            st.problems.append((_line(node), f"section '{sid}' has no title"))
        section = Section(sid, title or sid, line=_line(node))
        kw = sec_fields.get("keywords")
        if kw is not None:
            if isinstance(kw, yaml.SequenceNode):
                section.keywords = tuple(Keyword(str(v.value)) for v in kw.value
                                         if isinstance(v, yaml.ScalarNode) and str(v.value).strip())
            else:
                st.problems.append((_line(kw), f"keywords of section '{sid}' must be a list"))
        qs = sec_fields.get("questions")
        if qs is not None:
            if isinstance(qs, yaml.SequenceNode):
                for v in qs.value:
                    if isinstance(v, yaml.ScalarNode) and str(v.value).strip():
                        section.questions.append(str(v.value).strip())
                        section.question_lines.append(_line(v))
                    else:
                        st.problems.append((_line(v), "a question must be a note id"))
            else:
                st.problems.append((_line(qs), f"questions of section '{sid}' must be a list of note ids"))
        st.sections.append(section)
    return st


def load_structures(directory: Path) -> dict[str, Structure]:
    if not directory.is_dir():
        return {}
    return {p.stem: load_structure(p) for p in sorted(directory.glob("*.yml"))}


def structure_problems(structures: dict[str, Structure], topics: set[str],
                       note_topics: dict[str, str]) -> list[tuple[Path, int, str]]:
    """Everything wrong with the structure files: format errors, unknown topics or note ids, a note in
    another topic's file, a note listed twice, duplicate section ids. ``note_topics``: note id → topic."""
    out: list[tuple[Path, int, str]] = []
    listed: dict[str, tuple[Path, int]] = {}
    for topic, st in structures.items():
        path = st.path
        out += [(path, line, msg) for line, msg in st.problems]
        if topic not in topics:
            out.append((path, 1, f"unknown topic '{topic}': name the file <topic id>.yml after a topic in "
                        "tools/kb/data/taxonomy.yml"))
        seen_sections: dict[str, int] = {}
        for sec in st.sections:
            if sec.id in seen_sections:
                out.append((path, sec.line, f"duplicate section id '{sec.id}' (also line {seen_sections[sec.id]})"))
            else:
                seen_sections[sec.id] = sec.line
            for qid, line in zip(sec.questions, sec.question_lines):
                if qid in listed:
                    where = listed[qid]
                    also = f"line {where[1]}" if where[0] == path else f"{where[0].name}:{where[1]}"
                    out.append((path, line, f"note '{qid}' is listed twice (also {also})"))
                    continue
                listed[qid] = (path, line)
                if qid not in note_topics:
                    out.append((path, line, f"unknown note id '{qid}' (no notes/*/{qid}.md)"))
                elif note_topics[qid] != topic:
                    out.append((path, line, f"note '{qid}' belongs to topic '{note_topics[qid]}', not '{topic}': "
                                f"list it in {note_topics[qid]}.yml"))
    return out


def source_order(note: Note) -> tuple:
    """Order of questions nobody placed: the article they came from (source id, then line), then id."""
    if not note.sources:
        return ("~", 0, note.id)
    first = note.sources[0]
    m = re.search(r"\d+", first.locator or "")
    return (first.source, int(m.group(0)) if m else 0, note.id)


def arrange(notes: list[Note], structure: Structure | None, default: Section) -> list[tuple[Section, list[Note]]]:
    """The topic's notes in sections and reading order; sections left empty are dropped."""
    if structure is None or not structure.sections:
        return [(default, sorted(notes, key=source_order))] if notes else []
    sections = structure.sections
    by_id = {n.id: n for n in notes}
    placed: dict[str, list[Note]] = {s.id: [] for s in sections}
    done: set[str] = set()
    for sec in sections:
        for qid in sec.questions:
            note = by_id.get(qid)
            if note is not None and qid not in done:  # another topic's or unknown id: kb check reports it
                placed[sec.id].append(note)
                done.add(qid)
    for note in sorted((n for n in notes if n.id not in done), key=source_order):
        home = next((s for s in sections if s.matches(note.question)), None)
        if home is None:
            answer = "\n".join(b.text for b in note.blocks)
            home = next((s for s in sections if s.matches(answer)), sections[-1])
        placed[home.id].append(note)
    seen: set[str] = set()
    out = []
    for sec in sections:
        if sec.id in seen or not placed[sec.id]:
            continue  # a duplicate section id is reported by kb check; its questions went to the first
        seen.add(sec.id)
        out.append((sec, placed[sec.id]))
    return out
