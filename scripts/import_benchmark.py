#!/usr/bin/env python3
"""Import benchmark: how well the generic reader finds the true questions of an article.

    python3 scripts/import_benchmark.py [DIR ...] [--green] [--topics] [--json]

Each case is `<case>.md` with its truth beside it: `<case>.expected.yml` (questions with line, text,
answered, also_at, optional answer_has: words its own answer must contain; optional `noise` strings that
must not survive) or `<case>.expected.tsv`
(line, question, answered, also_at, note). Default DIR: tests/import_corpus.

Per article it reports recall and precision of question finding (a found question counts when it starts
on the true line or on one of the lines where the article repeats it, e.g. a table of contents), invented
answers (an answer for a question the article leaves unanswered, or an answer that contains another true
question), misplaced answers (an answer lacking the words its expected.yml `answer_has` lists: the
answer went to another question or was cut short) and noise residue (ad/chrome markers from
tests/import_corpus/noise_markers.yml, plus the case's own `noise` strings, found in imported questions,
aliases or answers). With `--green` every article is
also imported into a scratch copy of the repository, and the written notes are run through `kb check`.
With `--topics` it measures topic assignment leave-one-out on the existing notes: each note's topic is
predicted from the others (nearest notes, keyword fallback) and compared with the keyword rules alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from kb.clean import noise, pipeline  # noqa: E402
from kb.clean.repair import repair  # noqa: E402
from kb.ingest.base import ParseError, read_lines  # noqa: E402
from kb.ingest.registry import get_parser  # noqa: E402

CORPUS = REPO / "tests" / "import_corpus"
MARKERS = CORPUS / "noise_markers.yml"


@dataclass
class Truth:
    line: int
    text: str
    answered: bool
    also_at: list[int] = field(default_factory=list)
    answer_has: list[str] = field(default_factory=list)


@dataclass
class CaseResult:
    case: str
    true: int
    found: int
    matched: int
    false_questions: list[str]
    missed: list[str]
    invented: list[str]
    residue: list[str]
    misplaced: list[str] = field(default_factory=list)
    recall: float = 0.0
    precision: float = 0.0
    green: str = ""


def load_truth(md: Path) -> tuple[list[Truth], list[str]]:
    yml, tsv = md.with_suffix(".expected.yml"), md.with_suffix(".expected.tsv")
    if yml.exists():
        text = yml.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        nodes = yaml.compose(text)
        at = {}  # question index → line of its entry in the yml, for error messages
        for key, value in nodes.value if nodes is not None else []:
            if key.value == "questions" and isinstance(value, yaml.SequenceNode):
                at = {i: n.start_mark.line + 1 for i, n in enumerate(value.value)}
        truths = []
        article = md.read_text(encoding="utf-8").splitlines()
        for i, q in enumerate(data.get("questions") or []):
            where = f"{_rel(yml)}:{at.get(i, 1)}"
            missing = [k for k in ("line", "text", "answered") if k not in q]
            if missing:
                raise TruthError(f"{where}: question entry lacks {', '.join(missing)} — give every question its "
                                 f"line, text as written and answered: true/false")
            truth = Truth(int(q["line"]), str(q["text"]), bool(q["answered"]),
                          [int(x) for x in q.get("also_at") or []], [str(x) for x in q.get("answer_has") or []])
            for n in [truth.line, *truth.also_at]:
                if not 1 <= n <= len(article):
                    raise TruthError(f"{where}: line {n} is outside {md.name} ({len(article)} lines) — point `line:`"
                                     f"/`also_at:` at the line where the question is written")
            key = _norm(truth.text.rstrip("…"))[:8]
            if key not in _norm(article[truth.line - 1]):
                raise TruthError(f"{where}: line {truth.line} of {md.name} reads '{article[truth.line - 1][:40]}', "
                                 f"not '{truth.text[:40]}' — the article changed: update `line:` (or `text:`)")
            truths.append(truth)
        return truths, [str(n) for n in data.get("noise") or []]
    rows = csv.DictReader(tsv.open(encoding="utf-8"), delimiter="\t")
    truths = [Truth(int(r["line"]), r["question"], r["answered"].strip() == "yes",
                    [int(x) for x in re.findall(r"\d+", r.get("also_at") or "")]) for r in rows]
    return truths, []


class TruthError(ValueError):
    """An expected.yml that does not describe its article (message: file:line: what — how to fix)."""


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def markers() -> list[str]:
    return [str(m) for m in yaml.safe_load(MARKERS.read_text(encoding="utf-8"))["markers"]]


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", pipeline.clean_question(text)).lower()


def score_case(md: Path) -> CaseResult:
    truths, case_noise = load_truth(md)
    lines = read_lines(md.read_text(encoding="utf-8"))
    kept, _ = noise.filter_lines(lines, "generic")
    try:
        items = get_parser("generic").parse(kept).items
    except ParseError:
        items = []
    where = {}
    for i, t in enumerate(truths):
        for n in [t.line, *t.also_at]:
            where.setdefault(n, i)
    hit: dict[int, object] = {}
    false_q, invented, residue, misplaced = [], [], [], []
    for item in items:
        i = where.get(item.line)
        if i is None:
            false_q.append(f"L{item.line} {item.question[:40]}")
            continue
        hit.setdefault(i, item)
    for i, item in hit.items():
        t = truths[i]
        answer = item.answer.strip()
        misplaced.extend(f"L{t.line} answer lacks '{w}' (starts '{answer[:30]}')"
                         for w in t.answer_has if w not in answer)
        if answer and not t.answered:
            invented.append(f"L{t.line} answered with '{answer[:30]}…' but the article gives no answer")
        for j, other in enumerate(truths):
            key = _norm(other.text)
            if j != i and len(key) >= 6 and key in _norm(answer):
                invented.append(f"L{t.line} answer contains the question at L{other.line}")
                break
    missed = [f"L{t.line} {t.text[:40]}" for i, t in enumerate(truths) if i not in hit]
    needles = markers() + case_noise
    for item in items:
        texts = [repair(pipeline.clean_question(item.question), "question")[0],
                 *(repair(pipeline.clean_alias(a), "question")[0] for a in item.aliases),
                 repair(pipeline.clean_answer(item.answer), "answer")[0] if item.answer.strip() else ""]
        for text in texts:
            residue.extend(f"L{item.line}: '{n}'" for n in needles if n in text)
    matched_items = sum(1 for item in items if item.line in where)
    res = CaseResult(md.stem, len(truths), len(items), len(hit), false_q, missed, invented, residue, misplaced)
    res.recall = len(hit) / len(truths) if truths else 1.0
    res.precision = matched_items / len(items) if items else (1.0 if not truths else 0.0)
    return res


def green_check(cases: list[Path]) -> dict[str, str]:
    """Import each case into a scratch copy of the repository and run `kb check` on what was written."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        for md in cases:
            root = Path(tmp) / md.stem
            shutil.copytree(REPO / "notes", root / "notes")
            shutil.copytree(REPO / "sources", root / "sources")
            shutil.copy(md, root / "sources" / md.name)
            entries = yaml.safe_load((root / "sources" / "sources.yml").read_text(encoding="utf-8"))
            entries.append({"id": "s900", "file": md.name, "title": md.stem, "short": md.stem, "author": "benchmark",
                            "publisher": "benchmark", "url": None, "date": None, "parser": "generic",
                            "attribution": "benchmark"})
            (root / "sources" / "sources.yml").write_text(yaml.safe_dump(entries, allow_unicode=True),
                                                          encoding="utf-8")
            env = {"KB_ROOT": str(root), "PATH": "/usr/bin:/bin:/usr/local/bin"}
            run = subprocess.run([sys.executable, "-m", "kb.cli", "import", "s900"], env=env, cwd=root,
                                 capture_output=True, text=True)
            if run.returncode == 1:
                out[md.stem] = "refused: " + run.stderr.strip().splitlines()[-1][:80]
                continue
            changed = [p for p in (root / "notes").rglob("*.md")
                       if not (REPO / "notes" / p.relative_to(root / "notes")).exists()
                       or (REPO / "notes" / p.relative_to(root / "notes")).read_bytes() != p.read_bytes()]
            check = subprocess.run([sys.executable, "-m", "kb.cli", "check", *map(str, changed)], env=env, cwd=root,
                                   capture_output=True, text=True)
            out[md.stem] = "green" if check.returncode == 0 else "kb check fails: " + check.stdout.strip()[:200]
    return out


