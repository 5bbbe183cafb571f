"""`kb export pdf`: a printable edition rendered by Debian's Chromium (through Playwright).

Chromium is used rather than an HTML-to-PDF library without a browser engine because it renders
MathML (WeasyPrint does not), shapes CJK text with the system's Noto CJK fonts, and writes PDF
bookmarks from the headings (one per topic and question) and page numbers in the footer.
System packages: chromium, fonts-noto-cjk, fonts-lmodern (Latin Modern Math for formulas).
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from .book import build_book
from .epub import CSS as EPUB_CSS
from .epub import chapter_html

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
PRINT_CSS = EPUB_CSS + """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
body { font-size: 10.5pt; }
h1 { page-break-before: always; }
.cover { page-break-after: always; text-align: center; padding-top: 30%; }
.cover h1 { page-break-before: avoid; font-size: 2.2em; }
.toc a { text-decoration: none; color: inherit; }
pre, .keypoints, table, .math { page-break-inside: avoid; }
"""
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#666;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def document(root: Path | None = None) -> tuple[str, int]:
    from ..generate.inputs import load_inputs

    inputs = load_inputs(root)
    chapters = build_book("mathml", link=lambda _n, target: f"#{target}", inputs=inputs)
    count = sum(len(c.entries) for c in chapters)
    toc = "".join(f'<li><a href="#topic-{c.topic.id}">{html.escape(c.topic.name)}</a>（{len(c.entries)} 题）</li>'
                  for c in chapters)
    body = [f'<div class="cover"><h1>大模型面试知识库</h1><p>{count} 道题 · {len(chapters)} 个主题</p></div>',
            f'<nav class="toc"><h1 id="toc">目录</h1><ol>{toc}</ol></nav>']
    body += [chapter_html(c, None) for c in chapters]
    page = ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>大模型面试知识库</title>'
            f"<style>{PRINT_CSS}</style></head><body>{''.join(body)}</body></html>")
    return page, count


def export_pdf(out: Path, root: Path | None = None, progress=print) -> int:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise FileNotFoundError("the PDF edition needs Playwright — pip install -e \".[test]\"") from None

    page_html, count = document(root)
    progress(f"  HTML ready: {count} 题, {len(page_html) // 1024} KB; printing with {CHROMIUM}")
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found — install Debian's chromium (apt-get install chromium) "
                                f"or set KB_CHROMIUM to a Chromium binary")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        try:
            page = browser.new_page()
            page.set_content(page_html, wait_until="load", timeout=120_000)
            page.pdf(path=str(tmp), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                     margin={"top": "18mm", "bottom": "20mm", "left": "16mm", "right": "16mm"})
        finally:
            browser.close()
    tmp.replace(out)
    return count
