"""CONTRIBUTING.md: documents every checker rule, names only real commands, and works both on GitHub and
as the site's 参与贡献 page (plain Markdown: no HTML, no links that only resolve in one of the two)."""

from __future__ import annotations

import re
import shlex

import pytest

from kb.check import spacing_issue
from kb.cli import build_parser

from .kbrun import REPO, RULES, kb, make_root, write_note

GUIDE_PATH = REPO / "CONTRIBUTING.md"
GUIDE = GUIDE_PATH.read_text(encoding="utf-8")
# Rules the guide defines for reviewers only (kb check does not enforce them).
REVIEW_ONLY = ("S-terms", "A-structure")

FENCE = re.compile(r"(?ms)^([ \t]*)(`{3,}|~{3,})[^\n]*\n.*?^\1\2[ \t]*$")  # also fences inside list items


def prose(text: str) -> str:
    """The guide without fenced code blocks and inline code."""
    text = FENCE.sub("", text)
    return re.sub(r"`[^`\n]*`", "", text)


def code_lines(text: str) -> list[str]:
    """Lines of fenced code blocks and inline code spans."""
    lines = []
    for m in FENCE.finditer(text):
        lines += [line.strip() for line in m.group(0).split("\n")[1:-1]]
    lines += re.findall(r"`([^`\n]+)`", FENCE.sub("", text))
    return lines


def mentions(rule: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(rule)}(?![\w-])", GUIDE) is not None


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_checker_rule_is_documented(rule):
    assert mentions(rule), f"CONTRIBUTING.md must explain rule {rule} ({RULES[rule]['title']})"
    assert re.search(rf"\*\*{re.escape(rule)} ", GUIDE), f"{rule} needs its own entry in the style manual"


@pytest.mark.parametrize("rule", REVIEW_ONLY)
def test_review_only_rules_are_documented(rule):
    assert mentions(rule)
    assert re.search(rf"\*\*{re.escape(rule)} ", GUIDE), f"{rule} needs its own entry in the style manual"
    assert rule in GUIDE.split("## 写作规范", 1)[1], "documented in the style manual section"


def test_style_manual_covers_the_answer_structure():
    for part in ("先结论", "再原因", "关键公式", "小例子", "常见追问"):
        assert part in GUIDE


def test_no_html_outside_code():
    """The guide is also a site page: raw HTML (and HTML comments) only inside code."""
    html = re.findall(r"<[A-Za-z!/][^>\n]*>", prose(GUIDE))
    assert not html, f"HTML outside code in CONTRIBUTING.md: {html}"


def test_links_work_on_github_and_on_the_site():
    """A relative link resolves differently in the repository and on the site; attribute lists show as text
    on GitHub. Only absolute web links are allowed."""
    text = prose(GUIDE)
    for target in re.findall(r"\]\(([^)\s]*)", text):
        assert re.match(r"https?://", target), f"relative link '{target}' breaks on GitHub or on the site"
    assert not re.search(r"\{\s*[#.:][^}]*\}", text), "attribute lists ({ #id }) show up as text on GitHub"


def test_chinese_and_latin_are_spaced():
    """The guide follows its own S-spacing rule (code, links and math excepted)."""
    for n, line in enumerate(prose(GUIDE).split("\n"), 1):
        assert not spacing_issue(line), f"no space between Chinese and Latin text in: {line.strip()}"


def test_kb_commands_in_the_guide_exist():
    parser = build_parser()
    subcommands = parser._subparsers._group_actions[0].choices  # noqa: SLF001 — argparse keeps them here
    seen = set()
    for line in code_lines(GUIDE):
        for m in re.finditer(r"(?:^|[\s;&|])kb ([a-z-]+)((?: [^#;&|]*)?)", line):
            sub, rest = m.group(1), m.group(2)
            if sub == "--help":
                continue
            assert sub in subcommands, f"CONTRIBUTING.md uses 'kb {sub}', which does not exist"
            seen.add(sub)
            flags = re.findall(r"(?<!\S)(--[a-z-]+)", rest)
            known = {o for a in subcommands[sub]._actions for o in a.option_strings}  # noqa: SLF001
            for flag in flags:
                assert flag in known, f"'kb {sub} {flag}' in CONTRIBUTING.md is not an option of kb {sub}"
    assert {"new", "check", "import"} <= seen


def test_scripts_and_paths_in_the_guide_exist():
    for path in ("scripts/check", "tools/kb/model.py", "tools/kb/data/taxonomy.yml", "tools/kb/data/tags.yml",
                 "tools/kb/data/glossary.yml", "sources/sources.yml", "sources/ledger", "tools/kb/ingest/parsers",
                 ".pre-commit-config.yaml"):
        assert path in GUIDE, f"CONTRIBUTING.md should mention {path}"
        assert (REPO / path).exists(), f"CONTRIBUTING.md mentions {path}, which does not exist"
    for line in code_lines(GUIDE):
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        if words[:1] == ["bash"] and len(words) > 1:
            assert (REPO / words[1]).is_file(), f"'bash {words[1]}': no such script"


def test_annotated_example_note_is_valid(tmp_path):
    """The example under 带注释的示例 passes kb check as written (YAML comments included)."""
    section = GUIDE.split("### 带注释的示例", 1)[1]
    example = re.search(r"```markdown\n(.*?)\n```", section, re.S).group(1) + "\n"
    note_id = re.search(r"^id: (\S+)", example, re.M).group(1)
    topic = re.search(r"^topic: (\S+)", example, re.M).group(1)
    related = re.search(r"^related: \[(.*?)\]", example, re.M).group(1).split(",")
    root = make_root(tmp_path / "repo")
    write_note(root, f"notes/{topic}/{note_id}.md", example)
    for rid in (r.strip() for r in related if r.strip()):
        write_note(root, f"notes/{topic}/{rid}.md",
                   f"---\nid: {rid}\nquestion: 占位问题？\ntopic: {topic}\nstatus: unanswered\nsources: []\n---\n")
    result = kb("check", root=root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_sample_error_message_matches_the_checker():
    """The sample kb check line in the guide quotes the real fix text of its rule."""
    m = re.search(r"^(notes/\S+:\d+: .+ — (.+) \[([A-Z]-[a-z-]+)\])$", GUIDE, re.M)
    assert m, "CONTRIBUTING.md shows a sample kb check message"
    assert m.group(2) == RULES[m.group(3)]["fix"]


def test_site_page_is_this_guide():
    """docs/contributing.md (the site's 参与贡献 page) is CONTRIBUTING.md itself, so the two never drift."""
    page = REPO / "docs" / "contributing.md"
    assert page.is_file(), "docs/contributing.md is missing"
    assert page.resolve() == GUIDE_PATH.resolve() or page.read_text(encoding="utf-8") == GUIDE
