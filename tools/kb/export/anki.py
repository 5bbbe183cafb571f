"""`kb export anki`: one Anki note per question, one subdeck per topic (genanki).

GUIDs and deck/model ids are derived from stable names (note ids, topic ids), so importing a newer
deck updates the learner's existing cards and keeps their review history instead of duplicating.
"""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import genanki

from .book import Chapter, Entry, build_book

DECK_NAME = "大模型面试知识库"
CSS = """
.card { font-family: -apple-system, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
        font-size: 18px; line-height: 1.6; text-align: left; color: #1f2328; background: #fff; }
.nightMode .card, .night_mode .card { color: #e6edf3; background: #0d1117; }
.topic { font-size: 13px; color: #57606a; }
.keypoints { background: #f0f4ff; border-left: 4px solid #3f51b5; padding: 6px 12px; }
.nightMode .keypoints { background: #1c2333; }
.credit, .verdict { font-size: 13px; color: #57606a; }
.erratum { border-left: 4px solid #d1242f; padding: 4px 10px; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: 8px; }
.nightMode pre { background: #161b22; }
table { border-collapse: collapse; } td, th { border: 1px solid #d0d7de; padding: 2px 6px; }
"""
FIELDS = ["Question", "Topic", "Tags", "Keypoints", "Answer", "Sources", "NoteId"]
FRONT = '<div class="topic">{{Topic}}{{#Tags}} · {{Tags}}{{/Tags}}</div>\n<div class="question">{{Question}}</div>'
BACK = ("{{FrontSide}}\n<hr id=answer>\n{{#Keypoints}}<div class=\"keypoints\"><b>要点</b>{{Keypoints}}</div>"
        "{{/Keypoints}}\n{{Answer}}\n<div class=\"credit\">{{Sources}}</div>")


def stable_id(name: str) -> int:
    """A positive 31-bit id that never changes for the same name (Anki ids are ints)."""
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16) & 0x7FFFFFFF | 1 << 30


MODEL = genanki.Model(
    stable_id("kb-model-v1"), "大模型面试知识库 · 问答",
    fields=[{"name": f} for f in FIELDS],
    templates=[{"name": "问答", "qfmt": FRONT, "afmt": BACK}],
    css=CSS,
    sort_field_index=0,
)


def back_html(e: Entry) -> tuple[str, str, str]:
    points = "<ul>" + "".join(f"<li>{p}</li>" for p in e.keypoints) + "</ul>" if e.keypoints else ""
    parts = [e.answer] if e.answer else []
    credits = []
    for p in e.provenance:
        credits.append(f"{html.escape(p.label)}（{p.verdict}）")
        if not e.answer:  # no canonical answer yet: the source answers are the answer
            parts.append(f'<div class="verdict">来源答案：{html.escape(p.label)}（{p.verdict}）</div>{p.html}')
        for err in p.errata:
            parts.append(f'<div class="erratum"><b>勘误（{html.escape(p.label)}）</b>{err}</div>')
    if e.answer:
        credit = "本站撰写" + (f"；参考来源：{'、'.join(credits)}" if credits else "")
    else:
        credit = "来源：" + "、".join(credits) if credits else ""
    return points, "\n".join(parts), credit


def note_for(chapter: Chapter, e: Entry, tag_names: dict[str, str]) -> genanki.Note:
    points, answer, credit = back_html(e)
    tags = [tag_names.get(t, t) for t in e.note.tags]
    return genanki.Note(
        model=MODEL,
        fields=[html.escape(e.note.question), html.escape(chapter.topic.name), html.escape(" · ".join(tags)),
                points, answer, html.escape(credit), e.note.id],
        guid=genanki.guid_for(e.note.id),
        # Anki tags cannot contain spaces.
        tags=[f"topic::{chapter.topic.id}", *("".join(t.split()) for t in tags)],
    )


def export_anki(out: Path, root: Path | None = None, progress=print) -> int:
    from ..generate.inputs import load_inputs

    inputs = load_inputs(root)
    tag_names = {t.id: t.name for t in inputs.tags}
    chapters = build_book("mathjax", inputs=inputs)
    decks = []
    count = 0
    for ch in chapters:
        deck = genanki.Deck(stable_id(f"kb-deck-{ch.topic.id}"), f"{DECK_NAME}::{ch.topic.name}")
        for e in ch.entries:
            deck.add_note(note_for(ch, e, tag_names))
            count += 1
        decks.append(deck)
        progress(f"  {ch.topic.name}: {len(ch.entries)} 题")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    genanki.Package(decks).write_to_file(str(tmp))
    tmp.replace(out)
    return count
