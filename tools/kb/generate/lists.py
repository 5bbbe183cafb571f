"""The list pages: home page parts, 待解答, tag index, sources, glossary."""

from __future__ import annotations

from collections import Counter

from ..model import Note
from .context import STATUS_LABELS, Context, tag_anchor
from .links import edit_url, rel
from .mdtext import escape_inline

HOME_MARKERS = ("<!-- kb:stats -->", "<!-- kb:topic-cards -->")
DEFAULT_HOME = """# 大模型面试知识库

<!-- kb:stats -->

<!-- kb:topic-cards -->
"""


def _q_link(ctx: Context, page: str, note: Note) -> str:
    loc = ctx.locations[note.id]
    return f"[{escape_inline(note.question)}]({rel(page, loc.page, loc.anchor)})"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def render_home(ctx: Context) -> str:
    text = ctx.inputs.home_template or DEFAULT_HOME
    notes = ctx.inputs.notes
    answered = sum(n.status == "answered" for n in notes)
    partial = sum(n.status == "partial" for n in notes)
    todo = len(notes) - answered
    stats = (f"目前收录 **{len(notes)}** 道题，分属 **{len({n.topic for n in notes})}** 个主题，"
             f"整理自 {len(ctx.inputs.sources)} 篇来源文章"
             + (f"；{partial} 题待完善，{todo - partial} 题待解答。" if todo else "；每道题都有要点和完整答案。"))
    if not notes:
        stats = "还没有收录题目：运行 `kb import` 导入来源文章后重新构建。"
    # study.js turns the placeholder into 随机一题 (and fills each card's 已掌握 n / N).
    stats += '\n\n<div class="kb-home-random" data-kb-random></div>'
    return text.replace(HOME_MARKERS[0], stats).replace(HOME_MARKERS[1], _topic_cards(ctx))


def _topic_cards(ctx: Context) -> str:
    if not ctx.parts:
        return ""
    lines = ['<div class="grid cards kb-cards" markdown>', ""]
    seen: set[str] = set()
    for part in ctx.parts:
        if part.topic.id in seen:
            continue
        seen.add(part.topic.id)
        notes = [n for p in ctx.parts_by_topic[part.topic.id] for n in p.notes]
        answered = sum(n.status == "answered" for n in notes)
        lines += [
            f"-   **[{escape_inline(part.topic.name)}]({ctx.topic_uri(part.topic.id)})**",
            "",
            "    ---",
            "",
            f"    {escape_inline(part.topic.description)}",
            "",
            f"    {len(notes)} 题" + (f" · {len(notes) - answered} 题待完善" if answered < len(notes) else "")
            + f' <span class="kb-progress" data-kb-progress-topic="{part.topic.id}"></span>',
            "    { .kb-card-stats }",
            "",
        ]
    lines += ["</div>", ""]
    return "\n".join(lines)


def render_unanswered(ctx: Context) -> str:
    page = "unanswered.md"
    lines = ["---", "title: 待解答", "search:", "  exclude: true", "---", "", "# 待解答", "",
             "下面的问题还没有答案或只有部分答案。点「我来回答」会打开该题的笔记文件，"
             "在 GitHub 上编辑后提交 PR 即可（格式见[参与贡献](contributing.md)）。", ""]
    total = 0
    for topic in ctx.inputs.taxonomy.topics:
        todo = [n for p in ctx.parts_by_topic.get(topic.id, []) for n in p.notes if n.status != "answered"]
        if not todo:
            continue
        total += len(todo)
        lines += [f"## {escape_inline(topic.name)} {{ #{topic.id} }}", ""]
        for n in todo:
            url = edit_url(ctx.inputs.repo_url, ctx.inputs.note_file(n))
            label = STATUS_LABELS.get(n.status) or STATUS_LABELS["unanswered"]
            lines.append(f'- {_q_link(ctx, page, n)} <span class="kb-status kb-status--{n.status}">'
                         f"{label}</span> [我来回答]({url}){{ .kb-action }}")
        lines.append("")
    if not total:
        lines += ["所有问题都已解答。", ""]
    return "\n".join(lines)


