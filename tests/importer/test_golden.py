"""Golden files: an excerpt of each article shape beside the notes and ledger it must produce.

Regenerate deliberately with ``KB_REGEN_GOLDEN=1 pytest tests/importer/test_golden.py`` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.importer import run_import

from .helpers import make_root, snapshot

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "input.txt").exists()) if GOLDEN.exists() else []


@pytest.mark.parametrize("case", CASES)
def test_parser_golden(case: str, tmp_path: Path, monkeypatch) -> None:
    case_dir = GOLDEN / case
    parser = (case_dir / "parser.txt").read_text().strip()
    root = make_root(tmp_path, [{"id": "s900", "file": "input.txt", "parser": parser}],
                     {"input.txt": (case_dir / "input.txt").read_text(encoding="utf-8")})
    monkeypatch.chdir(root)
    run_import(root, ["s900"])
    produced = snapshot(root)
    expected_dir = case_dir / "expected"
    if os.environ.get("KB_REGEN_GOLDEN") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for rel, data in produced.items():
            (expected_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / rel).write_bytes(data)
    expected = {str(p.relative_to(expected_dir)): p.read_bytes()
                for p in sorted(expected_dir.rglob("*")) if p.is_file()}
    assert sorted(produced) == sorted(expected), "different files; regenerate with KB_REGEN_GOLDEN=1 if intended"
    for rel in expected:
        assert produced[rel].decode() == expected[rel].decode(), rel


def test_every_shape_has_a_golden_case() -> None:
    from kb.ingest.registry import available
    shapes = {(GOLDEN / c / "parser.txt").read_text().strip() for c in CASES}
    assert set(available()) <= shapes, f"parsers without golden files: {set(available()) - shapes}"
