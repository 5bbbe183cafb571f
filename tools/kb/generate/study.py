"""Pages and data for studying: the question list behind progress and 随机一题, the 学习进度 page
and the 离线与下载 page. The behaviour lives in overrides/assets/javascripts/study.js."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .context import Context
from .links import rel
from .mdtext import escape_inline

QUESTIONS_JS = "assets/javascripts/kb-questions.js"
EDITIONS = (  # file name in the downloads folder, label, what it is for
    ("llm-interview-kb-offline.zip", "离线网站（zip）", "解压后用浏览器打开 index.html，可搜索，不访问任何外部网站"),
    ("kb.apkg", "Anki 卡组", "每题一张卡：正面问题，背面要点与答案；导入新版会更新已有卡片、保留复习记录"),
    ("kb.epub", "EPUB 电子书", "按主题分章，公式、代码、出处与勘误同网站"),
    ("kb.pdf", "PDF 打印版", "带书签（主题、问题）与页码，适合打印"),
)


def questions_script(ctx: Context) -> str:
    """``window.kbQuestions``: topics in site order, each with its questions as [id, page, question]."""
    topics = []
    for topic in ctx.inputs.taxonomy.topics:
        parts = ctx.parts_by_topic.get(topic.id)
        if not parts:
            continue
        qs = [[n.id, ctx.locations[n.id].page, n.question] for p in parts for n in p.notes]
        topics.append({"id": topic.id, "name": topic.name, "page": ctx.topic_uri(topic.id), "questions": qs})
    data = json.dumps({"topics": topics}, ensure_ascii=False, separators=(",", ":"))
    return f"window.kbQuestions={data};\n"


def render_study_page(ctx: Context) -> str:
    """学习进度. The table and the 待复习 heading come with the page and study.js only fills in the counts
    and the list, so the page does not jump when the marks are read."""
    page = "study.md"
    rows = []
    for topic in ctx.inputs.taxonomy.topics:
        parts = ctx.parts_by_topic.get(topic.id)
        if parts:
            count = sum(len(p.notes) for p in parts)
            rows.append(f"| [{escape_inline(topic.name)}]({rel(page, ctx.topic_uri(topic.id))}) | 0 | 0 | {count} |")
    return "\n".join([
        "---",
        "title: 学习进度",
        "search:",
        "  exclude: true",
        "---",
        "",
        "# 学习进度",
        "",
        "在每道题下方点「已掌握」或「待复习」，进度就记在这里。进度只保存在本浏览器中（不需要账号，也不上传），"
        "换浏览器或换设备时先「导出进度」，再在新设备上「导入进度」。",
        "",
        "**自测**：在任一主题页打开「自测」开关，答案会被隐藏；点「显示要点」先看 30 秒答案，再点「显示完整答案」。"
        "快捷键：`j` / `k` 下一题 / 上一题，`r` 显示答案，`m` 已掌握，`u` 待复习，`t` 自测开关。",
        "",
        '<div data-kb-random></div>',
        "",
        "<noscript><p>记录和查看进度需要启用 JavaScript。</p></noscript>",
        "",
        '<div id="kb-study-app" markdown>',
        "",
        "| 主题 | 已掌握 | 待复习 | 题数 |",
        "| --- | ---: | ---: | ---: |",
        *rows,
        "",
        '<p class="kb-study-app__title">待复习（0 题）</p>',
        '<div class="kb-study-review"><p class="kb-review-empty">'
        '还没有标记待复习的题。在题目下方点「待复习」，它就会出现在这里。</p></div>',
        "",
        "</div>",
        "",
        '<div class="kb-study-tools"></div>',
        "",
    ])


@dataclass(frozen=True)
class Edition:
    file: str
    label: str
    purpose: str
    size: int
    date: str


def find_editions(folder: Path | None) -> list[Edition]:
    """Editions present in ``folder`` (``KB_DOWNLOADS``), with size and date."""
    if folder is None or not folder.is_dir():
        return []
    out = []
    for name, label, purpose in EDITIONS:
        path = folder / name
        if path.is_file():
            st = path.stat()
            day = _dt.datetime.fromtimestamp(st.st_mtime, _dt.timezone.utc).date().isoformat()
            out.append(Edition(name, label, purpose, st.st_size, day))
    return out


def downloads_dir() -> Path | None:
    value = os.environ.get("KB_DOWNLOADS")
    return Path(value) if value else None


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def render_downloads_page(editions: list[Edition]) -> str:
    lines = ["---", "title: 离线与下载", "search:", "  exclude: true", "---", "", "# 离线与下载", "",
             "同一份内容的四种形式。网站每次更新时重新生成，日期即生成日期。", ""]
    if editions:
        lines += ["| 下载 | 用途 | 大小 | 日期 |", "|---|---|---|---|"]
        for e in editions:
            # The hook adds the files to the site as downloads/<file>, so mkdocs resolves the link.
            lines.append(f"| [{e.label}](downloads/{e.file}) | {e.purpose} | {_size(e.size)} | {e.date} |")
    else:
        lines += ["这次构建没有附带下载文件（发布的网站由部署流程生成并附带它们）。在本地生成：", "",
                  "| 形式 | 用途 | 命令 |", "|---|---|---|"]
        commands = {
            "llm-interview-kb-offline.zip": "python3 -m kb.generate.offline_zip --out dist/downloads/"
                                            "llm-interview-kb-offline.zip",
            "kb.apkg": "kb export anki --out dist/downloads/kb.apkg",
            "kb.epub": "kb export epub --out dist/downloads/kb.epub",
            "kb.pdf": "kb export pdf --out dist/downloads/kb.pdf",
        }
        for name, label, purpose in EDITIONS:
            lines.append(f"| {label} | {purpose} | `{commands[name]}` |")
        lines += ["", "之后 `KB_DOWNLOADS=dist/downloads mkdocs build` 会把它们放进网站并在本页列出。"]
    lines += ["", "Anki 卡组使用 Anki 自带的 MathJax 显示公式；EPUB 与 PDF 用 MathML。", ""]
    return "\n".join(lines)
