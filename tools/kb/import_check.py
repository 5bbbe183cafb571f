"""The importer's pre-write check: what an import would write must pass `kb check` and keep the site buildable.

The note files an import would write are checked in a scratch copy of the repository layout (same
sources, same rules), so nothing in the real tree is touched. Only problems the import introduces
count: a touched note that already had a problem does not block an import. Links are validated the
way the strict site build sees them: no links to anchors of the original page, no relative links to
files the site does not publish, and `q:` links only to notes that exist.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from .check import Checker
from .clean.repair import LINK_RE, PROTECTED_RE, _on_site
from .tex import MATH_RE
from .generate.math import MathError, tex_to_mathml
from .model import iter_note_paths, load_note, parse_note
from .paths import notes_dir

# Rules about the whole collection (related ids, unique ids) are checked by `kb check` on the tree.
SKIP_RULES = {"F-related", "F-unique"}


def _problems(root: Path, files: dict[Path, str]) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="kb-import-check-") as tmp:
        scratch = Path(tmp)
        (scratch / "sources").mkdir()
        shutil.copy(root / "sources" / "sources.yml", scratch / "sources" / "sources.yml")
        base = notes_dir(root)
        for path, text in files.items():
            rel = path.relative_to(base)
            (scratch / "notes" / rel).parent.mkdir(parents=True, exist_ok=True)
            (scratch / "notes" / rel).write_text(text, encoding="utf-8")
        found = Checker(scratch).check_all()
    return [f"notes/{p.path.removeprefix('notes/')}:{p.line}: {p.field}: {p.message} [{p.rule}]"
            for p in found if p.rule not in SKIP_RULES]


def _strip_lines(problem: str) -> str:
    return re.sub(r":\d+:", ":", problem, count=1)


def link_problems(path: str, text: str, note_ids: set[str]) -> list[str]:
    out = []
    free = PROTECTED_RE.sub("", text)
    for m in LINK_RE.finditer(free):
        url = m.group(2)
        if url.startswith("q:") and url[2:].split("#")[0] not in note_ids:
            out.append(f"{path}: link to unknown note '{url}' — link an existing note id")
        elif not _on_site(url):
            out.append(f"{path}: link to '{url}', which the site does not publish — link a full URL or drop it")
    for m in MATH_RE.finditer(free):
        tex = m.group(1) if m.group(1) is not None else m.group(2)
        try:
            tex_to_mathml(tex, m.group(1) is not None)
        except MathError as exc:
            out.append(f"{path}: formula '{tex[:30]}' does not render ({exc}) — fix the TeX")
    return out


def source_problems(root: Path, source_ids: list[str]) -> list[str]:
    """What the site build would reject in the registry entries of the imported sources (a short label)."""
    from .generate.inputs import load_sources, source_label_problems
    path = root / "sources" / "sources.yml"
    sources = load_sources(path)
    lines = {sources[i].line for i in source_ids if i in sources}
    return [f"sources/sources.yml:{line}: {msg}" for line, msg in source_label_problems(sources) if line in lines]


def validate_before_write(root: Path, files: dict[Path, str], source_ids: list[str] = ()) -> list[str]:
    """Problems the files to be written (note path → text) would introduce; [] when safe to write."""
    if source_ids:
        found = source_problems(root, list(source_ids))
        if found:
            return found
    if not files:
        return []
    before = {p: p.read_text(encoding="utf-8") for p in files if p.exists()}
    old = {_strip_lines(x) for x in _problems(root, before)} if before else set()
    new = [x for x in _problems(root, files) if _strip_lines(x) not in old]
    ids = {load_note(p).id for p in iter_note_paths(notes_dir(root))}
    for path, text in files.items():
        ids.add(parse_note(text, path).id)
    for path, text in sorted(files.items()):
        rel = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        problems = link_problems(rel, text, ids)
        if path in before:
            problems = [x for x in problems if x not in link_problems(rel, before[path], ids)]
        new.extend(problems)
    return new
