"""`kb export epub`: EPUB 3, one chapter per topic, MathML formulas, table of contents by topic."""

from __future__ import annotations

import datetime as _dt
import html
from pathlib import Path

from ebooklib import epub

from .book import Chapter, build_book

CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", sans-serif; line-height: 1.7; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.keypoints { background: #f0f4ff; border-left: 4px solid #3f51b5; padding: 0.3em 0.8em; }
.meta, .credit { font-size: 0.85em; color: #555; }
.provenance { border-left: 3px solid #aaa; padding-left: 0.8em; margin: 1em 0; }
.erratum { border-left: 4px solid #c62828; padding-left: 0.8em; }
pre { white-space: pre-wrap; font-size: 0.85em; background: #f6f8fa; padding: 0.5em; }
math { font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; }
.math { overflow-x: auto; margin: 0.5em 0; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 0.2em 0.5em; }
"""


def chapter_html(ch: Chapter, page_of) -> str:
    """Body HTML of one topic (shared by the PDF edition); ``page_of`` is unused here, kept for links."""
    out = [f"<h1 id=\"topic-{ch.topic.id}\">{html.escape(ch.topic.name)}</h1>",
           f"<p class=\"meta\">{html.escape(ch.topic.description)}</p>"]
    for e in ch.entries:
        out.append(f'<section class="question"><h2 id="{e.note.id}">{html.escape(e.note.question)}</h2>')
        if e.keypoints:
            out.append('<div class="keypoints"><p><b>要点</b></p><ul>'
                       + "".join(f"<li>{p}</li>" for p in e.keypoints) + "</ul></div>")
        if e.answer:
            out.append(f'<div class="answer">{e.answer}</div><p class="credit">本站撰写</p>')
        elif not e.provenance:
            out.append("<p class=\"credit\">这道题还没有答案。</p>")
        for p in e.provenance:
            out.append(f'<div class="provenance"><p class="credit">来源答案：{html.escape(p.label)}'
                       f"（{p.verdict}）</p>{p.html}")
            for err in p.errata:
                out.append(f'<div class="erratum"><p><b>勘误（本站撰写）</b></p>{err}</div>')
            out.append("</div>")
        out.append("</section>")
    return "\n".join(out)


def export_epub(out: Path, root: Path | None = None, progress=print) -> int:
    from ..generate.inputs import load_inputs

    inputs = load_inputs(root)
    topic_of = {n.id: n.topic for n in inputs.notes}
    chapters = build_book("mathml", link=lambda _n, target: f"{topic_of[target]}.xhtml#{target}"
                          if target in topic_of else None, inputs=inputs)
    book = epub.EpubBook()
    book.set_identifier("llm-interview-kb")
    book.set_title("大模型面试知识库")
    book.set_language("zh-CN")
    book.add_author("大模型面试知识库贡献者")
    book.add_metadata("DC", "date", _dt.date.today().isoformat())
    style = epub.EpubItem(uid="style", file_name="style.css", media_type="text/css", content=CSS)
    book.add_item(style)
    items, toc, count = [], [], 0
    for ch in chapters:
        item = epub.EpubHtml(title=ch.topic.name, file_name=f"{ch.topic.id}.xhtml", lang="zh-CN")
        item.content = chapter_html(ch, None)
        if "<math" in item.content:
            item.properties.append("mathml")
        item.add_item(style)
        book.add_item(item)
        items.append(item)
        toc.append((epub.Section(ch.topic.name, href=f"{ch.topic.id}.xhtml"),
                    [epub.Link(f"{ch.topic.id}.xhtml#{e.note.id}", e.note.question, e.note.id) for e in ch.entries]))
        count += len(ch.entries)
        progress(f"  {ch.topic.name}: {len(ch.entries)} 题")
    book.toc = toc
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *items]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    epub.write_epub(str(tmp), book)
    tmp.replace(out)
    return count
