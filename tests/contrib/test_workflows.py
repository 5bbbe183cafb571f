"""The GitHub set-up: every YAML file parses, and every command a workflow or hook runs exists."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

from .kbrun import REPO, kb

GITHUB = REPO / ".github"
YAML_FILES = sorted(p for p in GITHUB.rglob("*") if p.suffix in (".yml", ".yaml")) + \
    [REPO / ".pre-commit-config.yaml"]
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
FORMS = sorted(p for p in (GITHUB / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
# Programs a run step may start; kb and bash are checked further (subcommand, script path).
PROGRAMS = {"kb", "pip", "python", "python3", "mkdocs", "apt-get", "sudo", "bash", "command"}
# Shell syntax around commands: `if ! command -v x; then …; fi`.
KEYWORDS = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}"}


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def kb_help(*args: str) -> str:
    result = kb(*args, "--help", root=None, cwd=REPO)
    assert result.returncode == 0, result.stderr
    return result.stdout


def kb_subcommands() -> set[str]:
    m = re.search(r"\{([a-z,-]+)\}", kb_help())
    assert m, "kb --help lists its subcommands as {a,b,...}"
    return set(m.group(1).split(","))


def commands(script: str) -> list[list[str]]:
    """Split a run: script into simple commands (words), expressions ${{ … }} replaced by a placeholder."""
    script = re.sub(r"\$\{\{.*?\}\}", "EXPR", script)
    script = re.sub(r"\\\n", " ", script)
    out = []
    for line in script.split("\n"):
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)  # ; && || | become words
        lexer.whitespace_split = True
        words = list(lexer)
        current: list[str] = []
        for w in words + [";"]:
            if w in (";", "&&", "||", "|", "&"):
                while current and (current[0] in KEYWORDS or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", current[0])):
                    current.pop(0)  # `if`, `then`, `!` … and FOO=bar before a command
                if current:
                    out.append(current)
                current = []
            else:
                current.append(w)
    return out


def run_steps() -> list[tuple[str, str]]:
    steps = []
    for wf in WORKFLOWS:
        for job in load(wf)["jobs"].values():
            for step in job.get("steps", []):
                if "run" in step:
                    steps.append((f"{wf.name}: {step.get('name', step['run'][:30])}", step["run"]))
    return steps


def hook_entries() -> list[tuple[str, str]]:
    config = load(REPO / ".pre-commit-config.yaml")
    return [(f".pre-commit-config.yaml: {h['id']}", h["entry"]) for r in config["repos"] for h in r["hooks"]]


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_yaml_parses(path):
    data = load(path)
    assert isinstance(data, dict) and data, f"{path} is empty or not a mapping"


def test_run_steps_use_only_known_commands():
    subcommands = kb_subcommands()
    steps = run_steps()
    assert steps, "no run: steps found"
    for where, script in steps:
        for words in commands(script):
            if words[0] == "sudo":
                words = words[1:]
            program = words[0]
            assert program in PROGRAMS, f"{where}: unknown command '{program}'"
            if program == "kb":
                assert words[1] in subcommands, f"{where}: 'kb {words[1]}' is not a kb subcommand"
                options = set(re.findall(r"(--[a-z-]+)", kb_help(words[1])))
                for flag in (w for w in words[2:] if w.startswith("--")):
                    assert flag in options, f"{where}: 'kb {words[1]} {flag}' is not an option"
            if program == "command":
                assert words[1:2] == ["-v"], f"{where}: 'command' only to test whether a program exists"
            if program == "bash":
                assert (REPO / words[1]).is_file(), f"{where}: script '{words[1]}' does not exist"
            if program in ("python", "python3") and words[1:2] == ["-m"]:
                assert importlib.util.find_spec(words[2]) is not None, f"{where}: python -m {words[2]}: no such module"


def test_pre_commit_hooks_run_real_commands():
    subcommands = kb_subcommands()
    hooks = hook_entries()
    assert {name.split(": ")[1] for name, _ in hooks} >= {"kb-check", "ruff"}
    for where, entry in hooks:
        words = shlex.split(entry)
        assert words[0] in {"kb", "ruff"}, f"{where}: unknown command {words[0]}"
        if words[0] == "kb":
            assert words[1] in subcommands


def test_pre_commit_kb_hook_gets_changed_notes():
    config = load(REPO / ".pre-commit-config.yaml")
    hooks = {h["id"]: h for r in config["repos"] for h in r["hooks"]}
    kb_hook = hooks["kb-check"]
    assert kb_hook["entry"] == "kb check" and kb_hook["pass_filenames"] is True
    assert kb_hook["language"] == "system" and hooks["ruff"]["language"] == "system"
    files = re.compile(kb_hook["files"])
    assert files.search("notes/peft/peft-lora-0fea40.md")
    assert not files.search("docs/index.md") and not files.search("notes/peft/x.yml")


def test_pr_workflow():
    wf = load(GITHUB / "workflows" / "pr.yml")
    assert "pull_request" in wf[True]  # YAML 1.1 reads the key `on` as True
    steps = wf["jobs"]["check"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "kb check --changed needs the full history"
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(setup["with"]["python-version"]) == "3.11"
    runs = [s.get("run", "") for s in steps]
    order = ["apt-get install -y chromium", 'pip install -e ".[test]"',
             "kb check --changed --base origin/${{ github.base_ref }}", "bash scripts/check",
             "mkdocs build --strict"]
    positions = [next(i for i, r in enumerate(runs) if needle in r) for needle in order]
    assert positions == sorted(positions), "steps in this order: " + " → ".join(order)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert positions[-1] < steps.index(upload)


def test_deploy_workflow():
    wf = load(GITHUB / "workflows" / "deploy.yml")
    assert wf[True]["push"]["branches"] == ["main"]
    assert wf["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert any("mkdocs build --strict" in s.get("run", "") for s in build["steps"])
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_every_action_is_pinned_to_a_version():
    for wf in WORKFLOWS:
        for job in load(wf)["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert re.match(r"^[\w.-]+/[\w.-]+@v\d+", step["uses"]), f"{wf.name}: {step['uses']}"


def test_blank_issues_stay_possible():
    """The site's 纠错/补充 links open issues/new?title=…&body=…, a blank issue."""
    config = load(GITHUB / "ISSUE_TEMPLATE" / "config.yml")
    assert config["blank_issues_enabled"] is True


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_issue_forms_are_well_formed(path):
    form = load(path)
    assert form["name"] and form["description"] and isinstance(form["body"], list)
    ids = []
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] == "markdown":
            assert item["attributes"]["value"].strip()
            continue
        assert item["attributes"]["label"], f"{path.name}: every field needs a label"
        assert re.match(r"^[a-z][a-z0-9-]*$", item["id"])
        ids.append(item["id"])
        if item["type"] == "dropdown":
            assert item["attributes"]["options"]
    assert len(ids) == len(set(ids)), f"{path.name}: field ids must be unique"


def test_issue_forms_cover_erratum_new_question_and_answer():
    names = {load(p)["name"]: load(p) for p in FORMS}
    assert set(names) >= {"勘误/报错", "新问题", "补充答案"}
    erratum = {item.get("id"): item for item in names["勘误/报错"]["body"]}
    assert {"note-id", "problem", "correction"} <= set(erratum)
    assert all(erratum[f]["validations"]["required"] for f in ("note-id", "problem", "correction"))
    assert "依据" in erratum["correction"]["attributes"]["label"]


def test_pull_request_template_is_a_checklist():
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 5
    for rule in ("A-structure", "S-spacing", "A-formula", "A-code"):
        assert rule in text
    assert "kb check --changed" in text
