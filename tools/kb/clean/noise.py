"""Line-level noise filter: drops platform chrome, ads and QR bait before parsing.

Rules are data (``rules/noise.yml`` for every source, ``rules/noise_<parser>.yml`` for one article
shape). Three kinds:

- ``lines``: a line matching one pattern is dropped;
- ``tail``: from the first line matching a pattern to the end of the file (ad footers);
- ``head``: from the start of the file up to and including the first matching line (headers);
- ``repeated``: a short line that occurs verbatim several times outside code (a PDF's running header).

Patterns see a line without its invisible characters (zero-width spaces and joiners, BOM, word joiner),
which copies of platform buttons carry (`​分享`, `赞同 1.2K ​ 86 条评论`). Every dropped range goes to the
ledger with the rule's reason, so a reviewer can audit it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..ingest.base import Drop, Line
from ..paths import RULES_DIR

INVISIBLE_RE = re.compile("[\u200b-\u200d\u2060\ufeff]")


def visible(text: str) -> str:
    """The line as a reader sees it: zero-width characters removed."""
    return INVISIBLE_RE.sub("", text)


@dataclass(frozen=True)
class NoiseRule:
    kind: str  # lines | tail | head
    pattern: re.Pattern
    reason: str
    detail: str = ""  # what the rule recognises, for the ledger (default: the pattern)


@lru_cache(maxsize=None)
def load_rules(parser_name: str | None = None, rules_dir: Path = RULES_DIR) -> tuple[NoiseRule, ...]:
    files = [rules_dir / "noise.yml"]
    if parser_name:
        files.append(rules_dir / f"noise_{parser_name}.yml")
    rules: list[NoiseRule] = []
    for path in files:
        if not path.exists():
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind in ("head", "lines", "tail"):
            for entry in data.get(kind) or []:
                rules.append(NoiseRule(kind, re.compile(entry["pattern"]), entry["reason"], entry.get("detail", "")))
    return tuple(rules)


@lru_cache(maxsize=None)
def load_repeated(parser_name: str | None = None, rules_dir: Path = RULES_DIR) -> dict | None:
    path = rules_dir / f"noise_{parser_name}.yml"
    if not parser_name or not path.exists():
        return None
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("repeated")


def repeated_lines(lines: list[Line], cfg: dict) -> set[int]:
    """Numbers of the short lines that repeat verbatim outside fenced code."""
    never = re.compile(cfg["never"])
    fence, seen = False, {}
    for line in lines:
        text = visible(line.text).strip()
        if re.match(r"^(```|~~~)", text):
            fence = not fence
            continue
        if fence or never.search(line.text) or not cfg["min_chars"] <= len(text) <= cfg["max_chars"]:
            continue
        seen.setdefault(text, []).append(line.no)
    return {no for nos in seen.values() if len(nos) >= cfg["min_count"] for no in nos}


def filter_lines(lines: list[Line], parser_name: str | None = None) -> tuple[list[Line], list[Drop]]:
    rules = load_rules(parser_name)
    repeated_cfg = load_repeated(parser_name)
    repeated = repeated_lines(lines, repeated_cfg) if repeated_cfg else set()
    drops: list[Drop] = []
    start, end = 0, len(lines)
    for rule in rules:
        if rule.kind == "head":
            for i, line in enumerate(lines[:end]):
                if i >= start and rule.pattern.search(visible(line.text)):
                    drops.append(Drop(lines[start].no, line.no, rule.reason, f"header up to /{rule.pattern.pattern}/"))
                    start = i + 1
                    break
    for rule in rules:
        if rule.kind == "tail":
            for i in range(start, end):
                if rule.pattern.search(visible(lines[i].text)):
                    drops.append(Drop(lines[i].no, lines[end - 1].no, rule.reason,
                                      f"footer from /{rule.pattern.pattern}/"))
                    end = i
                    break
    kept: list[Line] = []
    line_rules = [r for r in rules if r.kind == "lines"]
    for line in lines[start:end]:
        text = visible(line.text)
        rule = next((r for r in line_rules if r.pattern.search(text)), None)
        if rule is None and line.no in repeated:
            drops.append(Drop(line.no, line.no, repeated_cfg["reason"], repeated_cfg["detail"]))
            continue
        if rule is None:
            kept.append(line)
        elif drops and drops[-1].reason == rule.reason and drops[-1].end == line.no - 1 \
                and drops[-1].detail == _detail(rule):
            drops[-1].end = line.no
        else:
            drops.append(Drop(line.no, line.no, rule.reason, _detail(rule)))
    drops.sort(key=lambda d: d.start)
    return kept, drops


def _detail(rule: NoiseRule) -> str:
    return f"{rule.detail} /{rule.pattern.pattern}/" if rule.detail else f"/{rule.pattern.pattern}/"
