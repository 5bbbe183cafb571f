"""sources/sources.yml: the registry of imported articles."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import sources_dir

REQUIRED = ("id", "file", "title", "author", "publisher", "parser", "attribution")


@dataclass(frozen=True)
class SourceMeta:
    id: str
    file: str
    title: str
    author: str
    publisher: str
    parser: str
    attribution: str
    url: str | None = None
    date: str | None = None

    def path(self, root: Path) -> Path:
        return sources_dir(root) / self.file


class SourceRegistryError(ValueError):
    pass


def load_sources(root: Path) -> list[SourceMeta]:
    path = sources_dir(root) / "sources.yml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    metas = []
    for i, entry in enumerate(data):
        missing = [k for k in REQUIRED if not entry.get(k)]
        if missing:
            raise SourceRegistryError(
                f"{path}: entry {i + 1} ({entry.get('id', '?')}): missing {', '.join(missing)} — "
                f"every source needs {', '.join(REQUIRED)}")
        metas.append(SourceMeta(**{k: (str(v) if v is not None else None) for k, v in entry.items()
                                   if k in SourceMeta.__dataclass_fields__}))
    return metas


def source_ids(root: Path) -> set[str]:
    return {m.id for m in load_sources(root)}


def find_source(root: Path, ref: str) -> SourceMeta:
    """Find a source by id, file name or path."""
    metas = load_sources(root)
    name = Path(ref).name
    for m in metas:
        if ref == m.id or name == m.file:
            return m
    snippet = (f"- id: s{len(metas):03d}\n  file: {name}\n  title: <文章标题>\n  author: <作者，未知写 未署名>\n"
               f"  publisher: <发布平台>\n  url: <原文链接或 null>\n  date: <日期或 null>\n"
               f"  parser: generic\n  attribution: <一句话署名说明>")
    raise SourceRegistryError(
        f"{ref}: not registered in sources/sources.yml — copy the article into sources/ unchanged and add an "
        f"entry like this (parser: one of the modules in tools/kb/ingest/parsers/, 'generic' for Markdown "
        f"Q&A):\n{snippet}")
