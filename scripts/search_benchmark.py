#!/usr/bin/env python3
"""Search benchmark: reader-written queries against the built site in real Chromium.

For every query of tests/search/queries.yml the script types the query into the site's search box
(as a reader does, on a served copy of the built site), waits until the result list stops changing
and reads the question links a reader sees: links inside a folded "还有 N 个" list are not counted.
It reports R@1 and R@5 (a query is found at rank k when one of its expected note ids is among the
first k question links) and the latency from the keystroke to the last change of the result list,
per query kind, plus the time from the first keystroke on a fresh page load to the first result.

  python3 scripts/search_benchmark.py                    # build the site from notes/, run every query
  python3 scripts/search_benchmark.py --site site        # an already built site
  python3 scripts/search_benchmark.py --markdown         # the table for BENCHMARKS.md
  python3 scripts/search_benchmark.py --offline          # the OFFLINE=true build, opened from file://

An expected id that is not a note any more (merged away with `kb merge`) stops the run with its
name: the benchmark never scores a query against an id that cannot be found.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import yaml

REPO = Path(__file__).resolve().parents[1]
QUERIES = REPO / "tests" / "search" / "queries.yml"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-quic", "--no-first-run", "--disable-sync"]
KINDS = ["zh", "en", "mixed", "variant", "paraphrase"]

# Types one query and resolves once the result list has not changed for `settle` ms. Returns the
# visible question links in order and the time from the keystroke to the last change.
RUN_QUERY_JS = """
async ([query, settle]) => {
  const input = document.querySelector("input.md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const key = () => input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: "End"}));
  if (input.value !== "") {            // clear first, so the next results are a change
    input.value = ""; key();
    const t = performance.now();
    while (list.childElementCount && performance.now() - t < 3000) await new Promise(r => setTimeout(r, 5));
  }
  return await new Promise(resolve => {
    let last = null, timer = null;
    const t0 = performance.now();
    const finish = () => {
      obs.disconnect();
      const links = [...list.querySelectorAll("a.md-search-result__link")]
        .filter(a => !a.closest("details"))
        .map(a => a.getAttribute("href"));
      resolve({links, ms: last === null ? null : last - t0});
    };
    const obs = new MutationObserver(() => {
      last = performance.now();
      clearTimeout(timer); timer = setTimeout(finish, settle);
    });
    obs.observe(list, {childList: true, subtree: true, characterData: true});
    timer = setTimeout(finish, 5000);
    input.value = query; key();
  });
}
"""


class MissingIds(SystemExit):
    pass


def load_queries(path: Path = QUERIES) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    queries = data.get("queries") or []
    for i, q in enumerate(queries):
        if q.get("kind") not in KINDS or not q.get("q") or not q.get("expect"):
            raise SystemExit(f"{path}: query {i + 1} ({q!r}): needs kind (one of {KINDS}), q and expect")
        q["q"] = str(q["q"])
    return queries


def note_ids(notes_dir: Path) -> set[str]:
    return {p.stem for p in notes_dir.rglob("*.md")}


def check_ids(queries: list[dict], ids: set[str], path: Path = QUERIES) -> None:
    """Fail loudly, naming every expected id that is not a note (e.g. merged away by `kb merge`)."""
    missing = [(q["q"], e) for q in queries for e in q["expect"] if e not in ids]
    if missing:
        lines = "\n".join(f"  {e!r} (query {q!r})" for q, e in missing)
        raise MissingIds(f"{path}: expected note ids that do not exist (merged or renamed?); "
                         f"replace each with the id of the note that now holds the question:\n{lines}")


def build_site(out: Path, *, offline: bool = False, root: Path | None = None) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "OFFLINE": "true" if offline else "false"}
    if root is not None:
        env["KB_ROOT"] = str(root)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(REPO / "mkdocs.yml"), "-d", str(out)]
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise SystemExit(f"mkdocs build failed:\n{result.stderr[-4000:]}")
    return out


class Server:
    """The built site over http://127.0.0.1:<free port>/ in a thread."""

    def __init__(self, site: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=str(site))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def close(self) -> None:
        self.httpd.shutdown()


def note_id(href: str) -> str | None:
    frag = urlparse(href).fragment
    return unquote(frag) if frag else None


def open_search(page) -> None:
    if page.locator("input.md-search__input").is_hidden():
        page.click("label.md-search__icon, .md-header__button[for=__search]", timeout=5000)
    page.locator("input.md-search__input").focus()


def first_result_ms(browser, url: str, query: str) -> float:
    """A fresh page load (empty cache): focus the box, type, time to the first result shown."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    open_search(page)
    box = page.locator("input.md-search__input")
    t0 = time.perf_counter()
    box.type(query)
    box.press("End")  # typed Chinese arrives as text input; Material searches on key events
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    ms = (time.perf_counter() - t0) * 1000
    context.close()
    return ms


def run(url: str, queries: list[dict], *, settle: int = 300, browser=None, cold: bool = True) -> dict:
    """Every query on one page (warm); ``cold``: also time the first result on fresh page loads."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                return run(url, queries, settle=settle, browser=b, cold=cold)
            finally:
                b.close()
    rows = []
    cold_ms = [first_result_ms(browser, url, q) for q in ("旋转位置编码", "lora")] if cold else []
    page = browser.new_page()
    page.goto(url)
    open_search(page)
    page.evaluate(RUN_QUERY_JS, ["warm up", settle])
    for q in queries:
        out = page.evaluate(RUN_QUERY_JS, [q["q"], settle])
        ids = [i for i in (note_id(h) for h in out["links"]) if i]
        rank = next((i + 1 for i, nid in enumerate(ids) if nid in q["expect"]), None)
        rows.append({**q, "rank": rank, "ms": out["ms"], "top": ids[:5]})
    page.close()
    return {"rows": rows, "cold_ms": cold_ms}


def summarise(result: dict) -> dict:
    rows = result["rows"]
    out = {}
    for kind in KINDS + ["all"]:
        sel = [r for r in rows if kind == "all" or r["kind"] == kind]
        if not sel:
            continue
        ms = [r["ms"] for r in sel if r["ms"] is not None]
        out[kind] = {
            "n": len(sel),
            "r1": sum(1 for r in sel if r["rank"] == 1) / len(sel),
            "r5": sum(1 for r in sel if r["rank"] and r["rank"] <= 5) / len(sel),
            "ms_median": statistics.median(ms) if ms else None,
            "ms_max": max(ms) if ms else None,
        }
    out["cold_ms"] = result["cold_ms"]
    return out


def markdown(summary: dict) -> str:
    lines = ["| kind | queries | R@1 | R@5 | latency median | latency max |", "|---|---:|---:|---:|---:|---:|"]
    for kind in KINDS + ["all"]:
        s = summary.get(kind)
        if s:
            lines.append(f"| {kind} | {s['n']} | {s['r1']:.2f} | {s['r5']:.2f} | {s['ms_median']:.0f} ms "
                         f"| {s['ms_max']:.0f} ms |")
    if summary["cold_ms"]:
        cold = ", ".join(f"{c:.0f} ms" for c in summary["cold_ms"])
        lines.append(f"\nFirst result after the first keystroke on a fresh page load: {cold}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--site", type=Path, help="an already built site (default: build one from notes/)")
    ap.add_argument("--root", type=Path, help="KB_ROOT for the build and the id check (default: the repo)")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--offline", action="store_true", help="build with OFFLINE=true and open it from file://")
    ap.add_argument("--markdown", action="store_true", help="print the BENCHMARKS.md table")
    ap.add_argument("--json", type=Path, help="write every query's rank, latency and top ids here")
    ap.add_argument("--no-id-check", action="store_true", help="score ids that no longer exist (old builds)")
    args = ap.parse_args(argv)

    queries = load_queries(args.queries)
    if not args.no_id_check:
        check_ids(queries, note_ids((args.root or REPO) / "notes"), args.queries)
    with tempfile.TemporaryDirectory(prefix="kb-search-bench-") as tmp:
        site = args.site or build_site(Path(tmp) / "site", offline=args.offline, root=args.root)
        if args.offline:
            result = run((site / "index.html").as_uri(), queries)
        else:
            server = Server(site)
            try:
                result = run(server.url, queries)
            finally:
                server.close()
    summary = summarise(result)
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": result["rows"]}, ensure_ascii=False,
                                        indent=1), encoding="utf-8")
    for r in result["rows"]:
        if r["rank"] != 1:
            print(f"  [{r['kind']}] {r['q']!r}: rank {r['rank']} top {r['top'][:3]}", file=sys.stderr)
    print(markdown(summary) if args.markdown else json.dumps(summary, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
