"""Synonym groups: forms a reader may type for the same thing (Chinese ↔ English ↔ abbreviation ↔
paraphrase), from tools/kb/data/synonyms.yml plus each glossary term with its aliases.

A group becomes one extra index term (``~<n>``): a question holding any form of the group gets the
term (at the weight of the field the form is in), and a query holding any form asks for it, so
either form finds the question. Forms match on token boundaries with any of space, ``-``, ``_``,
``.``, ``/`` or nothing between their tokens (``kv cache`` matches ``KV-Cache`` and ``KVCache``), and
a Latin form also matches its plural in ``s``.
The browser worker builds the same patterns from the forms shipped in the index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .text import LATIN_RE, TOKEN_RE, normalize

FILE_HELP = "groups: a list of lists of at least two forms; stopwords: a list of words"


@dataclass
class SynonymData:
    groups: list[list[str]] = field(default_factory=list)
    stopwords: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DataProblem:
    line: int
    message: str


def form_tokens(form: str) -> list[str]:
    return TOKEN_RE.findall(normalize(form))


def form_pattern(form: str) -> str | None:
    """The regular expression (on normalised text) that finds ``form``; None if it has no token."""
    toks = form_tokens(form)
    if not toks:
        return None
    body = r"[\s\-_./]*".join(re.escape(t) for t in toks)
    head = r"(?<![a-z0-9])" if LATIN_RE.fullmatch(toks[0]) else ""
    tail = r"s?(?![a-z0-9])" if LATIN_RE.fullmatch(toks[-1]) else ""  # "agents" is an "agent"
    return head + body + tail


def _key(form: str) -> str:
    return "".join(form_tokens(form))


def load(path: Path, glossary: Path | None = None) -> SynonymData:
    """Groups of the data file, then one group per glossary term that has aliases; a glossary group
    that shares a form with a file group is merged into it."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    data = data or {}
    groups = [[str(f) for f in g] for g in data.get("groups") or []]
    if glossary is not None and glossary.is_file():
        gl = yaml.safe_load(glossary.read_text(encoding="utf-8")) or {}
        for term in gl.get("terms") or []:
            forms = [str(term["term"]), *(str(a) for a in term.get("aliases") or [])]
            if len(forms) < 2:
                continue
            keys = {_key(f) for f in forms}
            home = next((g for g in groups if keys & {_key(f) for f in g}), None)
            if home is None:
                groups.append(forms)
            else:
                home += [f for f in forms if _key(f) not in {_key(x) for x in home}]
    return SynonymData(groups, [str(w) for w in data.get("stopwords") or []])


class Matcher:
    """Finds which groups occur in a text (normalised inside). Each form is tried only when its
    longest token occurs as a substring (a fast test that rejects almost every form)."""

    def __init__(self, groups: list[list[str]]):
        self.forms: list[tuple[str, re.Pattern, int]] = []
        for gi, forms in enumerate(groups):
            for f in forms:
                p = form_pattern(f)
                if p:
                    self.forms.append((max(form_tokens(f), key=len), re.compile(p), gi))

    def groups_in(self, text: str) -> set[int]:
        text = normalize(text)
        return {gi for probe, pat, gi in self.forms if probe in text and pat.search(text)}


def validate(path: Path) -> list[DataProblem]:
    """Problems of the data file, with the line of each (for kb check)."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
    except (OSError, yaml.YAMLError) as e:
        line = getattr(getattr(e, "problem_mark", None), "line", 0) + 1
        return [DataProblem(line, f"not readable YAML: {e}")]
    if root is None:
        return [DataProblem(1, f"empty file; {FILE_HELP}")]
    if not isinstance(root, yaml.MappingNode):
        return [DataProblem(root.start_mark.line + 1, f"not a mapping; {FILE_HELP}")]
    problems: list[DataProblem] = []
    seen: dict[str, int] = {}
    for key, value in root.value:
        if key.value not in ("groups", "stopwords"):
            problems.append(DataProblem(key.start_mark.line + 1, f"unknown key '{key.value}'; {FILE_HELP}"))
            continue
        if not isinstance(value, yaml.SequenceNode):
            problems.append(DataProblem(value.start_mark.line + 1, f"'{key.value}' must be a list"))
            continue
        if key.value == "stopwords":
            for item in value.value:
                if not isinstance(item, yaml.ScalarNode) or not form_tokens(item.value):
                    problems.append(DataProblem(item.start_mark.line + 1, "a stopword must be a word"))
            continue
        for group in value.value:
            line = group.start_mark.line + 1
            if not isinstance(group, yaml.SequenceNode) or len(group.value) < 2:
                problems.append(DataProblem(line, "a group must be a list of at least two forms"))
                continue
            keys = set()
            for form in group.value:
                fline = form.start_mark.line + 1
                if not isinstance(form, yaml.ScalarNode) or not form_tokens(form.value):
                    problems.append(DataProblem(fline, f"form {form.value!r} has no letters, digits or Chinese"))
                    continue
                k = _key(form.value)
                if k in keys:
                    problems.append(DataProblem(fline, f"form '{form.value}' is repeated in its group"))
                elif k in seen:
                    problems.append(DataProblem(fline, f"form '{form.value}' is also in the group on line "
                                                       f"{seen[k]}: merge the two groups"))
                else:
                    seen[k] = line
                keys.add(k)
    return problems
