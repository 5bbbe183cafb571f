"""Helpers shared by site and browser tests: build the fixture site (tests/fixtures/site_notes) with mkdocs in a temp dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site_notes"


def mkdocs_build(root: Path, site: Path, *, offline: bool = False, strict: bool = True) -> subprocess.CompletedProcess:
    """Build the repository's site from the notes under ``root`` (KB_ROOT) into ``site``."""
    env = {**os.environ, "KB_ROOT": str(root), "NO_MKDOCS_2_WARNING": "1", "OFFLINE": "true" if offline else "false"}
    env.pop("KB_REPO_URL", None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)]
    return subprocess.run(cmd + (["--strict"] if strict else []), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def copy_fixture(dest: Path) -> Path:
    shutil.copytree(FIXTURE, dest)
    return dest


def build_fixture_site(tmp: Path, *, offline: bool = False) -> Path:
    root = copy_fixture(tmp / "root")
    result = mkdocs_build(root, tmp / "site", offline=offline)
    assert result.returncode == 0, result.stderr
    return tmp / "site"
