"""kb import: sources → noise filter → parser → clean → merge duplicates → topic/tags → notes + ledger.

Everything is computed in memory first; files are written only when the whole run succeeded, each
through a temporary file and an atomic rename, so a failed run leaves the repository as it was.
Existing notes are the editable truth: a re-import only adds what a note lacks (a phrasing, a
source reference, a source's answer) and never rewrites text a person may have edited.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import classify, dedupe
from .clean import noise, pipeline
from .clean.repair import repair, shape_question
from .ingest.base import Drop, ParsedArticle, ParseError, read_lines, uncovered_lines
from .ingest.registry import get_parser
from .model import Block, Note, SourceRef, derive_status, iter_note_paths, load_note, render_note
from .paths import ledger_dir, notes_dir
from .sources import SourceMeta, find_source


@dataclass
class Occurrence:
    source: str
    line: int
    end_line: int
    question: str  # cleaned, canonical form
    alias: str  # cleaned of noise only
    answer: str  # cleaned Markdown, "" when none
    section: str
    tags: list[str]
    kind: str = "question"  # question | prose
    note_id: str = ""
    extra_aliases: list[str] = field(default_factory=list)  # other phrasings the source gives (TOC table)


@dataclass
class SourceReport:
    source: str
    found: int = 0
    new: int = 0
    merged: int = 0
    answered: int = 0
    unanswered: int = 0
    dropped_lines: int = 0
    unclaimed: int = 0


@dataclass
class ImportResult:
    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    reports: list[SourceReport] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)  # what the pre-write repair changed, per note


class ImportRefused(ValueError):
    """What would be written fails the note checks or would break the site; nothing was written."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --- reading ---------------------------------------------------------------------------------

def parse_source(root: Path, meta: SourceMeta) -> tuple[ParsedArticle, list[Drop], int, list[str]]:
    """Parse one source; also returns its raw lines (the ledger quotes them)."""
    path = meta.path(root)
    if not path.exists():
        raise FileNotFoundError(f"{path}: source file listed in sources/sources.yml is missing — restore the "
                                f"file or remove its entry")
    lines = read_lines(path.read_text(encoding="utf-8"))
    kept, drops = noise.filter_lines(lines, meta.parser)
    try:
        parsed = get_parser(meta.parser).parse(kept)
    except ParseError as exc:  # the parser knows what it missed; the reader of the message needs the file
        raise ParseError(f"{path}: {exc}") from exc
    if not parsed.items:
        raise ParseError(f"{path}: parser '{meta.parser}' found no questions — check the `parser:` entry in "
                         f"sources/sources.yml, or write a parser for this article shape (see README)")
    unclaimed = uncovered_lines(kept, parsed)
    for line in unclaimed:  # nothing disappears silently: unclaimed lines are listed for review
        drops.append(Drop(line.no, line.no, "unclaimed", "no parser rule claimed this line; review it"))
    return parsed, drops + parsed.drops, len(unclaimed), [line.text for line in lines]


def _fixed(text: str, kind: str) -> str:
    return repair(text, kind)[0]


def occurrences(meta: SourceMeta, parsed: ParsedArticle) -> list[Occurrence]:
    occ = []
    for item in parsed.items:
        question = _fixed(pipeline.clean_question(item.question), "question")
        if not question:
            continue
        occ.append(Occurrence(meta.id, item.line, item.end_line, question,
                              _fixed(pipeline.clean_alias(item.question), "question"),
                              _fixed(pipeline.clean_answer(item.answer), "answer") if item.answer.strip() else "",
                              pipeline.clean_question(item.section) if item.section else "", list(item.tags),
                              extra_aliases=[_fixed(pipeline.clean_alias(a), "question") for a in item.aliases]))
    for prose in parsed.prose:
        title = pipeline.clean_question(prose.title)
        occ.append(Occurrence(meta.id, prose.line, prose.end_line, title, title,
                              pipeline.clean_answer(prose.text), prose.section, [], kind="prose"))
    return occ


# --- merging ---------------------------------------------------------------------------------

def make_id(question: str, topic: str, taken: set[str]) -> str:
    words = [w.lower() for w in re.findall(r"[A-Za-z][A-Za-z0-9]*", question) if len(w) > 1][:3]
    digest = hashlib.sha1(dedupe.normalize(question).encode("utf-8")).hexdigest()
    for n in range(6, 41):
        slug = "-".join([topic, *[w[:12] for w in words], digest[:n]])
        if slug not in taken:
            return slug
    raise RuntimeError(f"cannot make a unique id for {question!r}")


