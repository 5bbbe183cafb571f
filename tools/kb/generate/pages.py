"""Topic pages: one ``h2`` per question with the note id as its anchor, then everything about the
question without any further heading (each heading would become its own search result)."""

from __future__ import annotations

from ..model import Block, Note
from .context import STATUS_LABELS, Context, TopicPart, short_title, tag_anchor
from .links import edit_url, issue_url, rel, resolve_q_links
from .math import render_math
from .mdtext import demote_headings, escape_inline, indent


def render_topic_page(ctx: Context, part: TopicPart) -> str:
    notes = part.notes
    answered = sum(n.status == "answered" for n in notes)
    lines = [
        "---",
        f"title: {part.title}",
        "---",
        "",
        f"# {escape_inline(part.title)}",
        "",
        escape_inline(part.topic.description),
        "",
        f"本页 {len(notes)} 题，已解答 {answered} 题。",
        "{ .kb-topic-summary }",
        "",
    ]
    if part.count > 1:
        others = ctx.parts_by_topic[part.topic.id]
        nav = " · ".join(f"**第 {p.index} 部分**" if p is part else f"[第 {p.index} 部分]({rel(part.uri, p.uri)})"
                         for p in others)
        lines += [f"本主题分为 {part.count} 部分：{nav}", "{ .kb-parts }", ""]
    for note in notes:
        lines.append(render_question(ctx, part.uri, note))
    return "\n".join(lines).rstrip() + "\n"


def render_question(ctx: Context, page: str, note: Note) -> str:
    file = ctx.inputs.note_file(note)
    out = [f"## {escape_inline(note.question)} {{ #{note.id} }}", ""]
    out += [_meta_line(ctx, page, note), ""]
    if note.aliases:
        out += ["也问作：" + "；".join(escape_inline(a) for a in note.aliases), "{ .kb-aliases }", ""]
    out += [_answers(ctx, page, note, file), ""]
    out += [_footer(ctx, page, note, file), ""]
    return "\n".join(out)


def _meta_line(ctx: Context, page: str, note: Note) -> str:
    status = note.status if note.status in STATUS_LABELS else "unanswered"
    parts = [f'<span class="kb-status kb-status--{status}">{STATUS_LABELS[status]}</span>']
    for tag_id in note.tags:
        tag = ctx.tag(tag_id)
        name = escape_inline(tag.name if tag else tag_id)
        parts.append(f"[{name}]({rel(page, 'tags.md', tag_anchor(tag_id))}){{ .kb-tag }}")
    return " ".join(parts) + "\n{ .kb-meta }"


def prepare_text(ctx: Context, page: str, note: Note, text: str) -> str:
    """Answer text → page Markdown: headings demoted, q: links resolved, math rendered, terms linked."""
    problems = ctx.inputs.problems
    text = demote_headings(text)
    text = resolve_q_links(text, page, ctx.locations,
                           lambda target: problems.error(note.path, f"unknown question id in link (q:{target})"))
    text = render_math(text, lambda msg: problems.warning(note.path, msg))

    def href(term) -> str:
        loc = ctx.locations[term.note]
        return rel(page, loc.page, loc.anchor)

    return ctx.linker.link(text, note.id, href)


def _source_names(ctx: Context, block: Block, short: bool) -> str:
    names = []
    for sid in block.sources:
        src = ctx.inputs.sources.get(sid)
        title = src.title if src else sid
        names.append(short_title(title) if short else title)
    return "、".join(dict.fromkeys(names))


def _from_line(ctx: Context, page: str, block: Block) -> str:
    if block.sources == ["project"]:
        return "本站撰写的答案。\n{ .kb-from data-search-exclude=\"true\" }"
    links = "、".join(f"[《{escape_inline(ctx.inputs.sources[s].title)}》]({rel(page, 'sources.md', s)})"
                     if s in ctx.inputs.sources else escape_inline(s) for s in block.sources)
    return f"答案出自 {links}\n{{ .kb-from data-search-exclude=\"true\" }}"


def _erratum(ctx: Context, page: str, note: Note, block: Block) -> str:
    target = _source_names(ctx, block, short=False) or "原答案"
    body = prepare_text(ctx, page, note, block.text)
    return f'!!! warning "勘误：更正《{_quote_label(target)}》的答案（本站撰写）"\n\n{indent(body)}\n'


def _answers(ctx: Context, page: str, note: Note, file: str) -> str:
    answers, errata = note.answers, note.errata
    if not answers and not errata:
        return ('!!! info "暂无答案"\n\n'
                f"    这道题还没有答案，欢迎[补充一个答案]({edit_url(ctx.inputs.repo_url, file)})。\n")
    chunks: list[str] = []
    used: set[int] = set()
    for block in answers:
        label = "本站撰写" if block.sources == ["project"] else _source_names(ctx, block, short=True)
        body = [_from_line(ctx, page, block), "", prepare_text(ctx, page, note, block.text)]
        for k, err in enumerate(errata):  # a correction sits right under the answer it corrects
            if k not in used and set(err.sources) & set(block.sources):
                used.add(k)
                body += ["", _erratum(ctx, page, note, err)]
        chunks.append(f'=== "{_quote_label(label)}"\n\n{indent(chr(10).join(body))}\n')
    for k, err in enumerate(errata):
        if k not in used:
            chunks.append(_erratum(ctx, page, note, err))
    return "\n".join(chunks)


def _quote_label(text: str) -> str:
    return escape_inline(text).replace('"', "＂")


def _footer(ctx: Context, page: str, note: Note, file: str) -> str:
    """Related questions and actions, excluded from the search index (they name other questions)."""
    notes = ctx.notes_by_id
    items = []
    for rid in ctx.related.get(note.id, []):
        other = notes.get(rid)
        loc = ctx.locations.get(rid)
        if other is None or loc is None:
            continue
        items.append(f"- [{escape_inline(other.question)}]({rel(page, loc.page, loc.anchor)})")
    lines = ['<div class="kb-foot" markdown data-search-exclude="true">', ""]
    if items:
        lines += ["相关问题：", "{ .kb-foot__title }", "", *items, ""]
    repo = ctx.inputs.repo_url
    lines += [
        f"[:material-pencil-outline: 编辑此题]({edit_url(repo, file)})"
        f"{{ .kb-action title=\"在 GitHub 上编辑 {file}\" }}"
        f" [:material-message-alert-outline: 纠错/补充]({issue_url(repo, note.id, note.question, file)})"
        f"{{ .kb-action title=\"提交 issue\" }}",
        "",
        "</div>",
    ]
    return "\n".join(lines)
