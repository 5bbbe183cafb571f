"""Parser for a plain-text extraction of a question outline (no headings at all).

Shape (source s003, the same article as s000): questions are plain lines (``a.Self-Attention的表达式``,
``2.attention计算方式…``), images are reduced to hash file names (dropped by ``rules/noise.yml``),
and a question is sometimes glued onto the end of the previous answer's line
(``…表达能力。h.Bert为什么三个embedding可以相加?``) or carries its own answer on its line
(``o.预训练阶段的mask有什么用? 虽然MLM…``). Such lines are split: the glued question becomes its own
item starting on that line, the text before it stays with the previous item.

The outline reading (labels in expected order, section titles, group titles, overview prose) is the
one of ``wechat_ocr``, so both extractions of the article yield the same questions; see that module.
The footer (``往期精彩回顾``, ``Logo … 更多推荐``) is dropped by ``rules/noise_plain_extract.yml``.
"""

from __future__ import annotations

from .wechat_ocr import WechatOcrParser


class PlainExtractParser(WechatOcrParser):
    name = "plain_extract"
    description = ("plain-text extraction of a question outline without headings; splits questions "
                   "glued onto the previous answer's line")


PARSER = PlainExtractParser()