def _rank(source: str, order: list[str]) -> int:
    return order.index(source) if source in order else len(order)


def canonical(occ: list[Occurrence]) -> Occurrence:
    pref = dedupe.config()["canonical_preference"]
    return min(occ, key=lambda o: (o.kind != "prose", not o.question.endswith("？"), not o.answer,
                                   _rank(o.source, pref), o.source, o.line))


def answer_blocks(occ: list[Occurrence]) -> list[Block]:
    """One block per distinct answer; near-identical answers from several sources share a block."""
    pref = dedupe.config()["answer_preference"]
    threshold = dedupe.config()["answer_threshold"]
    candidates = sorted((o for o in occ if o.answer),
                        key=lambda o: (-("$" in o.answer), _rank(o.source, pref), o.source, o.line))
    blocks: list[Block] = []
    for o in candidates:
        for b in blocks:
            if dedupe.answer_similarity(b.text, o.answer) >= threshold:
                if o.source not in b.sources:
                    b.sources.append(o.source)
                break
        else:
            blocks.append(Block("answer", [o.source], o.answer))
    order = {s: i for i, s in enumerate(sorted({o.source for o in occ}))}
    return sorted(blocks, key=lambda b: order[b.sources[0]])


def build_note(occ: list[Occurrence], taken: set[str], index: classify.TopicIndex | None = None) -> Note:
    from .check import QUESTION_SHAPE
    head = canonical(occ)
    shaped = pipeline.clean_question(shape_question(head.question, QUESTION_SHAPE))
    all_text = "\n".join(o.answer for o in occ)
    sections = " ".join(sorted({o.section for o in occ if o.section}))
    topic = classify.assign_topic(head.question, sections, all_text, index=index)
    extra = sorted({t for o in occ for t in o.tags})
    blocks = answer_blocks(occ)
    note = Note(
        id=make_id(head.question, topic, taken),
        question=shaped,
        topic=topic,
        status="unanswered",
        sources=_source_refs(occ),
        aliases=_aliases(shaped, occ),
        tags=classify.assign_tags(head.question, extra),
        blocks=blocks,
    )
    note.status = derive_status(note)  # source answers alone are `partial` until the project answers
    return note


def _source_refs(occ: list[Occurrence]) -> list[SourceRef]:
    seen, refs = set(), []
    for o in sorted(occ, key=lambda o: (o.source, o.line)):
        loc = f"L{o.line}" if o.end_line == o.line else f"L{o.line}-L{o.end_line}"
        if (o.source, loc) not in seen:
            seen.add((o.source, loc))
            refs.append(SourceRef(o.source, loc))
    return refs


def _aliases(question: str, occ: list[Occurrence], known: tuple[str, ...] = ()) -> list[str]:
    """Other phrasings, in source order; two phrasings that clean to the same question are one."""
    seen = {pipeline.clean_question(k) for k in (question, *known)}
    out: list[str] = []
    for o in sorted(occ, key=lambda o: (o.source, o.line)):
        for alias in [o.alias, *o.extra_aliases]:
            key = pipeline.clean_question(alias) if alias else ""
            if key and key not in seen:
                seen.add(key)
                out.append(alias)
    return out


def merge_into(note: Note, occ: list[Occurrence]) -> bool:
    """Add to an existing note what it lacks; never rewrite its text. Returns True if changed."""
    changed = False
    have_refs = {(s.source, s.locator) for s in note.sources}
    for ref in _source_refs(occ):
        if (ref.source, ref.locator) not in have_refs:
            note.sources.append(ref)
            changed = True
    for a in _aliases(note.question, occ, tuple(note.aliases)):
        note.aliases.append(a)
        changed = True
    answered_by = {s for b in note.blocks for s in b.sources}
    for b in answer_blocks(occ):
        if not set(b.sources) & answered_by:
            note.blocks.append(b)
            changed = True
    if changed and note.status == "unanswered" and note.answers:
        note.status = derive_status(note)
    return changed


# --- the run ---------------------------------------------------------------------------------

