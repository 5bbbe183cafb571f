"""Build the offline site and zip it: ``python -m kb.generate.offline_zip [--out dist/kb-offline.zip]``.

Runs ``OFFLINE=true mkdocs build`` (the offline plugin: no directory URLs, search index inlined as
search_index.js; our iframe-worker shim runs search from file://) and adds a math font (math_font.py)
so formulas render without one on the reader's system. Unzip and open index.html.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .inputs import REPO_DIR
from .math_font import MathFontMissing, bundle_math_font, check_math_font, find_math_font


def build_offline(site_dir: Path, *, strict: bool = True, config: Path | None = None) -> None:
    config = config or REPO_DIR / "mkdocs.yml"
    env = {**os.environ, "OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    subprocess.run(cmd + (["--strict"] if strict else []), check=True, cwd=config.parent, env=env)


def zip_dir(folder: Path, out: Path, prefix: str = "llm-interview-kb") -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.endswith(".map"):
                zf.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.generate.offline_zip", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_DIR / "dist" / "llm-interview-kb-offline.zip")
    parser.add_argument("--no-strict", action="store_true", help="do not pass --strict to mkdocs")
    parser.add_argument("--math-font", type=Path, help="math font to bundle (default: Debian's Latin Modern Math)")
    parser.add_argument("--no-math-font", action="store_true", help="rely on the reader's system math font")
    args = parser.parse_args(argv)
    try:  # before the build: a missing font should not cost a whole build to find out
        font = None if args.no_math_font else check_math_font(args.math_font or find_math_font())
    except MathFontMissing as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_offline(site, strict=not args.no_strict)
        if font is not None:
            bundle_math_font(site, font)
        zip_dir(site, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
