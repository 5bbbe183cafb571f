"""The search index built in a helper process, in parallel with page rendering.

Segmenting every question with jieba (plus jieba's dictionary load) takes seconds and depends only on
the notes, so the mkdocs hook sends the questions here as soon as the generator has loaded them and
collects the finished index (``kb.search.build``) after the pages are rendered.

The process stays alive between builds of one ``mkdocs serve`` session: jieba is loaded once and a
question whose text did not change is not segmented again. It is restarted when a dictionary, the
synonyms or the glossary change.
"""

from __future__ import annotations

import atexit
import logging
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback

log = logging.getLogger("mkdocs.plugins.kb")


def _serve(inp, out, user_dict: str | None, synonyms_file: str, glossary_file: str | None) -> None:
    """The helper's loop: pickled ``(kind, data)`` requests on ``inp``, replies on ``out``."""

    def send(obj) -> None:
        pickle.dump(obj, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        from pathlib import Path

        from ..search import synonyms
        from ..search.build import IndexBuilder, dumps
        from ..search.text import Segmenter

        data = synonyms.load(Path(synonyms_file), Path(glossary_file) if glossary_file else None)
        builder = IndexBuilder(Segmenter(user_dict, set(data.stopwords)), data)
    except Exception:
        send(("error", traceback.format_exc()))
        return
    send(("ready", None))
    docs, failed = [], None
    while True:
        try:
            kind, payload = pickle.load(inp)
        except EOFError:
            return
        if kind == "docs":
            docs, failed = payload, None
            try:
                for doc in docs:  # segment now, while the main process renders pages
                    builder.terms(doc)
            except Exception:
                failed = traceback.format_exc()
        elif kind == "build":
            if failed:
                send(("error", failed))
                continue
            try:
                index = builder.build(docs, payload)
                # forget questions that are gone (serve sessions run long)
                keep = {d.key() for d in docs}
                builder.cache = {k: v for k, v in builder.cache.items() if k in keep}
                send(("index", dumps(index)))
            except Exception:
                send(("error", traceback.format_exc()))
        elif kind == "stop":
            return


def main() -> None:
    """Entry point of the helper process (``python -m kb.generate.search_worker``)."""
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but replies may reach the reply pipe
    _serve(inp, out, *pickle.load(inp))


class SearchWorker:
    def __init__(self, user_dict: str | None, synonyms_file: str, glossary_file: str | None):
        self.key = _key(user_dict, synonyms_file, glossary_file)
        # A plain subprocess, not multiprocessing: spawn would re-import the caller's __main__.
        self.process = subprocess.Popen([sys.executable, "-m", "kb.generate.search_worker"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        # Requests are written by a thread: the pipe holds 64 KB and the questions are more, while
        # the main thread must go on rendering.
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.writer = threading.Thread(target=self._write, name="kb-search-index-writer", daemon=True)
        self.writer.start()
        self._send((user_dict, synonyms_file, glossary_file))
        self.ready = False

    def _write(self) -> None:
        while True:
            obj = self.queue.get()
            if obj is None:
                return
            try:
                pickle.dump(obj, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self.process.stdin.flush()
            except (OSError, ValueError):  # the helper died; build reports it
                return

    def _send(self, obj) -> None:
        self.queue.put(obj)

    def _recv(self):
        try:
            return pickle.load(self.process.stdout)
        except EOFError:
            raise RuntimeError("search index helper exited unexpectedly (see the messages above)") from None

    def add_questions(self, docs: list) -> None:
        self._send(("docs", docs))

    def build(self, pages: dict[str, tuple[str, str]]) -> str:
        """The index JSON, once the helper has segmented every question sent."""
        if not self.ready:
            kind, data = self._recv()
            if kind == "error":
                raise RuntimeError(f"search index helper failed to start:\n{data}")
            self.ready = True
        self._send(("build", pages))
        kind, data = self._recv()
        if kind == "error":
            raise RuntimeError(f"search index build failed:\n{data}")
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


def _key(*paths: str | None) -> tuple:
    return tuple((p, _mtime(p)) for p in paths)


def _mtime(path: str | None) -> float | None:
    try:
        return os.stat(path).st_mtime if path else None
    except OSError:
        return None


_worker: SearchWorker | None = None


def get_worker(user_dict: str | None, synonyms_file: str, glossary_file: str | None) -> SearchWorker:
    """The running helper for these data files (started, or restarted after a change)."""
    global _worker
    key = _key(user_dict, synonyms_file, glossary_file)
    if _worker is not None and _worker.key == key and _worker.alive():
        return _worker
    stop_worker()
    _worker = SearchWorker(user_dict, synonyms_file, glossary_file)
    return _worker


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.stop()
        _worker = None


atexit.register(stop_worker)

if __name__ == "__main__":
    main()
