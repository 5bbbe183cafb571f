"""Helpers for the contribution-flow tests: run `kb` as a contributor does, in a temporary repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
RULES: dict = yaml.safe_load((REPO / "tools" / "kb" / "data" / "rules.yml").read_text(encoding="utf-8"))

# `path:line: field: what is wrong — how to fix [rule-id]` (the message is split at the first " — ").
PROBLEM_RE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.+?) — "
                        r"(?P<fix>.+) \[(?P<rule>[A-Z]-[a-z-]+)\]$")
ANNOTATION_RE = re.compile(r"^::error file=(?P<path>[^,]+),line=(?P<line>\d+)::(?P<field>[^:]+): "
                           r"(?P<message>.+?) — (?P<fix>.+) \[(?P<rule>[A-Z]-[a-z-]+)\]$")


def kb_env(root: Path | None) -> dict:
    """The environment of a contributor's shell: no CI variables, KB_ROOT only when given."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    for name in ("GITHUB_ACTIONS", "KB_BASE", "KB_ROOT", "KB_REPO_URL"):
        env.pop(name, None)
    if root is not None:
        env["KB_ROOT"] = str(root)
    return env


def kb(*args: str, root: Path | None, cwd: Path | None = None, env: dict | None = None,
       timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the `kb` command (the console script's module) and capture its output."""
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], cwd=cwd or root,
                          env=env or kb_env(root), capture_output=True, text=True, timeout=timeout)


def make_root(dest: Path) -> Path:
    """A minimal repository layout: an empty notes/ and the real source list."""
    (dest / "notes").mkdir(parents=True)
    (dest / "sources").mkdir()
    shutil.copy(REPO / "sources" / "sources.yml", dest / "sources" / "sources.yml")
    return dest


def write_note(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
