"""A newcomer follows CONTRIBUTING.md in a fresh copy of the repository: add a question with `kb new`,
answer it, check it (`kb check`, `kb check --changed`), and build the site with `mkdocs build --strict`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.model import load_note

from .kbrun import REPO, RULES, kb, kb_env

QUESTION = "投机解码（Speculative Decoding）为什么能在不改变输出分布的前提下加速推理？"
KEYPOINTS = """
- 小模型先起草多个 token，大模型一次并行验证，接受的部分与大模型自己生成的分布一致。
- 加速取决于接受率：草稿越准，每次验证接受的 token 越多。
"""
ANSWER = """**结论**：投机解码先用一个小的草稿模型连续猜出 $k$ 个 token，再让大模型一次前向并行验证，
按接受—拒绝采样决定保留多少个，因此输出分布与只用大模型逐个采样完全相同，速度却能提高 2 到 3 倍。

**原因**：大模型解码受显存带宽限制，验证 $k$ 个 token 与生成 1 个 token 的耗时接近；草稿被接受得越多，
大模型的前向次数越少。被拒绝的位置从修正分布中重新采样，保证了结果无偏。

**关键公式**：草稿 token $x$ 以概率 $\\min\\left(1, \\frac{p(x)}{q(x)}\\right)$ 被接受，其中 $p$ 是大模型的分布，
$q$ 是草稿模型的分布。

**常见追问**：

- 草稿模型怎么选？与大模型同一系列、词表相同的小模型。
"""

IGNORE = shutil.ignore_patterns(".git", "site", "site-*", "dist", ".pytest_cache", ".hypothesis", ".ruff_cache",
                                ".benchmarks", "__pycache__", "*.egg-info", ".venv", "node_modules")


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", "-c", "user.name=Newcomer", "-c", "user.email=newcomer@example.com",
                          "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                         cwd=repo, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, f"git {' '.join(args)}: {out.stderr}"
    return out.stdout


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    """A copy of the repository (no .git, no built site) with its own git history on branch main."""
    repo = tmp_path_factory.mktemp("newcomer") / "llm-interview-kb"
    shutil.copytree(REPO, repo, ignore=IGNORE)
    git(repo, "init", "-q")
    git(repo, "checkout", "-q", "-B", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Base")
    git(repo, "checkout", "-q", "-b", "answer-speculative-decoding")
    return repo


@pytest.fixture(scope="module")
def answered(checkout) -> Path:
    """`kb new "…"`, then write the answer into the file and set status: answered, as CONTRIBUTING.md says."""
    result = kb("new", QUESTION, root=None, cwd=checkout)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    path = path if path.is_absolute() else checkout / path
    assert path.is_file() and checkout / "notes" in path.parents
    text = path.read_text(encoding="utf-8")
    assert "status: unanswered" in text and "<!-- answer: project -->" in text
    hint = re.search(r"<!-- answer: project -->\n\n(<!--.*?-->)", text, re.S)
    assert hint, "kb new leaves a writing hint below the answer marker"
    points = re.search(r"<!-- keypoints -->\n\n(<!--.*?-->)", text, re.S)
    assert points, "kb new leaves a writing hint below the keypoints marker"
    text = text.replace(hint.group(1), ANSWER.strip()).replace(points.group(1), KEYPOINTS.strip())
    text = text.replace("status: unanswered", "status: answered")
    path.write_text(text, encoding="utf-8")
    return path


def test_contributing_describes_these_steps():
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for step in ('kb new "', "<!-- keypoints -->", "<!-- answer: project -->", "status: unanswered", "status: answered",
                 "kb check --changed --base main", "mkdocs serve", "bash scripts/check"):
        assert step in guide, f"CONTRIBUTING.md no longer mentions {step!r}"


def test_new_answered_note_passes_kb_check(checkout, answered):
    rel = str(answered.relative_to(checkout))
    note = load_note(answered)
    assert note.status == "answered" and note.question == QUESTION and note.answers
    one = kb("check", rel, root=None, cwd=checkout)
    assert one.returncode == 0, one.stdout + one.stderr
    assert one.stdout.strip() == "kb check: 1 note(s) OK"
    every = kb("check", root=None, cwd=checkout)
    assert every.returncode == 0, every.stdout + every.stderr


def test_kb_check_changed_sees_only_the_new_note(checkout, answered):
    result = kb("check", "--changed", "--base", "main", root=None, cwd=checkout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "kb check: 1 note(s) OK"
    git(checkout, "add", "-A")
    git(checkout, "commit", "-q", "-m", "Answer a question about speculative decoding")
    committed = kb("check", "--changed", "--base", "main", root=None, cwd=checkout)
    assert committed.stdout.strip() == "kb check: 1 note(s) OK", committed.stdout + committed.stderr


def test_kb_check_changed_reports_a_broken_change(checkout, answered, tmp_path):
    original = answered.read_text(encoding="utf-8")
    try:
        answered.write_text(original.replace("status: answered", "status: unanswered"), encoding="utf-8")
        result = kb("check", "--changed", "--base", "main", root=None, cwd=checkout)
        assert result.returncode == 1
        rel = answered.relative_to(checkout)
        assert result.stdout.startswith(f"{rel}:5: status: status is unanswered but the note has an answer")
    finally:
        answered.write_text(original, encoding="utf-8")


def mkdocs_build(repo: Path, site: Path) -> subprocess.CompletedProcess:
    env = {**kb_env(None), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600)


def test_site_shows_the_new_question(checkout, answered, tmp_path):
    if not (checkout / "mkdocs.yml").is_file():
        pytest.xfail("mkdocs.yml is not in the repository yet: the site build cannot be tried")
    site = tmp_path / "site"
    result = mkdocs_build(checkout, site)
    if result.returncode != 0:
        # Is the new note to blame, or is the site build broken without it too?
        parked = tmp_path / answered.name
        shutil.move(answered, parked)
        try:
            baseline = mkdocs_build(checkout, tmp_path / "site-baseline")
        finally:
            shutil.move(parked, answered)
        if baseline.returncode != 0:
            tail = "\n".join(baseline.stderr.strip().splitlines()[-5:])
            pytest.xfail(f"mkdocs build --strict fails even without the new note (site generator): {tail}")
        pytest.fail(f"the new note breaks mkdocs build --strict:\n{result.stderr[-3000:]}")
    note = load_note(answered)
    pages = sorted((site / "topics").glob(f"{note.topic}*/**/index.html")) + \
        sorted((site / "topics").glob(f"{note.topic}*.html"))
    assert pages, f"no topic page for {note.topic} in {sorted(p.name for p in (site / 'topics').iterdir())}"
    holding = [p for p in pages if f'id="{note.id}"' in p.read_text(encoding="utf-8")]
    assert holding, f"no element with id=\"{note.id}\" on the {note.topic} topic page(s)"
    html = holding[0].read_text(encoding="utf-8")
    heading = re.search(rf'<h2[^>]*id="{re.escape(note.id)}"[^>]*>(.*?)</h2>', html, re.S)
    assert heading, "the question is an h2 with the note id as its anchor"
    assert "投机解码" in heading.group(1) and "Speculative Decoding" in heading.group(1)
    assert "草稿模型" in html, "the answer is on the page"
    guide = site / "contributing" / "index.html"
    assert guide.is_file(), "CONTRIBUTING.md is the site's 参与贡献 page"
    text = guide.read_text(encoding="utf-8")
    missing = [rule for rule in RULES if rule not in text]
    assert not missing, f"the 参与贡献 page lacks rules {missing}"
