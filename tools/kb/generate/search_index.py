"""The site's search index files, from the notes (the index itself is built by ``kb.search.build``).

Material's search plugin still writes ``search/search_index.json``, which its page script fetches on
every page load; we turn it into a stub of a few hundred bytes that keeps Material's ``config`` (the
page highlighter reads it) and names the real index, ``search/kb-index.<hash>.json``. The site's own
worker (overrides/assets/javascripts/kb-search-worker.js) fetches that file only when a reader starts
searching; its name changes with its content, so a host may cache it forever.

The offline build (``OFFLINE=true``) cannot fetch from ``file://``: there the stub carries the whole
index inline, and Material's offline plugin turns the stub into ``search_index.js``, which Material
loads from ``file://`` only when search is opened.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..search.build import QuestionDoc

STUB = "search_index.json"
INDEX_PREFIX = "kb-index."


def question_docs(inputs, pages) -> list[QuestionDoc]:
    """One ``QuestionDoc`` per note placed on a generated topic page (``page.index_heads`` lists them)."""
    page_of = {nid: p.uri for p in pages if p.index_heads for nid in p.index_heads}
    tag_names = {t.id: t.name for t in inputs.tags}
    docs = []
    for note in inputs.notes:
        uri = page_of.get(note.id)
        if uri is None:
            continue
        canonical = note.canonical
        docs.append(QuestionDoc(
            id=note.id, page=uri, question=note.question, aliases=list(note.aliases),
            tags=[tag_names.get(t, t) for t in note.tags], keypoints=list(note.keypoints),
            canonical=canonical.content if canonical else "",
            sources=[b.content for b in note.source_answers]))
    return docs


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_index(site_dir: Path, index_json: str, *, inline: bool) -> Path:
    """Write the index and rewrite Material's ``search_index.json`` as the stub that points to it."""
    folder = Path(site_dir) / "search"
    folder.mkdir(parents=True, exist_ok=True)
    stub_path = folder / STUB
    config = {}
    if stub_path.is_file():
        config = json.loads(stub_path.read_text(encoding="utf-8")).get("config") or {}
    for old in folder.glob(f"{INDEX_PREFIX}*.json"):
        old.unlink()
    if inline:
        config["kb"] = {"inline": True}
        stub = '{"config":' + json.dumps(config, ensure_ascii=False) + ',"docs":[' + index_json + "]}"
        _atomic_write(stub_path, stub)
        return stub_path
    name = f"{INDEX_PREFIX}{hashlib.sha256(index_json.encode()).hexdigest()[:12]}.json"
    _atomic_write(folder / name, index_json)
    config["kb"] = {"index": f"search/{name}"}
    _atomic_write(stub_path, json.dumps({"config": config, "docs": []}, ensure_ascii=False))
    return folder / name
