"""Where things live in the repository. Every command works from the repository root it finds."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
RULES_DIR = PACKAGE_DIR / "clean" / "rules"


def repo_root(start: Path | None = None) -> Path:
    """The nearest directory upwards holding mkdocs.yml or notes/ (override with KB_ROOT)."""
    if os.environ.get("KB_ROOT"):
        return Path(os.environ["KB_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "notes").is_dir() or (d / "mkdocs.yml").is_file():
            return d
    return here


def notes_dir(root: Path) -> Path:
    return root / "notes"


def sources_dir(root: Path) -> Path:
    return root / "sources"


def ledger_dir(root: Path) -> Path:
    return root / "sources" / "ledger"


def taxonomy_path() -> Path:
    return DATA_DIR / "taxonomy.yml"


def tags_path() -> Path:
    return DATA_DIR / "tags.yml"
