#!/usr/bin/env python3
"""Build-cost benchmark for the site: synthetic corpora of 1×, 5×, 10×, 20× the real notes.

Not a test: it prints a Markdown table (and optionally writes JSON) for BENCHMARKS.md.

    python scripts/benchmark.py                    # scales 1,5,10,20 + the `mkdocs serve` reload check
    python scripts/benchmark.py --scales 1,5 --no-serve --json /tmp/bench.json

Each scale copies every real note k times into a temporary root (copy k > 0 gets the id
``<id>-x<k>``, the file ``<id>-x<k>.md`` and the question ``<question>（副本 k）``, so ids and questions
stay unique) and runs ``mkdocs build -f <repo>/mkdocs.yml --site-dir <tmp>`` from the repository root
with ``KB_ROOT`` pointing at the copy (the jieba user dictionary path is relative to the working
directory). Measured per build:

- wall time of the ``mkdocs build`` process (Python start-up included);
- peak memory: the largest sum of RSS over the build's process tree, sampled every 20 ms (the
  build may use a helper process), plus the main process's own peak from ``getrusage``;
- search index bytes, total and per question (and gzip-compressed);
- the largest HTML page;
- the home page's transfer size: index.html plus every CSS and JS file it references (stylesheets,
  scripts and the search worker named in Material's config), excluding the search index; raw bytes
  and gzip -6 bytes (what a static host that compresses, like GitHub Pages, sends).

``--serve`` (on by default) measures how long ``mkdocs serve`` takes to show an edited note: it serves
a temporary copy of the real notes on a free port, waits until the site answers, appends a marker to
one note and polls the note's page until the marker appears (three edits; the times are reported).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from importlib import metadata
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
NOTES = REPO / "notes"
FRONT_RE = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "Markdown", "jieba", "latex2mathml",
            "mkdocs-awesome-pages-plugin", "PyYAML")


# --- corpus --------------------------------------------------------------------------------------

def real_notes() -> list[Path]:
    return sorted(p for p in NOTES.rglob("*.md") if p.is_file())


def notes_at(rev: str, dest: Path) -> Path:
    """The notes/ folder as of a git revision (read-only: ``git archive``), for repeatable runs
    while notes/ is being edited."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "archive", rev, "notes"], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "notes"


def make_corpus(root: Path, scale: int) -> int:
    """Write ``scale`` copies of every real note under ``root/notes``; return the number of notes."""
    count = 0
    for path in real_notes():
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(NOTES)
        m = FRONT_RE.match(text)
        for k in range(scale):
            dest = root / "notes" / rel.parent / (rel.name if k == 0 else f"{path.stem}-x{k}.md")
            dest.parent.mkdir(parents=True, exist_ok=True)
            if k == 0 or not m:
                dest.write_text(text, encoding="utf-8")
            else:
                data = yaml.load(m.group(1), Loader=Loader) or {}
                data["id"] = f"{data.get('id', path.stem)}-x{k}"
                data["question"] = f"{data.get('question', '')}（副本 {k}）"
                front = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=10_000)
                dest.write_text(f"---\n{front}---\n{text[m.end():]}", encoding="utf-8")
            count += 1
    return count


# --- measuring a build ---------------------------------------------------------------------------

