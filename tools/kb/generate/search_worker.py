"""Material's search indexing in a helper process, in parallel with page rendering.

Indexing (an HTML parse of every page plus jieba segmentation, and jieba's 0.7 s dictionary load) is
about a third of a build and does not depend on anything the main process does after a page is
rendered. The mkdocs hook sends each rendered page here as plain data; this process runs Material's
own ``SearchIndex`` on it (so the entries are exactly what Material would produce), compacts them
(``search_index.Compactor``) and hands the entries back at the end of the build.

The process stays alive between builds of one ``mkdocs serve`` session, so jieba is loaded once; it is
restarted when the search configuration or a jieba dictionary changes. A page whose content (and
everything else indexing reads) is unchanged since the previous build gets its previous entries, so a
rebuild indexes only the pages that changed.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
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


def _serve(inp, out, search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> None:
    """The helper's loop: pickled ``(kind, data)`` requests on ``inp``, replies on ``out``."""

    def send(obj) -> None:
        pickle.dump(obj, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        if jieba_dict:
            jieba.set_dictionary(jieba_dict)
        jieba.initialize()
        if jieba_dict_user:
            jieba.load_userdict(jieba_dict_user)
        from material.plugins.search.plugin import SearchIndex

        from .search_index import Compactor, Trimmer, trim_entries

        compactor = Compactor(search_config.get("separator"))
        trimmer, options = None, ""
        # Entries of the pages indexed in the previous build, by everything indexing reads from the
        # page: under `mkdocs serve` only the pages that changed are indexed again.
        previous: dict[bytes, list[dict]] = {}
        current: dict[bytes, list[dict]] = {}
        index = SearchIndex(**search_config)
    except Exception:
        send(("error", traceback.format_exc()))
        return
    send(("ready", None))
    failed = None
    while True:
        try:
            kind, data = pickle.load(inp)
        except EOFError:
            return
        if kind == "page":
            if failed:
                continue
            try:
                start = len(index.entries)
                path = data.pop("content_file")
                with open(path, encoding="utf-8") as f:
                    data["content"] = exclude_chrome(f.read())
                os.unlink(path)
                key = hashlib.sha256(repr((sorted(data.items()), options)).encode()).digest()
                entries = previous.get(key)
                if entries is None:
                    index.add_entry_from_context(SimpleNamespace(**data))
                    for entry in index.entries[start:]:
                        compactor.entry(entry)
                    if trimmer is not None and data.get("index_heads"):
                        trim_entries(index.entries[start:], {data["url"]: data["index_heads"]}, trimmer)
                    entries = index.entries[start:]
                else:
                    index.entries += [dict(e) for e in entries]
                current[key] = entries
            except Exception:
                failed = traceback.format_exc()
        elif kind == "options":  # the question budget of this build (search_index.Trimmer)
            trimmer = Trimmer(search_config.get("separator"), data["key_terms"], data["answer_chars"])
            options = repr(sorted(data.items()))
        elif kind == "collect":
            send(("error", failed) if failed else ("entries", index.entries))
            previous, current = ({} if failed else current), {}
            index.entries, failed = [], None
        elif kind == "stop":
            return


def main() -> None:
    """Entry point of the helper process (``python -m kb.generate.search_worker``)."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies may reach the reply pipe
    search_config, jieba_dict, jieba_dict_user = pickle.load(inp)
    _serve(inp, out, search_config, jieba_dict, jieba_dict_user)


class SearchWorker:
    def __init__(self, search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None):
        self.key = _key(search_config, jieba_dict, jieba_dict_user)
        self.tmp = tempfile.TemporaryDirectory(prefix="kb-search-")
        # A plain subprocess, not multiprocessing: spawn would re-import the caller's __main__.
        self.process = subprocess.Popen([sys.executable, "-m", "kb.generate.search_worker"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        # Pages are written to the pipe by a thread: the pipe holds 64 KB, a page is often more, and
        # the main thread must go on rendering while the helper is still busy.
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, name="kb-search-index-writer", daemon=True)
        self.writer.start()
        self._send((search_config, jieba_dict, jieba_dict_user))
        self.ready = False

    def _write(self) -> None:
        while True:
            obj = self.queue.get()
            if obj is None:
                return
            try:
                pickle.dump(obj, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self.process.stdin.flush()
            except (OSError, ValueError):  # the helper died; collect reports it
                return

    def _send(self, obj) -> None:
        self.queue.put(obj)

    def _recv(self):
        try:
            return pickle.load(self.process.stdout)
        except EOFError:
            raise RuntimeError("search index helper exited unexpectedly (see the messages above)") from None

    def configure(self, key_terms: list[str], answer_chars: int) -> None:
        self._send(("options", {"key_terms": key_terms, "answer_chars": answer_chars}))

    def add(self, page, index_heads: dict[str, int] | None = None) -> None:
        # The page's HTML goes through a file: writing it never waits for the helper, while a pipe
        # (64 KB) would make this thread wait whenever the helper is busy with an earlier page.
        payload = page_payload(page)
        fd, path = tempfile.mkstemp(prefix="page-", suffix=".html", dir=self.tmp.name)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(payload.pop("content"))
        payload["content_file"] = path
        payload["index_heads"] = index_heads
        self._send(("page", payload))

    def collect(self) -> list[dict]:
        """All entries since the last collect, once the helper has indexed every page sent."""
        if not self.ready:
            kind, data = self._recv()
            if kind == "error":
                raise RuntimeError(f"search index helper failed to start:\n{data}")
            self.ready = True
        self._send(("collect", None))
        kind, data = self._recv()
        if kind == "error":
            raise RuntimeError(f"search indexing failed:\n{data}")
        return data

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        self._send(("stop", None))
        self.queue.put(None)
        self.writer.join(timeout=5)
        try:
            self.process.stdin.close()
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.tmp.cleanup()


def _key(search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> tuple:
    return (repr(sorted(search_config.items())), jieba_dict, _mtime(jieba_dict),
            jieba_dict_user, _mtime(jieba_dict_user))


def _mtime(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


_worker: SearchWorker | None = None


def get_worker(search_config: dict, jieba_dict: str | None, jieba_dict_user: str | None) -> SearchWorker:
    """The running helper for this configuration (started, or restarted after a change)."""
    global _worker
    key = _key(search_config, jieba_dict, jieba_dict_user)
    if _worker is not None and _worker.key == key and _worker.alive():
        return _worker
    stop_worker()
    _worker = SearchWorker(search_config, jieba_dict, jieba_dict_user)
    return _worker


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(stop_worker)

if __name__ == "__main__":
    main()
