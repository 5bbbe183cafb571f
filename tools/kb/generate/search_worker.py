"""Material's search indexing in a helper process, in parallel with page rendering.

Indexing (an HTML parse of every page plus jieba segmentation, and jieba's 0.7 s dictionary load) is
about a third of a build and does not depend on anything the main process does after a page is
rendered. The mkdocs hook sends each rendered page here as plain data; this process runs Material's
own ``SearchIndex`` on it (so the entries are exactly what Material would produce), compacts them
(``search_index.Compactor``) and hands the entries back at the end of the build.

The process stays alive between builds of one ``mkdocs serve`` session, so jieba is loaded once; it is
restarted when the search configuration or a jieba dictionary changes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from types import SimpleNamespace

log = logging.getLogger("mkdocs.plugins.kb")


TAB_LABELS = '<div class="tabbed-labels">'


def exclude_chrome(html: str) -> str:
    """Leave the tab labels (short source names) out of the index: they name the source, not the
    answer, and matched every question of a source. Attribution lines are excluded by the generator."""
    return html.replace(TAB_LABELS, '<div class="tabbed-labels" data-search-exclude="true">')


def _toc(items) -> list:
    return [SimpleNamespace(id=i.id, url=i.url, children=_toc(i.children)) for i in items]


def page_payload(page) -> dict:
    """What Material's ``SearchIndex.add_entry_from_context`` reads from a page, as plain data."""
    meta = {k: page.meta[k] for k in ("search", "title", "tags") if k in page.meta}
    return {"url": page.url, "title": str(page.title), "meta": meta, "content": page.content, "toc": _toc(page.toc)}


def _serve(conn, search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> None:
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        if jieba_dict:
            jieba.set_dictionary(jieba_dict)
        jieba.initialize()
        if jieba_dict_user:
            jieba.load_userdict(jieba_dict_user)
        from material.plugins.search.plugin import SearchIndex

        from .search_index import Compactor

        compactor = Compactor(search_config.get("separator"))
        index = SearchIndex(**search_config)
    except Exception:
        conn.send(("error", traceback.format_exc()))
        return
    conn.send(("ready", None))
    failed = None
    while True:
        try:
            kind, data = conn.recv()
        except EOFError:
            return
        if kind == "page":
            if failed:
                continue
            try:
                start = len(index.entries)
                data["content"] = exclude_chrome(data["content"])
                index.add_entry_from_context(SimpleNamespace(**data))
                for entry in index.entries[start:]:
                    compactor.entry(entry)
            except Exception:
                failed = traceback.format_exc()
        elif kind == "collect":
            conn.send(("error", failed) if failed else ("entries", index.entries))
            index.entries, failed = [], None
        elif kind == "stop":
            return


class SearchWorker:
    def __init__(self, search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None):
        self.key = _key(search_config, jieba_dict, jieba_dict_user)
        ctx = multiprocessing.get_context("spawn")  # no fork of a process that may run server threads
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, search_config, jieba_dict, jieba_dict_user),
                                   name="kb-search-index", daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    def add(self, page) -> None:
        try:
            self.conn.send(("page", page_payload(page)))
        except OSError:  # the helper died (its error is reported by collect)
            pass

    def collect(self) -> list[dict]:
        """All entries since the last collect, once the helper has indexed every page sent."""
        if not self.ready:
            try:
                kind, data = self.conn.recv()
            except EOFError:
                raise RuntimeError("search index helper exited unexpectedly") from None
            if kind == "error":
                raise RuntimeError(f"search index helper failed to start:\n{data}")
            self.ready = True
        self.conn.send(("collect", None))
        kind, data = self.conn.recv()
        if kind == "error":
            raise RuntimeError(f"search indexing failed:\n{data}")
        return data

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        try:
            self.conn.send(("stop", None))
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()


def _key(search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> tuple:
    return (repr(sorted(search_config.items())), jieba_dict, _mtime(jieba_dict), jieba_dict_user, _mtime(jieba_dict_user))


def _mtime(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


_worker: SearchWorker | None = None


def get_worker(search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> SearchWorker:
    """The running helper for this configuration (started, or restarted after a change)."""
    global _worker
    if _worker is not None and _worker.key == _key(search_config, jieba_dict, jieba_dict_user) and _worker.alive():
        return _worker
    stop_worker()
    _worker = SearchWorker(search_config, jieba_dict, jieba_dict_user)
    return _worker


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None
