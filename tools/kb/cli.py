"""The `kb` command: import, check, new, generate."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .paths import repo_root


def cmd_import(args: argparse.Namespace) -> int:
    from .importer import ImportRefused, run_import
    from .ingest.base import ParseError
    from .sources import SourceRegistryError

    root = repo_root()
    try:
        result = run_import(root, args.sources, dry_run=args.dry_run)
    except (ParseError, ImportRefused, SourceRegistryError, FileNotFoundError, KeyError) as exc:
        print(f"kb import: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    print(f"{'source':8} {'found':>6} {'new':>5} {'merged':>7} {'answered':>9} {'unanswered':>11} "
          f"{'dropped':>8} {'unclaimed':>10}")
    for r in result.reports:
        print(f"{r.source:8} {r.found:>6} {r.new:>5} {r.merged:>7} {r.answered:>9} {r.unanswered:>11} "
              f"{r.dropped_lines:>8} {r.unclaimed:>10}")
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {len(result.written)} files, {result.unchanged} unchanged "
          f"(ledgers in sources/ledger/)")
    for c in result.conflicts:
        print(f"conflict: {c}", file=sys.stderr)
    if any(r.unclaimed for r in result.reports):
        print("note: some lines were claimed by no parser rule; they are listed as 'unclaimed' in the ledger",
              file=sys.stderr)
    return 2 if result.conflicts else 0


def changed_notes(root: Path, base: str) -> list[Path]:
    """Notes changed against `base` (committed, staged, unstaged and untracked)."""
    def git(*a: str) -> list[str]:
        out = subprocess.run(["git", *a], cwd=root, capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr.strip() or f"git {' '.join(a)} failed")
        return [line for line in out.stdout.splitlines() if line]
    merge_base = git("merge-base", base, "HEAD")[0]
    names = set(git("diff", "--name-only", merge_base, "--", "notes"))
    names |= set(git("ls-files", "--others", "--exclude-standard", "--", "notes"))
    return sorted(root / n for n in names if n.endswith(".md"))


def cmd_check(args: argparse.Namespace) -> int:
    from .check import Checker

    root = repo_root()
    paths = None
    if args.changed:
        try:
            paths = changed_notes(root, args.base)
        except RuntimeError as exc:
            print(f"kb check --changed: {exc} — fetch the base branch first (git fetch origin {args.base})",
                  file=sys.stderr)
            return 1
    elif args.paths:
        paths = [Path(p) for p in args.paths]
    if args.fix:
        from .fix import fix_notes
        fixed = fix_notes(root, paths)
        for path in fixed:
            print(f"kb check --fix: fixed {path.relative_to(root) if path.is_relative_to(root) else path}")
    checker = Checker(root)
    problems = checker.check_all(paths)
    gha = args.github or os.environ.get("GITHUB_ACTIONS") == "true"
    for p in problems:
        print(p.annotation() if gha else str(p))
    from .model import iter_note_paths
    from .paths import notes_dir
    count = len(paths) if paths is not None else len(iter_note_paths(notes_dir(root)))
    if problems:
        print(f"kb check: {len(problems)} problem(s) in {len({p.path for p in problems})} of {count} note(s)",
              file=sys.stderr)
        return 1
    print(f"kb check: {count} note(s) OK")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, new_note

    try:
        path = new_note(repo_root(), args.question, topic=args.topic)
    except ScaffoldError as exc:
        print(f"kb new: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    import fcntl

    from .merge import MergeError, merge_notes

    root = repo_root()
    # Merges rewrite ledgers and links across the tree: two at once must not interleave.
    with open(root / ".kb-merge.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            changed = merge_notes(root, args.keep, args.drop)
        except MergeError as exc:
            print(f"kb merge: {exc}", file=sys.stderr)
            return 1
    print(f"kb merge: merged {', '.join(args.drop)} into {args.keep} ({len(changed)} files changed)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import importlib
    import time

    module = importlib.import_module(f".export.{args.format}", "kb")
    out = Path(args.out)
    start = time.perf_counter()
    print(f"kb export {args.format}: building {out}")
    try:
        count = getattr(module, f"export_{args.format}")(out, progress=print)
    except (ValueError, FileNotFoundError) as exc:
        print(f"kb export {args.format}: {exc}", file=sys.stderr)
        return 1
    size = out.stat().st_size
    print(f"kb export {args.format}: wrote {out} ({count} questions, {size / 1024:.0f} KB, "
          f"{time.perf_counter() - start:.1f} s)")
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate.site import generate

    out = Path(args.out)
    written = generate(repo_root(), out)
    print(f"kb generate: wrote {len(written)} pages to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kb", description="大模型面试知识库: import articles, check notes, build pages.")
    sub = p.add_subparsers(dest="command", required=True)

    imp = sub.add_parser("import", help="import source articles into notes/ (see README: 导入新文章)")
    imp.add_argument("sources", nargs="+", help="source ids or files listed in sources/sources.yml")
    imp.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")
    imp.set_defaults(func=cmd_import)

    chk = sub.add_parser("check", help="validate notes; prints path:line: field: problem — fix")
    chk.add_argument("paths", nargs="*", help="note files to check (default: all notes)")
    chk.add_argument("--changed", action="store_true", help="only notes changed against --base")
    chk.add_argument("--base", default=os.environ.get("KB_BASE", "origin/main"),
                     help="branch to compare with for --changed (default: origin/main)")
    chk.add_argument("--github", action="store_true", help="print GitHub Actions ::error annotations")
    chk.add_argument("--fix", action="store_true", help="repair what is safe to repair (glued lists), then check")
    chk.set_defaults(func=cmd_check)

    exp = sub.add_parser("export", help="write an edition: Anki deck (.apkg), EPUB or PDF")
    exp.add_argument("format", choices=("anki", "epub", "pdf"), help="which edition")
    exp.add_argument("--out", required=True, help="output file, e.g. dist/kb.apkg, dist/kb.epub, dist/kb.pdf")
    exp.set_defaults(func=cmd_export)

    new = sub.add_parser("new", help="scaffold a note for a new question and print its path")
    new.add_argument("question", help="the question, in Chinese, e.g. \"什么是 KV Cache？\"")
    new.add_argument("--topic", help="topic id (default: suggested from the taxonomy rules)")
    new.set_defaults(func=cmd_new)

    mrg = sub.add_parser("merge", help="fold notes holding the same question into one (keeps everything)")
    mrg.add_argument("keep", help="id of the note to keep")
    mrg.add_argument("drop", nargs="+", help="ids of the notes to fold into it and delete")
    mrg.set_defaults(func=cmd_merge)

    gen = sub.add_parser("generate", help="write the generated site pages to a folder for inspection")
    gen.add_argument("--out", required=True, help="output folder")
    gen.set_defaults(func=cmd_generate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
