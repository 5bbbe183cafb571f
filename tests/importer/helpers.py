"""Build throw-away repository layouts for import tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def make_root(tmp: Path, entries: list[dict], files: dict[str, str] | None = None) -> Path:
    """A repo root with sources/<file> copied (or written) and a sources.yml listing `entries`."""
    (tmp / "sources").mkdir(parents=True, exist_ok=True)
    (tmp / "notes").mkdir(exist_ok=True)
    for e in entries:
        text = (files or {}).get(e["file"])
        if text is None:
            shutil.copy(REPO / "sources" / e["file"], tmp / "sources" / e["file"])
        else:
            (tmp / "sources" / e["file"]).write_text(text, encoding="utf-8")
    full = [{"title": e["id"], "short": f"来源 {e['id']}", "author": "test", "publisher": "test", "attribution": "test",
             **e} for e in entries]
    (tmp / "sources" / "sources.yml").write_text(yaml.safe_dump(full, allow_unicode=True), encoding="utf-8")
    return tmp


def snapshot(root: Path) -> dict[str, bytes]:
    out = {}
    for sub in ("notes", "sources/ledger"):
        base = root / sub
        if base.exists():
            for p in sorted(base.rglob("*")):
                if p.is_file():
                    out[str(p.relative_to(root))] = p.read_bytes()
    return out
