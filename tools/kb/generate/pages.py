"""Topic pages: one ``h2`` per question with the note id as its anchor, then everything about the
question without any further heading (each heading would become its own search result).

A question reads: 要点 (the 30-second answer), the project's canonical answer shown plainly, then each
source answer as provenance in a collapsed block titled with the source's short name and its review
verdict, the erratum inside the block it corrects. A question without a canonical answer shows its
source answers expanded under a 本站答案待撰写 hint.
"""

from __future__ import annotations

import json

from ..model import PROJECT, Block, Note
from ..taxonomy import Topic
from .context import STATUS_LABELS, Context, TopicPart, short_title, tag_anchor
from .links import edit_url, issue_url, rel, resolve_q_links
from .math import render_math
from .mdtext import demote_headings, escape_inline, indent

# Review verdicts (note field ``reviewed``) as shown on a source answer; the strongest of a block's
# sources wins (an erratum matters most to a reader).
VERDICT_LABELS = {"erratum": "有勘误", "repaired": "已修复", "ok": "已核对", None: "未核对"}
VERDICT_RANK = ("erratum", "repaired", "ok", None)


def render_topic_page(ctx: Context, part: TopicPart) -> str:
    notes = part.notes
    topic = part.topic
    heading = f"{topic.name}：{part.title}" if part.section else part.title
    # The meta description (a JSON string is a valid YAML scalar): the topic's, named by section.
    about = f"{topic.name} · {part.title}：{topic.description}" if part.section else topic.description
    lines = ["---", f"title: {part.title}", f"description: {json.dumps(about, ensure_ascii=False)}", "---", "",
             f"# {escape_inline(heading)}", ""]
    if not part.section:
        lines += [escape_inline(topic.description), ""]
    lines += [f"本页 {len(notes)} 题{_todo_summary(notes)}。", "{ .kb-topic-summary }", ""]
    if part.section:
        others = ctx.parts_by_topic[topic.id]
        nav = " · ".join(f"**{escape_inline(p.title)}**" if p is part
                         else f"[{escape_inline(p.title)}]({rel(part.uri, p.uri)})" for p in others)
        lines += [f"[{escape_inline(topic.name)}]({rel(part.uri, part.overview)})：{nav}", "{ .kb-parts }", ""]
    lines += [study_bar(len(notes)), ""]
    dividers = len(part.sections) > 1
    for section, sec_notes in part.sections:
        if dividers:  # a visual divider, not a heading: headings are search results of their own
            lines += [f"{escape_inline(section.title)} · {len(sec_notes)} 题",
                      f'{{ .kb-section #sec-{section.id} data-search-exclude="true" }}', ""]
        for note in sec_notes:
            lines.append(render_question(ctx, part.uri, note))
    return "\n".join(lines).rstrip() + "\n"


# 自测 controls, wired up by overrides/assets/javascripts/study.js. They are in the page itself, not
# added by the script, so nothing moves after the first paint; without JavaScript a rule in study.css
# hides them (html.kb-js is set in the page head).
STUDY_ROW = ('<div class="kb-study" role="group" aria-label="自测与进度">'
             '<button type="button" class="kb-study__reveal md-button" hidden>显示答案</button>'
             '<button type="button" class="kb-study__mark kb-study__mark--known" data-kb-mark="known" '
             'aria-pressed="false" title="标记为已掌握">已掌握</button>'
             '<button type="button" class="kb-study__mark kb-study__mark--review" data-kb-mark="review" '
             'aria-pressed="false" title="标记为待复习">待复习</button></div>')


def study_bar(count: int) -> str:
    return ('<div class="kb-study-bar" role="region" aria-label="自测">'
            '<button type="button" role="switch" class="kb-study-bar__switch md-button" aria-checked="false" '
            'title="隐藏答案，自己先想（快捷键 t）">自测</button>'
            f'<span class="kb-study-bar__summary" aria-live="polite">本页已掌握 0 / {count}</span>'
            '<span class="kb-random"><button type="button" class="md-button kb-random__go">随机一题</button>'
            '<label class="kb-random__only"><input type="checkbox"> 只抽未掌握</label></span>'
            '<span class="kb-study-bar__keys">快捷键：j / k 下一题 / 上一题，r 显示答案，m 已掌握，u 待复习，'
            't 自测开关</span></div>')


