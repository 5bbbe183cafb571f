"""``python -m kb.generate --out DIR [--root DIR] [--strict]``: write the generated pages to DIR."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .inputs import resolve_root
from .problems import GenerationError
from .site import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb generate", description="Write the site's generated pages "
                                     "(topic pages, tags, 待解答, sources, glossary) as Markdown.")
    parser.add_argument("--out", required=True, type=Path, help="folder to write the pages into")
    parser.add_argument("--root", type=Path, default=None,
                        help="repository root holding notes/ (default: $KB_ROOT or this repository)")
    parser.add_argument("--strict", action="store_true", help="fail on warnings (formulas that cannot be rendered)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        paths = generate(resolve_root(args.root), args.out, strict=args.strict)
    except GenerationError as exc:
        for p in exc.problems:
            print(f"error: {p}", file=sys.stderr)
        return 1
    print(f"wrote {len(paths)} pages to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
