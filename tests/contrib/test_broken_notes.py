"""kb check on broken notes: every kind of problem gives `path:line: field: what — fix [rule-id]`.

The fixtures are in tests/fixtures/broken_notes/, one file per kind of problem; expected.yml says where
each file goes in a temporary repository and which problems kb check must report for it.
"""

from __future__ import annotations

import shutil

import pytest
import yaml

from .kbrun import ANNOTATION_RE, FIXTURES, PROBLEM_RE, RULES, kb, kb_env, make_root, write_note

BROKEN = FIXTURES / "broken_notes"
CASES: dict = yaml.safe_load((BROKEN / "expected.yml").read_text(encoding="utf-8"))
VALID = FIXTURES / "valid_notes" / "llm-basics-valid-example.md"


def place(root, case: dict) -> None:
    for fixture, dest in case["files"].items():
        target = root / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BROKEN / fixture, target)


def expected_problems(case: dict) -> list[dict]:
    default_path = next(iter(case["files"].values()))
    out = []
    for p in case["problems"]:
        lines = p["line"] if isinstance(p["line"], list) else [p["line"]]
        out.append({**p, "path": p.get("path", default_path), "lines": lines})
    return out


def find(found: list, exp: dict) -> list:
    return [m for m in found if m["path"] == exp["path"] and m["rule"] == exp["rule"]
            and m["field"] == exp["field"] and exp["says"] in m["message"]]


def test_every_fixture_file_belongs_to_a_case():
    used = {f for case in CASES.values() for f in case["files"]}
    present = {p.name for p in BROKEN.iterdir() if p.suffix in (".md", ".yml") and p.name != "expected.yml"}
    assert present == used, f"fixtures without a case: {present - used}; cases without a file: {used - present}"


def test_every_rule_has_a_broken_note():
    covered = {p["rule"] for case in CASES.values() for p in case["problems"]}
    assert set(RULES) <= covered, f"rules without a broken-note fixture: {sorted(set(RULES) - covered)}"
    assert covered <= set(RULES), f"expected.yml names unknown rules: {sorted(covered - set(RULES))}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_note_is_reported(name, tmp_path):
    case = CASES[name]
    root = make_root(tmp_path / "repo")
    place(root, case)
    result = kb("check", root=root)
    assert result.returncode == 1, f"{case['what']}: kb check should fail\n{result.stdout}{result.stderr}"
    lines = result.stdout.splitlines()
    found = [PROBLEM_RE.match(line) for line in lines]
    assert all(found), "every line must read path:line: field: what — fix [rule-id]:\n" + result.stdout
    expected = expected_problems(case)
    assert len(found) == len(expected), f"{case['what']}: expected {len(expected)} problem(s), got:\n{result.stdout}"
    for exp in expected:
        hits = find(found, exp)
        assert hits, f"{case['what']}: no [{exp['rule']}] '{exp['says']}' on {exp['path']}:\n{result.stdout}"
        m = hits[0]
        assert int(m["line"]) in exp["lines"], f"line {m['line']} for {exp['rule']}, expected {exp['lines']}"
        assert m["fix"] == RULES[exp["rule"]]["fix"], "the fix text comes from tools/kb/data/rules.yml"
    assert f"kb check: {len(expected)} problem(s)" in result.stderr


def test_all_problems_at_once_as_github_annotations(tmp_path):
    """One run over every broken note reports every problem, as ::error annotations with --github."""
    root = make_root(tmp_path / "repo")
    expected = []
    for case in CASES.values():
        place(root, case)
        expected += expected_problems(case)
    result = kb("check", "--github", root=root)
    assert result.returncode == 1
    found = [ANNOTATION_RE.match(line) for line in result.stdout.splitlines()]
    assert all(found), "every line must be a ::error file=…,line=…:: annotation:\n" + result.stdout
    assert len(found) == len(expected), result.stdout
    for exp in expected:
        hits = [m for m in find(found, exp) if int(m["line"]) in exp["lines"]]
        assert hits, f"no ::error file={exp['path']},line={exp['lines']} for [{exp['rule']}]:\n{result.stdout}"


def test_github_actions_environment_prints_annotations(tmp_path):
    root = make_root(tmp_path / "repo")
    place(root, CASES["unknown-tag"])
    env = {**kb_env(root), "GITHUB_ACTIONS": "true"}
    result = kb("check", root=root, env=env)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=notes/llm-basics/unknown-tag.md,line=7::tags: unknown tag")


def test_valid_note_passes_with_a_one_line_summary(tmp_path):
    root = make_root(tmp_path / "repo")
    write_note(root, "notes/llm-basics/llm-basics-valid-example.md", VALID.read_text(encoding="utf-8"))
    result = kb("check", root=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["kb check: 1 note(s) OK"]
    assert result.stderr.strip() == ""


def test_check_accepts_paths(tmp_path):
    """`kb check FILE...` (what the pre-commit hook runs) checks only the given notes."""
    root = make_root(tmp_path / "repo")
    write_note(root, "notes/llm-basics/llm-basics-valid-example.md", VALID.read_text(encoding="utf-8"))
    place(root, CASES["unknown-tag"])
    ok = kb("check", "notes/llm-basics/llm-basics-valid-example.md", root=root)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.splitlines() == ["kb check: 1 note(s) OK"]
    bad = kb("check", "notes/llm-basics/unknown-tag.md", root=root)
    assert bad.returncode == 1
    assert bad.stdout.startswith("notes/llm-basics/unknown-tag.md:7: tags: unknown tag")