def render_topic_overview(ctx: Context, topic: Topic) -> str:
    """A split topic's first page: its sections, each with its questions as links."""
    parts = ctx.parts_by_topic[topic.id]
    page = parts[0].overview
    notes = [n for p in parts for n in p.notes]
    lines = ["---", f"title: {topic.name}", f"description: {json.dumps(topic.description, ensure_ascii=False)}",
             "search:", "  exclude: true", "---", "",
             f"# {escape_inline(topic.name)}", "", escape_inline(topic.description), "",
             f"共 {len(notes)} 题{_todo_summary(notes)}，按子主题分为 {len(parts)} 页，由浅入深排列。",
             "{ .kb-topic-summary }", ""]
    for p in parts:
        lines += [f"## [{escape_inline(p.title)}]({rel(page, p.uri)}) {{ #{p.anchor} }}", "",
                  f"{len(p.notes)} 题", "{ .kb-tag-summary }", ""]
        lines += [f"1. [{escape_inline(n.question)}]({rel(page, p.uri, n.id)}){_badge(n)}" for n in p.notes]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _todo_summary(notes: list[Note]) -> str:
    partial = sum(n.status == "partial" for n in notes)
    open_ = sum(n.status not in ("answered", "partial") for n in notes)
    bits = [f"{partial} 题待完善" if partial else "", f"{open_} 题待解答" if open_ else ""]
    bits = [b for b in bits if b]
    return "（" + "，".join(bits) + "）" if bits else ""


def _badge(note: Note) -> str:
    label = STATUS_LABELS.get(note.status, STATUS_LABELS["unanswered"])
    return f' <span class="kb-status kb-status--{note.status}">{label}</span>' if label else ""


def head_blocks(ctx: Context, note: Note) -> int:
    """How many blocks under the question's heading come before the answer (meta line, aliases):
    the search index keeps them whole and spends its answer budget after them."""
    return bool(_meta_parts(ctx, "", note)) + bool(note.aliases)


def render_question(ctx: Context, page: str, note: Note) -> str:
    file = ctx.inputs.note_file(note)
    out = [f"## {escape_inline(note.question)} {{ #{note.id} }}", "", STUDY_ROW, ""]
    meta = _meta_parts(ctx, page, note)
    if meta:
        out += [" ".join(meta), "{ .kb-meta }", ""]
    if note.aliases:
        out += ["也问作：" + "；".join(escape_inline(a) for a in note.aliases), "{ .kb-aliases }", ""]
    out += [_answers(ctx, page, note, file), ""]
    out += [_footer(ctx, page, note, file), ""]
    return "\n".join(out)


def _meta_parts(ctx: Context, page: str, note: Note) -> list[str]:
    """A status badge only where it tells the reader something (待完善, 待解答), then the tags."""
    parts = []
    label = STATUS_LABELS.get(note.status, STATUS_LABELS["unanswered"])
    if label:
        status = note.status if note.status in STATUS_LABELS else "unanswered"
        parts.append(f'<span class="kb-status kb-status--{status}">{label}</span>')
    for tag_id in note.tags:
        tag = ctx.tag(tag_id)
        name = escape_inline(tag.name if tag else tag_id)
        parts.append(f"[{name}]({rel(page, 'tags.md', tag_anchor(tag_id))}){{ .kb-tag }}")
    return parts


def prepare_text(ctx: Context, page: str, note: Note, text: str, *, link_terms: bool = True) -> str:
    """Answer text → page Markdown: headings demoted, q: links resolved, math rendered, terms linked."""
    problems = ctx.inputs.problems
    text = demote_headings(text)
    text = resolve_q_links(text, page, ctx.locations,
                           lambda target: problems.error(note.path, f"unknown question id in link (q:{target})"))
    text = render_math(text, lambda msg: problems.warning(note.path, msg))
    if not link_terms:
        return text

    def href(term) -> str:
        loc = ctx.locations[term.note]
        return rel(page, loc.page, loc.anchor)

    return ctx.linker.link(text, note.id, href)


def source_labels(ctx: Context, sources: list[str]) -> str:
    """《short name》 of each source, once per article (two extractions of one article share a name)."""
    labels = []
    for sid in sources:
        src = ctx.inputs.sources.get(sid)
        labels.append(f"《{src.short or short_title(src.title)}》" if src else sid)
    return "".join(dict.fromkeys(labels))