def run_import(root: Path, refs: list[str], dry_run: bool = False) -> ImportResult:
    metas = [find_source(root, r) for r in refs]
    existing = {}
    for path in iter_note_paths(notes_dir(root)):
        note = load_note(path)
        existing[note.id] = note
    result = ImportResult()
    all_occ: list[Occurrence] = []
    drops_by_source: dict[str, list[Drop]] = {}
    raw_lines: dict[str, list[str]] = {}
    for meta in metas:
        log(f"[{meta.id}] parsing {meta.file} with '{meta.parser}' …")
        parsed, drops, unclaimed, raw_lines[meta.id] = parse_source(root, meta)
        occ = occurrences(meta, parsed)
        log(f"[{meta.id}] {len([o for o in occ if o.kind == 'question'])} question occurrences, "
            f"{len(parsed.prose)} prose blocks, {sum(d.end - d.start + 1 for d in drops)} lines dropped")
        all_occ.extend(occ)
        drops_by_source[meta.id] = drops
        result.reports.append(SourceReport(meta.id, dropped_lines=sum(d.end - d.start + 1 for d in drops),
                                           unclaimed=unclaimed))

    log(f"merging {len(all_occ)} occurrences with {len(existing)} existing notes …")
    # Existing notes take part in clustering through their question and aliases.
    keys, owners = [], []
    for nid in sorted(existing):
        for phrase in [existing[nid].question, *existing[nid].aliases]:
            keys.append(dedupe.QuestionKey(phrase))
            owners.append(("note", nid))
    previous = _previous_mapping(root, metas)
    # The ledger says where an occurrence went last time: that note keeps it (its question may have
    # been edited since), and the occurrence takes no part in clustering.
    by_ledger: dict[str, list[Occurrence]] = {}
    for o in all_occ:
        entries = previous.get((o.source, o.line), [])
        # one occurrence per line is the rule; a line holding two questions is told apart by its text
        prev = entries[0][1] if len(entries) == 1 else next((n for txt, n in entries if txt == o.alias), None)
        if prev in existing:
            by_ledger.setdefault(prev, []).append(o)
    ledgered = {id(o) for group in by_ledger.values() for o in group}
    # New prose becomes a note only when its title can be a question; otherwise it is ledgered as dropped
    # prose (a reviewer may attach it to the question it explains), never a note titled 前言 or 总结.
    from .check import QUESTION_SHAPE
    for o in [o for o in all_occ if o.kind == "prose" and id(o) not in ledgered]:
        if not QUESTION_SHAPE.search(shape_question(o.question, QUESTION_SHAPE, fallback=False)):
            drops_by_source[o.source].append(Drop(o.line, o.end_line, "prose",
                                                  f"text outside any question, titled '{o.question[:30]}'"))
            all_occ.remove(o)
    groups_of_prose = []
    for i, o in enumerate(all_occ):
        if id(o) in ledgered:
            continue
        if o.kind == "prose":  # a text block is its own note: titles like 前言 say nothing about content
            groups_of_prose.append([len(keys)])
            keys.append(dedupe.QuestionKey("§" + o.question))
        else:
            keys.append(dedupe.QuestionKey(o.question))
        owners.append(("occ", i))
    prose_idx = {g[0] for g in groups_of_prose}
    question_idx = [k for k in range(len(keys)) if k not in prose_idx]
    clusters = [[question_idx[j] for j in g] for g in dedupe.cluster([keys[k] for k in question_idx])]
    taken = set(existing)
    index: classify.TopicIndex | None = None
    touched: dict[str, Note] = {}
    new_notes: list[Note] = []
    for group in sorted(clusters + groups_of_prose, key=lambda g: g[0]):
        note_ids = sorted({owners[k][1] for k in group if owners[k][0] == "note"})
        occ = [all_occ[owners[k][1]] for k in group if owners[k][0] == "occ"]
        if not occ:
            continue
        if note_ids:
            target = existing[note_ids[0]]
            if len(note_ids) > 1:
                result.conflicts.append(
                    f"{', '.join(note_ids)}: these notes hold the same question — merge them by hand "
                    f"(keep one, move the other's aliases and answers into it)")
            if merge_into(target, occ):
                touched[target.id] = target
            for o in occ:
                o.note_id = target.id
        else:
            if index is None:  # nearest existing notes decide the topic of a new question
                index = classify.TopicIndex(existing.values())
            note = build_note(occ, taken, index)
            taken.add(note.id)
            new_notes.append(note)
            for o in occ:
                o.note_id = note.id

    for nid in sorted(by_ledger):
        if merge_into(existing[nid], by_ledger[nid]):
            touched[nid] = existing[nid]
        for o in by_ledger[nid]:
            o.note_id = nid

    # Per-source report: a new note counts as "new" for the source of its first occurrence.
    order = {m.id: i for i, m in enumerate(metas)}
    first_source = {}
    for o in sorted(all_occ, key=lambda o: (order[o.source], o.line)):
        first_source.setdefault(o.note_id, o.source)
    new_ids = {n.id for n in new_notes}
    for rep in result.reports:
        mine = [o for o in all_occ if o.source == rep.source and o.kind == "question"]
        rep.found = len(mine)
        rep.new = len({o.note_id for o in mine if o.note_id in new_ids and first_source[o.note_id] == rep.source})
        rep.merged = rep.found - rep.new
        rep.answered = len([o for o in mine if o.answer])
        rep.unanswered = rep.found - rep.answered

    files: dict[Path, str] = {}
    for note in [*new_notes, *touched.values()]:
        path = notes_dir(root) / note.topic / f"{note.id}.md"
        if note.path is not None:
            path = note.path
        files[path] = render_note(note)
    for meta in metas:
        files[ledger_dir(root) / f"{meta.id}.yml"] = render_ledger(
            meta, drops_by_source[meta.id], [o for o in all_occ if o.source == meta.id], raw_lines[meta.id])
    for path, text in sorted(files.items()):
        if path.exists() and path.read_text(encoding="utf-8") == text:
            result.unchanged += 1
            continue
        result.written.append(path)
    from .import_check import validate_before_write
    problems = validate_before_write(root, {p: files[p] for p in result.written if p.suffix == ".md"},
                                     [m.id for m in metas])
    if problems:
        raise ImportRefused("import refused, nothing was written — what would be written fails the checks:\n"
                            + "\n".join(f"  {p}" for p in problems)
                            + "\nFix the source's shape (or its parser / clean rules) and import again.")
    if not dry_run:
        write_atomically({p: files[p] for p in result.written})
    return result