def _tree_rss(pid: int) -> int:
    """Sum of VmRSS (bytes) over ``pid`` and its descendants."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def build_env(root: Path) -> dict:
    env = {**os.environ, "KB_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1", "OFFLINE": "false"}
    env.pop("KB_REPO_URL", None)
    return env


def timed_build(root: Path, site: Path) -> dict:
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(REPO / "mkdocs.yml"), "--site-dir", str(site)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=build_env(root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if proc.returncode:
        sys.stderr.write(out.decode("utf-8", "replace"))
        raise SystemExit(f"mkdocs build failed for {root}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    m = re.search(r"Documentation built in ([\d.]+) seconds", out.decode("utf-8", "replace"))
    return {"wall_s": round(wall, 2), "mkdocs_s": float(m.group(1)) if m else None,
            "peak_tree_mb": round(peak[0] / 2**20), "peak_main_mb": round(max(before, after) / 1024)}


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def site_metrics(site: Path, questions: int) -> dict:
    index = site / "search" / "search_index.json"
    data = index.read_bytes() if index.is_file() else b""
    # the question index the stub names (fetched when a reader starts searching)
    data += b"".join(p.read_bytes() for p in sorted((site / "search").glob("kb-index.*.json")))
    pages = [(p.stat().st_size, p) for p in site.rglob("*.html")]
    largest = max(pages)
    home = site / "index.html"
    html = home.read_text(encoding="utf-8")
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', html)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', html)
    config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', html, re.DOTALL)
    if config:
        worker = json.loads(config.group(1)).get("search")
        if worker:
            assets.append(worker)
    files = [home] + [site / a.split("?")[0] for a in assets if not re.match(r"(https?:)?//", a)]
    raw = sum(f.stat().st_size for f in files if f.is_file())
    zipped = sum(gz(f.read_bytes()) for f in files if f.is_file())
    return {
        "questions": questions,
        "index_bytes": len(data),
        "index_per_q": round(len(data) / max(questions, 1)),
        "index_gzip": gz(data),
        "largest_page": largest[1].relative_to(site).as_posix(),
        "largest_page_bytes": largest[0],
        "pages": len(pages),
        "home_raw": raw,
        "home_gzip": zipped,
        "home_files": [f.relative_to(site).as_posix() for f in files],
    }


# --- mkdocs serve ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8", "replace")
    except Exception:
        return None


def serve_reload(edits: int = 3) -> dict:
    sys.path.insert(0, str(REPO / "tools"))
    from kb.generate.context import split_topics
    from kb.generate.inputs import load_inputs

    with tempfile.TemporaryDirectory(prefix="kb-serve-") as tmp:
        root = Path(tmp) / "root"
        make_corpus(root, 1)
        inputs = load_inputs(root)
        part = next(p for p in split_topics(inputs) if p.count == 1 and p.notes)
        note = part.notes[0]
        url_page = part.uri[:-3] + "/"
        port = free_port()
        cmd = [sys.executable, "-m", "mkdocs", "serve", "-f", str(REPO / "mkdocs.yml"), "--livereload",
               "-a", f"127.0.0.1:{port}"]
        proc = subprocess.Popen(cmd, cwd=REPO, env=build_env(root), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}/"
        try:
            t0 = time.perf_counter()
            while fetch(base) is None:
                if proc.poll() is not None or time.perf_counter() - t0 > 120:
                    raise SystemExit("mkdocs serve did not start")
                time.sleep(0.1)
            startup = time.perf_counter() - t0
            time.sleep(1.0)  # let the watcher settle
            times = []
            for i in range(edits):
                marker = f"BENCHMARKMARKER{i}x{int(time.time())}"
                path = note.path
                path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
                t = time.perf_counter()
                while True:
                    page = fetch(base + url_page)
                    if page and marker in page:
                        break
                    if time.perf_counter() - t > 60:
                        raise SystemExit("edit did not show up within 60 s")
                    time.sleep(0.05)
                times.append(round(time.perf_counter() - t, 2))
                time.sleep(1.0)
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    return {"serve_startup_s": round(startup, 2), "reload_s": times, "note": note.id, "page": url_page}


# --- report --------------------------------------------------------------------------------------

def machine() -> dict:
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            versions[p] = "-"
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gb": round(mem / 2**20, 1),
            "python": platform.python_version(), "os": platform.platform(), "packages": versions}


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 2**20 else f"{n / 2**20:,.1f} MB"


def table(rows: list[dict]) -> str:
    base = rows[0]
    out = ["| scale | notes | wall | time ÷ 1× | peak RSS (tree / main) | index | index / question | index gzip "
           "| largest page | home page (raw / gzip) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        ratio = r["wall_s"] / base["wall_s"] if base["wall_s"] else 0
        out.append(f"| {r['scale']}× | {r['questions']:,} | {r['wall_s']:.2f} s | {ratio:.2f} | "
                   f"{r['peak_tree_mb']} / {r['peak_main_mb']} MB | {kb(r['index_bytes'])} | "
                   f"{r['index_per_q']} B | {kb(r['index_gzip'])} | "
                   f"{r['largest_page_bytes'] / 1024:,.0f} KB (`{r['largest_page']}`) | "
                   f"{r['home_raw'] / 1024:,.0f} / {r['home_gzip'] / 1024:,.0f} KB |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,5,10,20", help="comma-separated multiples of the real notes")
    ap.add_argument("--repeat", type=int, default=1, help="builds per scale; the fastest is reported")
    ap.add_argument("--no-serve", action="store_true", help="skip the mkdocs serve reload measurement")
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    ap.add_argument("--notes", type=Path, help="notes folder to copy (default: the repository's notes/)")
    ap.add_argument("--rev", help="take notes/ from this git revision instead (e.g. HEAD)")
    args = ap.parse_args(argv)
    global NOTES
    keep = tempfile.TemporaryDirectory(prefix="kb-bench-notes-")
    if args.rev:
        NOTES = notes_at(args.rev, Path(keep.name))
        rev = subprocess.run(["git", "rev-parse", "--short", args.rev], cwd=REPO, capture_output=True, text=True)
        print(f"Notes: git {args.rev} ({rev.stdout.strip()})")
    elif args.notes:
        NOTES = args.notes.resolve()
    rows = []
    for scale in [int(s) for s in args.scales.split(",")]:
        with tempfile.TemporaryDirectory(prefix=f"kb-bench-{scale}x-") as tmp:
            root = Path(tmp) / "root"
            n = make_corpus(root, scale)
            runs = []
            for i in range(args.repeat):
                site = Path(tmp) / f"site{i}"
                runs.append(timed_build(root, site))
                print(f"{scale}× ({n} notes) run {i + 1}: {runs[-1]}", file=sys.stderr)
            best = min(runs, key=lambda r: r["wall_s"])
            rows.append({"scale": scale, **best, "walls": [r["wall_s"] for r in runs],
                         **site_metrics(Path(tmp) / "site0", n)})
    result = {"machine": machine(), "builds": rows}
    if not args.no_serve:
        result["serve"] = serve_reload()
        print(f"serve: {result['serve']}", file=sys.stderr)
    m = result["machine"]
    print(f"Machine: {m['nproc']} × {m['cpu']}, {m['mem_gb']} GB RAM, Python {m['python']}, {m['os']}")
    print("Packages: " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()))
    print()
    print(table(rows))
    if "serve" in result:
        s = result["serve"]
        print(f"\nmkdocs serve: ready after {s['serve_startup_s']} s; edited note `{s['note']}` visible on "
              f"`{s['page']}` after {', '.join(f'{t} s' for t in s['reload_s'])}")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