def verdict(note: Note, block: Block, errata: list[Block]) -> str | None:
    """The review verdict of a source answer: the strongest recorded for any of its sources; an
    erratum attached to it counts as 有勘误 even without a review entry."""
    found = {r.get("verdict") for r in note.reviewed if r.get("source") in block.sources}
    if errata:
        found.add("erratum")
    return next(v for v in VERDICT_RANK if v in found or v is None)


def _from_line(ctx: Context, page: str, block: Block) -> str:
    links = "、".join(f"[《{escape_inline(ctx.inputs.sources[s].title)}》]({rel(page, 'sources.md', s)})"
                     if s in ctx.inputs.sources else escape_inline(s) for s in block.sources)
    return f"答案出自 {links}\n{{ .kb-from data-search-exclude=\"true\" }}"


def _erratum(ctx: Context, page: str, note: Note, block: Block) -> str:
    body = prepare_text(ctx, page, note, block.text)
    return f'!!! warning "勘误（本站撰写）"\n\n{indent(body)}\n'


def _keypoints(ctx: Context, page: str, note: Note) -> str:
    items = "\n".join(f"- {item}" for item in note.keypoints)
    body = prepare_text(ctx, page, note, items, link_terms=False)
    return f'!!! abstract kb-keypoints "要点"\n\n{indent(body)}\n'


def _answers(ctx: Context, page: str, note: Note, file: str) -> str:
    project = [b for b in note.answers if b.sources == [PROJECT]]  # the canonical one first
    sources = note.source_answers
    errata = note.errata
    if not project and not sources and not errata:
        return ('!!! info "暂无答案"\n\n'
                f"    这道题还没有答案，欢迎[补充一个答案]({edit_url(ctx.inputs.repo_url, file)})。\n")
    chunks: list[str] = []
    if note.keypoints:
        chunks.append(_keypoints(ctx, page, note))
    for block in project:
        chunks.append(prepare_text(ctx, page, note, block.text) + "\n")
    if not project:
        chunks.append(f"本站答案待撰写：下面是来源文章的原答案，仅供参考；欢迎[撰写本站答案]"
                      f"({edit_url(ctx.inputs.repo_url, file)})。\n"
                      '{ .kb-pending data-search-exclude="true" }\n')
    marker = "???" if project else "???+"  # provenance stays collapsed under a canonical answer
    groups: dict[str, list[Block]] = {}  # one block per article: two extractions' answers go together
    for block in sources:
        groups.setdefault(source_labels(ctx, block.sources), []).append(block)
    used: set[int] = set()
    for label, blocks in groups.items():
        body: list[str] = []
        states = []
        for block in blocks:
            mine = [e for k, e in enumerate(errata) if k not in used and set(e.sources) & set(block.sources)]
            used.update(k for k, e in enumerate(errata) if e in mine)
            states.append(verdict(note, block, mine))
            body += [_from_line(ctx, page, block), ""]
            body += [_erratum(ctx, page, note, e) for e in mine]  # the correction before the text it corrects
            body += [prepare_text(ctx, page, note, block.text), ""]
        state = next(v for v in VERDICT_RANK if v in states)
        kind = "warning" if state == "erratum" else "quote"
        title = f"来源：{label} · {VERDICT_LABELS[state]}"
        chunks.append(f'{marker} {kind} kb-source "{_quote_label(title)}"\n\n{indent(chr(10).join(body).rstrip())}\n')
    for k, err in enumerate(errata):
        if k not in used:  # an erratum of no answer shown here (kb check reports it): still shown
            chunks.append(_erratum(ctx, page, note, err))
    return "\n".join(chunks)


def _quote_label(text: str) -> str:
    return escape_inline(text).replace('"', "＂")


def _footer(ctx: Context, page: str, note: Note, file: str) -> str:
    """Related questions and actions, excluded from the search index (they name other questions)."""
    notes = ctx.notes_by_id
    prev, nxt = ctx.neighbours.get(note.id, (None, None))
    items = []
    for rid in ctx.related.get(note.id, []):
        other = notes.get(rid)
        loc = ctx.locations.get(rid)
        if other is None or loc is None:
            continue
        role = "先读：" if rid == prev else "接着读：" if rid == nxt else ""
        items.append(f"- {role}[{escape_inline(other.question)}]({rel(page, loc.page, loc.anchor)})")
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