def _previous_mapping(root: Path, metas: list[SourceMeta]) -> dict[tuple[str, int], list[tuple[str, str]]]:
    mapping = {}
    for meta in metas:
        path = ledger_dir(root) / f"{meta.id}.yml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for q in data.get("questions") or []:
                mapping.setdefault((meta.id, int(q["line"])), []).append((str(q.get("text", "")), q["note"]))
    return mapping


def render_ledger(meta: SourceMeta, drops: list[Drop], occ: list[Occurrence], source_lines: list[str]) -> str:
    def excerpt(d: Drop) -> str:
        first = next((line.strip() for line in source_lines[d.start - 1:d.end] if line.strip()), "")
        return first[:60]

    data = {
        "source": meta.id,
        "file": meta.file,
        "parser": meta.parser,
        "summary": {
            "question_occurrences": len([o for o in occ if o.kind == "question"]),
            "with_answer": len([o for o in occ if o.kind == "question" and o.answer]),
            "prose_blocks": len([o for o in occ if o.kind == "prose"]),
            "dropped_lines": sum(d.end - d.start + 1 for d in drops),
        },
        "questions": [
            {"line": o.line, **({"end": o.end_line} if o.end_line != o.line else {}), "note": o.note_id,
             "text": o.alias}
            for o in sorted(occ, key=lambda o: o.line)
        ],
        "dropped": [
            {"lines": f"{d.start}" if d.start == d.end else f"{d.start}-{d.end}", "reason": d.reason,
             **({"detail": d.detail} if d.detail else {}), "text": excerpt(d)}
            for d in sorted(drops, key=lambda d: (d.start, d.end))
        ],
    }
    header = (f"# Import ledger for {meta.id} ({meta.file}), written by `kb import`.\n"
              f"# `questions`: every question occurrence and the note it went to.\n"
              f"# `dropped`: every line range left out, with the reason and its first words, for review.\n")
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)


def write_atomically(files: dict[Path, str]) -> None:
    """Stage every file next to its target first, then rename all: a crash while staging changes nothing."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            staged.append((Path(tmp), path))
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
