"""The generator on the fixture notes → pages compared with tests/site/golden/.

Regenerate deliberately with: KB_REGEN_GOLDEN=1 pytest tests/site/test_golden.py
"""

import os
from pathlib import Path

from sitebuild import FIXTURE

from kb.generate.site import generate

GOLDEN = Path(__file__).parent / "golden"


def test_generated_pages_match_golden(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_REPO_URL", raising=False)
    monkeypatch.delenv("KB_DOWNLOADS", raising=False)  # the 离线与下载 page lists what that folder holds
    out = tmp_path / "out"
    written = generate(FIXTURE, out, strict=True)
    got = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in written}
    if os.environ.get("KB_REGEN_GOLDEN") == "1":
        for uri, text in got.items():
            (GOLDEN / uri).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / uri).write_text(text, encoding="utf-8")
    expected = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
                for p in GOLDEN.rglob("*") if p.is_file()}
    assert sorted(got) == sorted(expected), "pages differ; set KB_REGEN_GOLDEN=1 to regenerate"
    for uri in got:
        assert got[uri] == expected[uri], f"{uri} differs from golden; set KB_REGEN_GOLDEN=1 to regenerate"


def test_generation_is_deterministic(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_REPO_URL", raising=False)
    a = {p.name: p.read_text(encoding="utf-8") for p in generate(FIXTURE, tmp_path / "a")}
    b = {p.name: p.read_text(encoding="utf-8") for p in generate(FIXTURE, tmp_path / "b")}
    assert a == b
