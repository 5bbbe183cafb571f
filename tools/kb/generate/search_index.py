"""Rewrite Material's search index as UTF-8 instead of ASCII escapes (6 bytes per Chinese
character): about half the size, same content, so search still works (online and offline)."""

from __future__ import annotations

import json
from pathlib import Path


def compact_search_index(path: Path) -> None:
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
