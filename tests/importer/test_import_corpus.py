"""The regression corpus (tests/import_corpus/: articles of real shapes with their true questions):
question finding stays above its floors, no answer is invented, no ad survives, and every article
imports into a repository that stays green — or the import is refused and writes nothing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kb.check import Checker
from kb.importer import ImportRefused, run_import

from .helpers import REPO, make_root, snapshot

CORPUS = REPO / "tests" / "import_corpus"
CASES = sorted(p for p in CORPUS.glob("*.md") if p.with_suffix(".expected.yml").exists())
SHAPES = {"nested_paywall", "numbered_headings", "topic_headings", "tutorial", "pdf_extract", "interview_log",
          "wechat_repost", "question_table", "qa_labels", "csdn_inline_qa", "zhihu_bold_nested", "github_checklist",
          "english_h3", "notion_toggle", "blockquote_qa", "chinese_numerals"}

# Quality floors (see BENCHMARKS.md, 导入): raise them when the reader improves, never lower them to pass.
MACRO_RECALL = 0.95
MACRO_PRECISION = 0.95
CASE_FLOOR = 0.85


def _benchmark():
    spec = importlib.util.spec_from_file_location("import_benchmark", REPO / "scripts" / "import_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results():
    bench = _benchmark()
    return {md.stem: bench.score_case(md) for md in CASES}


def test_corpus_covers_the_shapes():
    assert SHAPES <= {p.stem for p in CASES}


def test_question_finding_floors(results):
    n = len(results)
    recall = sum(r.recall for r in results.values()) / n
    precision = sum(r.precision for r in results.values()) / n
    report = {k: (r.missed, r.false_questions) for k, r in results.items() if r.missed or r.false_questions}
    assert recall >= MACRO_RECALL and precision >= MACRO_PRECISION, report
    assert all(r.recall >= CASE_FLOOR and r.precision >= CASE_FLOOR for r in results.values()), report


def test_no_invented_answers(results):
    assert {k: r.invented for k, r in results.items() if r.invented} == {}


def test_answers_attached_to_their_question(results):
    # each `answer_has` word of an expected.yml is in that question's own answer
    assert {k: r.misplaced for k, r in results.items() if r.misplaced} == {}


def test_no_ad_or_chrome_residue(results):
    assert {k: r.residue for k, r in results.items() if r.residue} == {}


def _entry(md: Path) -> dict:
    return {"id": "s900", "file": md.name, "parser": "generic", "url": None, "date": None}


@pytest.mark.parametrize("md", CASES, ids=[p.stem for p in CASES])
def test_import_leaves_the_repository_green_and_is_idempotent(md: Path, tmp_path: Path):
    root = make_root(tmp_path, [_entry(md)], {md.name: md.read_text(encoding="utf-8")})
    result = run_import(root, ["s900"])
    assert result.written and result.reports[0].unclaimed == 0  # every line is in a note or the ledger
    assert [str(p) for p in Checker(root).check_all()] == []
    before = snapshot(root)
    assert run_import(root, ["s900"]).written == [] and snapshot(root) == before


def test_an_import_that_cannot_be_repaired_is_refused_and_writes_nothing(tmp_path: Path):
    article = "## 什么是 XSS？\n\n示例：<iframe src=\"https://example.com\"></iframe>\n\n## 什么是 CSRF？\n\n跨站请求伪造。\n"
    root = make_root(tmp_path, [{"id": "s900", "file": "a.md", "parser": "generic"}], {"a.md": article})
    before = snapshot(root)
    with pytest.raises(ImportRefused) as err:
        run_import(root, ["s900"])
    message = str(err.value)
    assert "nothing was written" in message and "embedded HTML element" in message and "B-safety" in message
    assert snapshot(root) == before
