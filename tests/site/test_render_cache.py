"""`mkdocs serve` rebuilds reuse rendered questions (kb.generate.render_cache) and produce exactly the
pages a full build produces — also when another note's question or topic changes."""

from pathlib import Path

import pytest
from sitebuild import REPO, copy_fixture

from kb.generate.render_cache import cache

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _build(site: Path, serve: bool) -> dict[str, bytes]:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(REPO / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve" if serve else "build", dirty=False)
    build(config)
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.suffix in (".html", ".json")}


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)  # the jieba user dictionary path is relative to the repository
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.setenv("OFFLINE", "false")
    monkeypatch.delenv("KB_REPO_URL", raising=False)
    root = copy_fixture(tmp_path / "root")
    monkeypatch.setenv("KB_ROOT", str(root))
    yield root
    cache.enabled = False


def _diff(a: dict, b: dict) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def test_serve_rebuilds_match_full_builds(root, tmp_path):
    first = _build(tmp_path / "a", serve=True)
    assert cache.misses > 0 and cache.hits == 0
    again = _build(tmp_path / "b", serve=True)
    assert cache.misses == 0 and cache.hits > 0
    assert _diff(first, again) == []

    # Another note's question and topic change: pages linking to it must follow.
    src = root / "notes" / "inference" / "kv-cache-memory.md"
    text = src.read_text(encoding="utf-8")
    assert "topic: inference" in text
    text = text.replace("topic: inference", "topic: memory-precision")
    text = text.replace("question: ", "question: 改名后的问题：", 1)
    (root / "notes" / "memory-precision").mkdir()
    (root / "notes" / "memory-precision" / "kv-cache-memory.md").write_text(text, encoding="utf-8")
    src.unlink()
    edited = root / "notes" / "peft" / "what-is-lora.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\n新增一段 RENDERCACHEMARKER。\n", encoding="utf-8")

    rebuilt = _build(tmp_path / "c", serve=True)
    assert cache.hits > 0 and cache.misses > 0
    full = _build(tmp_path / "d", serve=False)
    assert _diff(rebuilt, full) == []
    peft = rebuilt["topics/peft/index.html"].decode()
    assert "RENDERCACHEMARKER" in peft
    assert "../memory-precision/#kv-cache-memory" in peft
