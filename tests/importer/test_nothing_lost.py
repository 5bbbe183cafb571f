"""Every question of every source is in a note (or an answer), or in the ledger with a reason."""

from __future__ import annotations

import re

import pytest
import yaml

from kb.model import iter_note_paths, load_note

from .helpers import REPO

SOURCES = yaml.safe_load((REPO / "sources" / "sources.yml").read_text(encoding="utf-8"))
# A line that looks like a question: ends with a question mark (after markup), possibly numbered.
QUESTION_LIKE = re.compile(r"[?？]\s*[*_`)\]）]*\s*$")


def _note_ids() -> set[str]:
    return {load_note(p).id for p in iter_note_paths(REPO / "notes")}


@pytest.mark.parametrize("entry", SOURCES, ids=[e["id"] for e in SOURCES])
def test_every_question_line_maps_to_a_note_or_ledger_entry(entry: dict) -> None:
    ledger = yaml.safe_load((REPO / "sources" / "ledger" / f"{entry['id']}.yml").read_text(encoding="utf-8"))
    ids = _note_ids()
    covered: dict[int, str] = {}
    for q in ledger["questions"]:
        assert q["note"] in ids, f"{entry['id']} line {q['line']} maps to missing note {q['note']}"
        for n in range(q["line"], q.get("end", q["line"]) + 1):
            covered[n] = q["note"]
    for d in ledger["dropped"]:
        assert d["reason"] != "unclaimed", f"{entry['id']} lines {d['lines']}: unclaimed by any parser rule"
        start, _, end = str(d["lines"]).partition("-")
        for n in range(int(start), int(end or start) + 1):
            covered.setdefault(n, "ledger:" + d["reason"])
    lines = (REPO / "sources" / entry["file"]).read_text(encoding="utf-8").split("\n")
    missing = [f"{i}: {line[:60]}" for i, line in enumerate(lines, 1)
               if QUESTION_LIKE.search(line) and i not in covered]
    assert not missing, f"{entry['id']}: question-looking lines in no note and no ledger entry:\n" + "\n".join(missing)


def test_no_two_notes_hold_the_same_question() -> None:
    from kb.dedupe import QuestionKey
    phrases = []
    for p in iter_note_paths(REPO / "notes"):
        note = load_note(p)
        phrases.extend((note.id, phrase, QuestionKey(phrase)) for phrase in {note.question, *note.aliases})
    clashes = [f"{a[0]} “{a[1]}” ~ {b[0]} “{b[1]}”" for i, a in enumerate(phrases) for b in phrases[i + 1:]
               if a[0] != b[0] and a[2].same_question(b[2])]
    assert not clashes, "notes holding the same question (merge them with kb merge):\n" + "\n".join(clashes)
