"""kb merge KEEP DROP...: fold notes that hold the same question into one.

Everything of the dropped notes survives in the kept note: their question becomes an alias, and
their aliases, source references, tags, review records and answer blocks are appended. The import
ledgers and every `related:` list or `q:` link that named a dropped id are pointed at the kept note,
so nothing is lost and no link breaks.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .importer import write_atomically
from .model import Note, iter_note_paths, load_note, render_note
from .paths import ledger_dir, notes_dir
from .structure import own_structure_dir


class MergeError(ValueError):
    pass


def _fold(keep: Note, drop: Note) -> None:
    for phrase in [drop.question, *drop.aliases]:
        if phrase != keep.question and phrase not in keep.aliases:
            keep.aliases.append(phrase)
    have = {(s.source, s.locator) for s in keep.sources}
    keep.sources.extend(s for s in drop.sources if (s.source, s.locator) not in have)
    keep.tags.extend(t for t in drop.tags if t not in keep.tags)
    keep.related.extend(r for r in drop.related if r not in keep.related and r != keep.id)
    keep.reviewed.extend(r for r in drop.reviewed if r not in keep.reviewed)
    by_text = {b.text.strip(): b for b in keep.blocks}
    for b in drop.blocks:
        same = by_text.get(b.text.strip())
        if same is not None and same.kind == b.kind:
            same.sources.extend(s for s in b.sources if s not in same.sources)  # same text: credit both
        elif b.content or not keep.blocks:
            keep.blocks.append(b)
    if keep.answers:
        keep.status = "answered" if "answered" in (keep.status, drop.status) else keep.status
        if keep.status == "unanswered":
            keep.status = drop.status if drop.status != "unanswered" else "answered"


def _unlist_from_structure(root: Path, drop_ids: list[str]) -> dict[Path, str]:
    """Topic structure files stop listing the dropped ids (the kept note keeps its own place).
    Edited as text so the files' comments and layout survive."""
    item = re.compile(r"^\s*-\s*(" + "|".join(map(re.escape, drop_ids)) + r")\s*(#.*)?$")
    out = {}
    folder = own_structure_dir(root)
    for path in sorted(folder.glob("*.yml")) if folder is not None else []:
        text = path.read_text(encoding="utf-8")
        kept = [line for line in text.split("\n") if not item.match(line)]
        if len(kept) != text.count("\n") + 1:
            out[path] = "\n".join(kept)
    return out


def merge_notes(root: Path, keep_id: str, drop_ids: list[str]) -> list[Path]:
    by_id = {}
    for path in iter_note_paths(notes_dir(root)):
        note = load_note(path)
        by_id[note.id] = note
    for nid in [keep_id, *drop_ids]:
        if nid not in by_id:
            raise MergeError(f"no note has id '{nid}' — ids are the file names in notes/<topic>/")
    if keep_id in drop_ids:
        raise MergeError("the kept note cannot also be dropped")
    keep = by_id[keep_id]
    for nid in drop_ids:
        _fold(keep, by_id[nid])
    files: dict[Path, str] = {keep.path: render_note(keep)}
    pattern = re.compile(r"\(q:(" + "|".join(map(re.escape, drop_ids)) + r")\)")
    for nid, note in by_id.items():
        if nid == keep_id or nid in drop_ids:
            continue
        changed = False
        if any(r in drop_ids for r in note.related):
            note.related = list(dict.fromkeys(keep_id if r in drop_ids else r for r in note.related))
            changed = True
        for b in note.blocks:
            if pattern.search(b.text):
                b.text = pattern.sub(f"(q:{keep_id})", b.text)
                changed = True
        if changed:
            files[note.path] = render_note(note)
    for ledger in sorted(ledger_dir(root).glob("*.yml")):
        text = ledger.read_text(encoding="utf-8")
        header = "".join(line + "\n" for line in text.split("\n") if line.startswith("#"))
        data = yaml.safe_load(text) or {}
        hit = False
        for q in data.get("questions") or []:
            if q.get("note") in drop_ids:
                q["note"] = keep_id
                hit = True
        if hit:
            files[ledger] = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    files.update(_unlist_from_structure(root, drop_ids))
    write_atomically(files)
    removed = [by_id[nid].path for nid in drop_ids]
    for path in removed:
        path.unlink()
    return [*files, *removed]