def render_tags(ctx: Context) -> str:
    page = "tags.md"
    lines = ["---", "title: 标签", "search:", "  exclude: true", "---", "", "# 标签", "",
             "按标签浏览问题。面经（真实面试中被问到的问题）排在最前。", ""]
    notes = [n for p in ctx.parts for n in p.notes]  # site order
    exp = ctx.experience_tags
    ordered = [t for t in ctx.inputs.tags if t.id in exp] + [t for t in ctx.inputs.tags if t.id not in exp]
    by_tag: dict[str, list[Note]] = {}
    interview: list[Note] = []
    for n in notes:  # one pass over the notes, not one per tag
        for t in dict.fromkeys(n.tags):
            by_tag.setdefault(t, []).append(n)
        if exp & set(n.tags):
            interview.append(n)
    for tag in ordered:
        tagged = by_tag.get(tag.id, [])
        if tag.id == "面经":  # 面经 lists every interview question together, whatever company tag it has
            tagged = interview
        if not tagged:  # a tag no question carries is no place to browse
            continue
        lines += [f"## {escape_inline(tag.name)} {{ #{tag_anchor(tag.id)} }}", "",
                  f"{escape_inline(tag.description)} · {len(tagged)} 题", "{ .kb-tag-summary }", ""]
        lines += [f"- {_q_link(ctx, page, n)} · {escape_inline(ctx.topic_name(n.topic))}" for n in tagged]
        lines.append("")
    return "\n".join(lines)


def render_sources(ctx: Context) -> str:
    counts: Counter = Counter()
    answers: Counter = Counter()
    for n in ctx.inputs.notes:
        counts.update({s.source for s in n.sources})
        answers.update({sid for b in n.answers for sid in b.sources})
    lines = ["---", "title: 来源与致谢", "---", "", "# 来源与致谢", "",
             "本站的问题和答案整理自下列公开文章，版权归原作者所有；每道题都标注了答案出自哪篇文章。"
             "本站撰写的答案和勘误另行标注。如果你是原作者并希望修改署名或移除内容，请提交 issue。", ""]
    for src in ctx.inputs.sources.values():
        lines += [f"## {escape_inline(src.title)} {{ #{src.id} }}", ""]
        facts = [f"作者：{escape_inline(src.author)}" if src.author else "",
                 f"发布：{escape_inline(src.publisher)}" if src.publisher else "",
                 f"日期：{src.date}" if src.date else "",
                 f"原文：<{src.url}>" if src.url else "原文链接：未知"]
        lines += [f"- {f}" for f in facts if f]
        lines += [f"- 收录问题：{counts[src.id]} 题（其中 {answers[src.id]} 题采用了它的答案）", ""]
        if src.attribution:
            lines += [escape_inline(src.attribution), ""]
    return "\n".join(lines)


def render_glossary(ctx: Context) -> str:
    page = "glossary.md"
    lines = ["---", "title: 术语表", "search:", "  exclude: true", "---", "", "# 术语表", "",
             "每个术语一句话的解释，以及讲清它的那道题；答案中第一次出现的术语也会链接到那道题。", "",
             "| 术语 | 一句话解释 | 详见 |", "| --- | --- | --- |"]
    notes = ctx.notes_by_id
    for term in sorted(ctx.terms, key=lambda t: t.term.lower()):
        name = f"**{escape_inline(term.term)}**"
        if term.aliases:
            name += "<br>" + "、".join(escape_inline(a) for a in term.aliases)
        lines.append(f"| {name} | {escape_inline(term.definition)} | {_q_link(ctx, page, notes[term.note])} |")
    if not ctx.terms:
        lines = lines[:-2] + ["暂无。"]
    return "\n".join(lines) + "\n"


def render_topics_index(ctx: Context) -> str:
    """The 题库 section's own page: every topic with counts (also keeps the section when empty)."""
    page = "topics/index.md"
    lines = ["---", "title: 题库", "---", "", "# 题库", ""]
    if not ctx.parts:
        return "\n".join(lines + ["还没有收录题目。", ""])
    lines += ["| 主题 | 题数 | 已解答 |", "| --- | --- | --- |"]
    for topic in ctx.inputs.taxonomy.topics:
        parts = ctx.parts_by_topic.get(topic.id, [])
        if not parts:
            continue
        notes = [n for p in parts for n in p.notes]
        answered = sum(n.status == "answered" for n in notes)
        lines.append(f"| [{escape_inline(topic.name)}]({rel(page, ctx.topic_uri(topic.id))}) | {len(notes)} | "
                     f"{_share(answered, len(notes))} |")
    return "\n".join(lines) + "\n"
