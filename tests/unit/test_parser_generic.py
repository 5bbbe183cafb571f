"""generic parser: common Markdown Q&A shapes as small synthetic articles, plus the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.clean.noise import filter_lines
from kb.ingest.base import ParseError, read_lines, uncovered_lines
from kb.ingest.registry import get_parser

FIXTURES = Path(__file__).parents[1] / "fixtures" / "articles"
PARSER = get_parser("generic")


def parse(text: str):
    lines = read_lines(text)
    kept, noise = filter_lines(lines, "generic")
    article = PARSER.parse(kept)
    assert uncovered_lines(kept, article) == []
    return article, noise


def qa(article):
    return [(item.question, item.answer) for item in article.items]


def test_registered():
    assert PARSER.name == "generic" and PARSER.description


def test_heading_questions():
    article, _ = parse(
        "# 大模型面试题\n"
        "\n"
        "## 基础篇\n"
        "\n"
        "### 什么是 Transformer？\n"
        "\n"
        "一种基于自注意力的序列模型。\n"
        "\n"
        "第二段答案。\n"
        "\n"
        "### 为什么需要位置编码\n"
        "自注意力本身不感知顺序。\n"
        "\n"
        "#### 补充\n"
        "绝对与相对位置编码。\n"
        "\n"
        "## 进阶篇\n"
        "### 2. RoPE 的优点\n"
        "能把相对位置信息注入注意力。\n"
        "### 3. LoRA 与全参微调的区别\n"
        "LoRA 只训练低秩增量。\n"
    )
    assert qa(article) == [
        ("什么是 Transformer？", "一种基于自注意力的序列模型。\n\n第二段答案。"),
        ("为什么需要位置编码", "自注意力本身不感知顺序。\n\n#### 补充\n绝对与相对位置编码。"),
        ("RoPE 的优点", "能把相对位置信息注入注意力。"),
        ("LoRA 与全参微调的区别", "LoRA 只训练低秩增量。"),
    ]
    assert [item.section for item in article.items] == ["基础篇", "基础篇", "进阶篇", "进阶篇"]
    assert [(i.line, i.end_line) for i in article.items] == [(5, 9), (11, 15), (18, 19), (20, 21)]
    reasons = {(d.start, d.reason) for d in article.drops}
    assert reasons == {(1, "chrome"), (3, "navigation"), (17, "navigation")}


def test_numbered_heading_with_subheadings_is_a_section():
    article, _ = parse(
        "## 1. 注意力机制\n"
        "### 1.1 什么是多头注意力？\n"
        "把注意力拆成多个头并行计算。\n"
    )
    assert qa(article) == [("什么是多头注意力？", "把注意力拆成多个头并行计算。")]
    assert article.items[0].section == "1. 注意力机制"


def test_bold_q_labels():
    article, _ = parse(
        "**Q1：什么是 RAG？**\n"
        "\n"
        "A：检索增强生成。\n"
        "\n"
        "**Q:** temperature 的作用？\n"
        "**A:** 缩放 logits。\n"
        "更低更确定。\n"
        "Q: 什么是 top-p\n"
        "A: 核采样。\n"
        "- Q2. 什么是 top-k\n"
        "只在概率最高的 k 个词中采样。\n"
        "问：什么是 beam search？\n"
        "答：每步保留 k 个候选序列。\n"
    )
    assert qa(article) == [
        ("什么是 RAG？", "检索增强生成。"),
        ("temperature 的作用？", "缩放 logits。\n更低更确定。"),
        ("什么是 top-p", "核采样。"),
        ("什么是 top-k", "只在概率最高的 k 个词中采样。"),
        ("什么是 beam search？", "每步保留 k 个候选序列。"),
    ]


def test_numbered_and_bulleted_questions():
    article, _ = parse(
        "大模型面试题整理。\n"
        "\n"
        "1. 什么是量化？\n"
        "   把权重转为低比特。\n"
        "   - 常见：INT8、INT4\n"
        "2、为什么需要 KV Cache?\n"
        "避免重复计算。\n"
        "3. 有哪些并行方式？\n"
        "- **ZeRO 的思想是什么？**\n"
        "  切分优化器状态、梯度和参数。\n"
        "  - 为什么能省显存？\n"
        "    消除冗余副本。\n"
    )
    assert qa(article) == [
        ("什么是量化？", "把权重转为低比特。\n- 常见：INT8、INT4"),
        ("为什么需要 KV Cache?", "避免重复计算。"),
        ("有哪些并行方式？", ""),  # a question without an answer is still an item
        ("ZeRO 的思想是什么？", "切分优化器状态、梯度和参数。"),
        ("为什么能省显存？", "消除冗余副本。"),  # a nested question is its own question, never its parent's answer
    ]
    assert article.drops[0].reason == "chrome"  # short intro line


def test_points_that_ask_inside_a_heading_answer_stay_in_answer():
    article, _ = parse(
        "## 什么是 Flash Attention？\n"
        "一种 IO 感知的精确注意力实现。\n"
        "- 为什么更快？分块计算，减少显存读写。\n"
        "- 是近似算法吗？\n"
        "  不是，结果与标准注意力一致。\n"
    )
    assert len(article.items) == 1
    assert article.items[0].answer.endswith("不是，结果与标准注意力一致。")


def test_code_fences_front_matter_and_prose():
    intro = "本文整理了大模型面试中常见的问题，覆盖 Transformer 结构、预训练、微调、推理加速与部署等方向，" \
            "每道题都给出简要答案，适合面试前快速复习，也可以作为系统学习的提纲使用。"
    article, noise = parse(
        "---\n"
        "title: 测试\n"
        "---\n"
        "[TOC]\n"
        f"{intro}\n"
        "\n"
        "## 如何计算 softmax？\n"
        "```python\n"
        "# 减去最大值防止溢出\n"
        "def softmax(x):\n"
        "\n"
        "    return np.exp(x - x.max()) / np.exp(x - x.max()).sum()\n"
        "```\n"
        "---\n"
    )
    assert [item.question for item in article.items] == ["如何计算 softmax？"]
    answer = article.items[0].answer
    assert answer.startswith("```python\n# 减去最大值防止溢出") and answer.endswith("```")
    assert "def softmax(x):\n\n    return" in answer  # blank lines inside the answer are kept
    assert article.items[0].end_line == 13  # the closing `---` is a separator, not answer
    # prose outside any question is never a note of its own: it is ledgered as dropped prose
    assert article.prose == [] and (5, 5, "prose") in {(d.start, d.end, d.reason) for d in article.drops}
    assert (1, 3, "chrome") in {(d.start, d.end, d.reason) for d in article.drops}
    assert [(d.start, d.reason) for d in noise] == [(4, "navigation")]


def test_no_questions_raises_helpful_error():
    with pytest.raises(ParseError) as err:
        PARSER.parse(read_lines("# 大模型综述\n\n## 背景\n大模型发展很快。\n\n- 要点一\n- 要点二\n"))
    message = str(err.value)
    assert "no questions" in message
    for shape in ("heading", "Q", "？"):
        assert shape in message
    assert "dedicated parser" in message and "sources.yml" in message


def test_empty_article_raises():
    with pytest.raises(ParseError):
        PARSER.parse(read_lines(""))


@pytest.mark.parametrize("name, questions", [
    ("headings.md", ["什么是自注意力机制？", "为什么注意力分数要除以 sqrt(d_k)？", "LoRA 的原理是什么",
                     "KV Cache 的作用"]),
    ("bold_q.md", ["什么是 RAG？", "RAG 中文档为什么要切块（chunking）？", "temperature 参数的作用是什么？",
                   "什么是 top-p（核采样）？"]),
    ("numbered.md", ["什么是模型量化？", "为什么大模型解码阶段通常是访存受限的？", "什么是 continuous batching？",
                     "数据并行和张量并行有什么区别？", "ZeRO 优化的核心思想是什么？"]),
])
def test_fixture_articles(name, questions):
    article, _ = parse((FIXTURES / name).read_text(encoding="utf-8"))
    assert [item.question for item in article.items] == questions
    assert all(item.answer for item in article.items)
    assert not any(item.answer.startswith((" ", "A", "**A", "答")) for item in article.items)