def topic_accuracy() -> tuple[int, float, float]:
    from kb import classify
    from kb.model import iter_note_paths, load_note
    notes = [load_note(p) for p in iter_note_paths(REPO / "notes")]
    index = classify.TopicIndex(notes)
    near = keyword = 0
    for i, note in enumerate(notes):
        answer = " ".join(b.text for b in note.answers)
        near += classify.assign_topic(note.question, "", answer, index=index, exclude=i) == note.topic
        keyword += classify.assign_topic(note.question, "", answer) == note.topic
    return len(notes), near / len(notes), keyword / len(notes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="*", type=Path, default=[CORPUS])
    ap.add_argument("--green", action="store_true", help="also import each article into a scratch repo copy")
    ap.add_argument("--topics", action="store_true", help="also measure topic assignment on the existing notes")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list misses, false questions, residue")
    args = ap.parse_args()
    cases = sorted(md for d in args.dirs for md in d.glob("*.md")
                   if md.with_suffix(".expected.yml").exists() or md.with_suffix(".expected.tsv").exists())
    results = [score_case(md) for md in cases]
    if args.green:
        for r, status in zip(results, green_check(cases).values()):
            r.green = status
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1))
        return 0
    print(f"| article | true | found | recall | precision | invented answers | misplaced answers | noise residue |"
          f"{' after import |' if args.green else ''}")
    print(f"|---|---:|---:|---:|---:|---:|---:|---:|{'---|' if args.green else ''}")
    for r in results:
        print(f"| {r.case} | {r.true} | {r.found} | {r.recall:.2f} | {r.precision:.2f} | {len(r.invented)} | "
              f"{len(r.misplaced)} | {len(r.residue)} |{f' {r.green} |' if args.green else ''}")
    n = len(results) or 1
    print(f"| **macro** | {sum(r.true for r in results)} | {sum(r.found for r in results)} | "
          f"{sum(r.recall for r in results) / n:.3f} | {sum(r.precision for r in results) / n:.3f} | "
          f"{sum(len(r.invented) for r in results)} | {sum(len(r.misplaced) for r in results)} | "
          f"{sum(len(r.residue) for r in results)} |"
          f"{' |' if args.green else ''}")
    if args.topics:
        n, near, keyword = topic_accuracy()
        print(f"\ntopics, leave-one-out on {n} notes: nearest notes {near:.3f}, keyword rules alone {keyword:.3f}")
    if args.verbose:
        for r in results:
            for what in ("missed", "false_questions", "invented", "misplaced", "residue"):
                for x in getattr(r, what):
                    print(f"{r.case}: {what}: {x}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
