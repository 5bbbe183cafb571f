"""Generic parser: any Markdown-shaped article, read by structure (see tools/kb/ingest/reader/).

Questions are headings, list items at any depth, labelled lines (`问：`, `**问题：**`, `Q1:`), bold or
numbered question lines, question-table rows and numbered lines of interview logs in code blocks,
each scored on several features; the content under a question is its answer, nothing else is.
"""

from __future__ import annotations

from ..base import Line, ParsedArticle
from ..reader import read


class GenericParser:
    name = "generic"
    description = ("通用 Markdown：按结构读取（标题、任意层级的列表项、`问：`/`Q1:` 标注行、加粗或编号的问句、"
                   "问题表格、代码块中的面经问题），问题下方的内容才是答案。")

    def parse(self, lines: list[Line]) -> ParsedArticle:
        return read(lines)


PARSER = GenericParser()
