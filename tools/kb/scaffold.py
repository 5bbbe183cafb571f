"""kb new: scaffold a valid note for a new question."""

from __future__ import annotations

from pathlib import Path

from . import classify, dedupe
from .clean import pipeline
from .importer import make_id
from .model import Block, Note, iter_note_paths, load_note, render_note
from .paths import notes_dir
from .taxonomy import load_taxonomy

HINT = ("<!-- 在这里写答案：先给结论，再讲原因，写出关键公式（$...$ 或 $$...$$），举一个小例子，最后列出“常见追问”。"
        "写完后把 status 改成 answered，并删掉这段提示。 -->")
KEYPOINTS_HINT = "<!-- 在这里写 1–5 条要点，每条一行、以 “- ” 开头：30 秒能说完的答案。写完删掉这段提示。 -->"


class ScaffoldError(ValueError):
    pass


def find_existing(root: Path, question: str) -> Note | None:
    key = dedupe.QuestionKey(question)
    for path in iter_note_paths(notes_dir(root)):
        note = load_note(path)
        for phrase in (note.question, *note.aliases):
            if key.same_question(dedupe.QuestionKey(phrase)):
                return note
    return None


def _shown(root: Path, path: Path | None) -> str:
    """A note's path as a contributor types it: relative to the repository root when possible."""
    if path is None:
        return "?"
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def new_note(root: Path, question: str, topic: str | None = None) -> Path:
    q = pipeline.clean_question(question)
    if not q:
        raise ScaffoldError("the question is empty — write it in quotes: kb new \"什么是 KV Cache？\"")
    if not q.endswith(("？", "?")):
        q += "？"
    tax = load_taxonomy()
    if topic and topic not in tax.ids:
        raise ScaffoldError(f"unknown topic '{topic}' — expected one of ({', '.join(tax.ids)})")
    existing = find_existing(root, q)
    if existing is not None:
        raise ScaffoldError(
            f"this question already exists: {_shown(root, existing.path)} (id: {existing.id}, "
            f"“{existing.question}”) — "
            f"improve that note instead, or add your wording to its aliases")
    topic = topic or classify.assign_topic(q)
    taken = {p.stem for p in iter_note_paths(notes_dir(root))}
    note = Note(id=make_id(q, topic, taken), question=q, topic=topic, status="unanswered",
                tags=classify.assign_tags(q),
                blocks=[Block("keypoints", ["project"], KEYPOINTS_HINT), Block("answer", ["project"], HINT)])
    path = notes_dir(root) / topic / f"{note.id}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_note(note), encoding="utf-8")
    return path
