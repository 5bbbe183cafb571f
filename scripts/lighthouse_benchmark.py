#!/usr/bin/env python3
"""Lighthouse (mobile preset) performance and accessibility scores for every page of the built site.

The site is served the way a static host serves it (gzip) from 127.0.0.1, and Lighthouse runs with
Debian's chromium. Lighthouse comes from npm; it is not part of the default test command.

    python scripts/lighthouse_benchmark.py                    # build, then audit every page
    python scripts/lighthouse_benchmark.py --site site --pages index.html,topics/transformer/index.html
    python scripts/lighthouse_benchmark.py --json /tmp/lh.json
    python scripts/lighthouse_benchmark.py --runs 3           # median of 3 runs per page (busy hosts)
    python scripts/lighthouse_benchmark.py --reports /tmp/lh  # keep the whole report of each page

Performance depends on the host's speed (Lighthouse's "benchmarkIndex", reported per page): on a
loaded machine one run can be 20-30 points off, so compare medians of several runs.

Lighthouse is looked up on PATH, then in --lighthouse-dir (installed there with npm if missing).
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files gzip-compressed when the client accepts it, as GitHub Pages does."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not (path.endswith(COMPRESSIBLE) and os.path.isfile(path)
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(Path(path).read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        import io
        return io.BytesIO(body)


def lighthouse_bin(install_dir: Path) -> list[str]:
    found = shutil.which("lighthouse")
    if found:
        return [found]
    local = install_dir / "node_modules" / ".bin" / "lighthouse"
    if not local.exists():
        install_dir.mkdir(parents=True, exist_ok=True)
        print(f"installing lighthouse into {install_dir} (npm)", file=sys.stderr)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(install_dir), "lighthouse@12"],
                       check=True)
    return [str(local)]


def pages_of(site: Path) -> list[str]:
    skip = {"404.html"}
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html")
                  if str(p.relative_to(site)) not in skip and "assets" not in p.parts)


def audit(cmd: list[str], url: str, out_dir: Path, keep: Path | None = None) -> dict:
    report = out_dir / "report.json"
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run([*cmd, url, "--only-categories=performance,accessibility", "--output=json",
                    f"--output-path={report}", "--quiet",
                    "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                   check=True, env=env, timeout=300)
    data = json.loads(report.read_text())
    if keep:  # the whole report, for a look at what a score is made of
        keep.mkdir(parents=True, exist_ok=True)
        name = url.split("//", 1)[1].split("/", 1)[1].strip("/").replace("/", "_") or "home"
        shutil.copyfile(report, keep / f"{name}.json")
    audits = data["audits"]
    failing = sorted(k for k, a in audits.items()
                     if a.get("score") is not None and a["score"] < 1 and k in _a11y_ids(data))
    return {
        "performance": round(data["categories"]["performance"]["score"] * 100),
        "accessibility": round(data["categories"]["accessibility"]["score"] * 100),
        "fcp_ms": round(audits["first-contentful-paint"]["numericValue"]),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "dom_size": audits["dom-size"].get("numericValue"),
        "a11y_failing": failing,
        "benchmark_index": data.get("environment", {}).get("benchmarkIndex"),
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score (its own timings, so they stay consistent)."""
    return sorted(runs, key=lambda r: r["performance"])[len(runs) // 2]


def _a11y_ids(data: dict) -> set[str]:
    return {ref["id"] for ref in data["categories"]["accessibility"]["auditRefs"] if ref.get("weight", 0) > 0}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", help="an already built site folder (default: build one into a temp folder)")
    ap.add_argument("--pages", help="comma-separated pages relative to the site (default: every page)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--runs", type=int, default=1, help="runs per page; the median run is reported")
    ap.add_argument("--reports", help="keep each page's whole Lighthouse report (JSON) in this folder")
    ap.add_argument("--lighthouse-dir", default=str(Path(tempfile.gettempdir()) / "kb-lighthouse"))
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found — apt-get install chromium", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="kb-lh-"))
    site = Path(args.site) if args.site else tmp / "site"
    if not args.site:
        subprocess.run(["mkdocs", "build", "--strict", "--site-dir", str(site)], cwd=REPO, check=True,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    pages = args.pages.split(",") if args.pages else pages_of(site)
    cmd = lighthouse_bin(Path(args.lighthouse_dir))
    handler = functools.partial(GzipHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    try:
        for i, page in enumerate(pages, 1):
            url = base + page.removesuffix("index.html")
            keep = Path(args.reports) if args.reports else None
            results[page] = median_run([audit(cmd, url, tmp, keep) for _ in range(max(1, args.runs))])
            r = results[page]
            print(f"[{i}/{len(pages)}] {page}: performance {r['performance']}, accessibility {r['accessibility']}"
                  f"{' (' + ', '.join(r['a11y_failing']) + ')' if r['a11y_failing'] else ''}", file=sys.stderr)
    finally:
        server.shutdown()
    print("| page | performance | accessibility | FCP | LCP | TBT | CLS | DOM elements | host benchmark |")
    print("|---|---|---|---|---|---|---|---|---|")
    for page, r in results.items():
        print(f"| `{page}` | {r['performance']} | {r['accessibility']} | {r['fcp_ms'] / 1000:.1f} s | "
              f"{r['lcp_ms'] / 1000:.1f} s | {r['tbt_ms']} ms | {r['cls']} | {r['dom_size']:.0f} | "
              f"{r['benchmark_index']:.0f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
