"""dash_blog parser on the real s004 article (blog post with `- question` lines)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.ingest.base import uncovered_lines
from kb.ingest.registry import get_parser

from .real_sources import parse_real

SOURCE = Path(__file__).parents[2] / "sources" / "004_acbf0bdfff26ed00.txt"


@pytest.fixture(scope="module")
def parsed():
    return parse_real("004_acbf0bdfff26ed00.txt", "dash_blog")


def _item(article, question):
    matches = [item for item in article.items if item.question == question]
    assert len(matches) == 1, f"expected exactly one item {question!r}, got {len(matches)}"
    return matches[0]


def test_registered():
    parser = get_parser("dash_blog")
    assert parser.name == "dash_blog" and parser.description


def test_every_line_claimed(parsed):
    lines, kept, noise, article = parsed
    assert uncovered_lines(kept, article) == []
    # together with the noise filter's drops, every non-blank source line is accounted for once
    claimed = Counter()
    for item in article.items:
        claimed.update(range(item.line, item.end_line + 1))
    for prose in article.prose:
        claimed.update(range(prose.line, prose.end_line + 1))
    for drop in article.drops + noise:
        claimed.update(range(drop.start, drop.end + 1))
    nonblank = {line.no for line in lines if line.text.strip()}
    assert nonblank <= set(claimed)
    assert [n for n, c in claimed.items() if c > 1] == []


def test_counts(parsed):
    article = parsed[3]
    assert len(article.items) == 24
    assert all(item.answer for item in article.items)
    assert all(item.end_line >= item.line for item in article.items)


def test_sections_and_group_headings(parsed):
    article = parsed[3]
    assert [item.section for item in article.items[:10]] == ["Transformer 篇"] * 10
    assert _item(article, "大模型开发的 6 个核心技术").section == "大模型应用篇"
    assert article.items[-1].section == "数据篇"
    nav = sorted(d.start for d in article.drops if d.reason == "navigation")
    assert nav == [3, 80, 236]
    chrome = sorted(d.start for d in article.drops if d.reason == "chrome")
    assert chrome == [1, 2]  # title and the short intro line


def test_question_mark_questions(parsed):
    article = parsed[3]
    item = _item(article, "Transformer 的结构是什么?")
    assert (item.line, item.end_line) == (4, 5)
    assert item.answer.startswith("Transformer 由编码器(Encoder)和解码器(Decoder)")
    item = _item(article, "什么是 Transformer 绝对位置编码?")
    assert (item.line, item.end_line) == (10, 20)
    assert "- 固定且确定" in item.answer and item.answer.endswith("它们的信息就会丢失。")
    item = _item(article, "如何优化 transformer 模型的性能?")
    assert item.answer.startswith("(1)模型架构优化") and "(4)硬件性能优化" in item.answer
    assert item.answer.endswith("- TensorRT、ONNX")
    item = _item(article, "进行 SFT 微调训练时候,基座模型是选用 chat 还是 base?")
    assert item.end_line == 235


def test_topic_style_questions(parsed):
    article = parsed[3]
    for question in ["大模型开发的 6 个核心技术", "大模型性能优化方向", "RAG 与 Agent 的区别",
                     "RAG 与微调的应用场景", "模型量化、蒸馏、剪枝", "temperature、top_p、top_k",
                     "大模型幻觉", "大模型训练中梯度消失和梯度爆炸的问题",
                     "评估大模型的性能有哪些常用的评价指标"]:
        assert _item(article, question).answer
    item = _item(article, "RAG 与微调的应用场景")
    assert (item.line, item.end_line) == (101, 109)
    assert "- 智能设备中的应用\n对开源模型做微调" in item.answer
    assert item.answer.endswith("RAG 场景:\n- 数据需要保密\n- 无反应时间要求")
    item = _item(article, "模型量化、蒸馏、剪枝")
    assert (item.line, item.end_line) == (110, 141)
    assert "(1)模型量化" in item.answer and "(2)模型蒸馏" in item.answer
    # a stray URL line stays in the answer (the clean chain handles links)
    assert "https://blog.csdn.net/zzZ_CMing/article/details/142464904" in item.answer
    item = _item(article, "大模型幻觉")
    assert "- 答非所问\n大模型为什么会出现幻觉:" in item.answer
    item = _item(article, "RAG 与 Agent 的区别")
    assert item.answer.startswith(")\nRAG 的本质")  # stray OCR bracket kept, cleaning is later


def test_answer_bullets_are_not_questions(parsed):
    article = parsed[3]
    questions = {item.question for item in article.items}
    for bullet in ["智能设备中的应用", "答非所问", "批归一化", "残差连接", "模型剪枝", "数据并行、模型并行",
                   "TensorRT、ONNX", "激活函数、优化器", "去重策略", "无反应时间要求", "上下文自相矛盾"]:
        assert bullet not in questions
    assert not any(q.startswith(("Prompt 提示词工程", "局部注意力", "数据端")) for q in questions)


def test_appendix_is_prose_not_part_of_last_answer(parsed):
    article = parsed[3]
    last = _item(article, "如何解决人工产生的偏好数据集成本高,很难量产问题?")
    assert last.end_line == 242 and "数据并行(Data" not in last.answer
    assert [(p.title, p.line, p.end_line) for p in article.prose] == [
        ("数据并行(Data Parallelism)", 243, 260),
        ("模型并行(Model Parallelism)", 261, 273),
    ]
    assert "DistributedDataParallel" in article.prose[0].text
    assert "流水线并行" in article.prose[1].text


def test_ad_footer_dropped(parsed):
    lines, _kept, noise, article = parsed
    ads = [d for d in noise if d.reason == "ad"]
    assert len(ads) == 1
    assert (ads[0].start, ads[0].end) == (274, 316)
    by_no = {line.no: line.text for line in lines}
    assert by_no[ads[0].start].startswith("普通人如何抓住AI大模型的风口")
    teaching = next(n for n, t in by_no.items() if t.strip() == "01 教学内容")
    assert ads[0].start <= teaching <= ads[0].end
    assert max(item.end_line for item in article.items) < 274
    assert all(p.end_line < 274 for p in article.prose)
    questions = {item.question for item in article.items}
    assert "为什么要学习大模型?" not in questions
