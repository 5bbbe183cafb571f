"""The `web_toc` parser on its real source (s001) and on small hand-built inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.clean.noise import filter_lines
from kb.ingest.base import Line, ParseError, read_lines, uncovered_lines
from kb.ingest.parsers.web_toc import PARSER, render_answer
from kb.ingest.registry import get_parser

SOURCE = Path(__file__).parents[2] / "sources" / "001_49662cad31ae1c81.txt"


@pytest.fixture(scope="module")
def parsed():
    lines = read_lines(SOURCE.read_text(encoding="utf-8"))
    kept, noise = filter_lines(lines, "web_toc")
    return lines, kept, noise, get_parser("web_toc").parse(kept)


def by_question(parsed_article, text):
    return [i for i in parsed_article.items if i.question == text]


def answered(parsed_article, text):
    found = [i for i in by_question(parsed_article, text) if i.answer]
    assert len(found) == 1, f"expected one answered item for {text!r}, got {found}"
    return found[0]


def test_every_line_is_claimed(parsed):
    _, kept, _, p = parsed
    assert uncovered_lines(kept, p) == []


def test_item_ranges_are_sane(parsed):
    _, _, _, p = parsed
    for item in p.items:
        assert item.line <= item.end_line
        assert item.question.strip() == item.question
        assert not item.question.startswith(("[x]", "[ ]", "- "))


def test_counts(parsed):
    _, _, _, p = parsed
    toc = [i for i in p.items if i.line < 454]
    body = [i for i in p.items if i.line > 454]
    assert 160 <= len(toc) <= 210
    assert all(i.answer == "" for i in toc)
    assert 18 <= sum(1 for i in body if i.answer) <= 30


def test_answered_body_questions(parsed):
    _, _, _, p = parsed
    bpe = answered(p, "1 Byte-Pair Encoding(BPE) 如何构建词典?")
    assert bpe.answer.startswith("Byte-Pair Encoding(BPE)是一种常用的无监督分词方法")
    assert "💡" not in bpe.answer
    assert bpe.line == 460 and bpe.end_line >= 461  # the 💡 line is inside the range
    assert bpe.section == "LLMs Tokenizer 篇 / Byte-Pair Encoding(BPE)篇"

    ln = answered(p, "Layer Norm 的计算公式写一下?")
    assert "给定输入 ,其维度为 ,Layer Norm 的计算公式为:" in ln.answer  # lost formulas left as is
    assert ln.section == "Layer normalization-方法篇 / Layer Norm 篇"

    code = answered(p, "写一下 Deep Norm 代码实现?")
    assert "```python\nimport torch\nimport torch.nn as nn class DeepNorm(nn.Module):" in code.answer
    assert "output = model(input\\_data)\n```" in code.answer
    assert code.answer.rstrip().endswith("根据实际情况进行选择和实现。")

    for q in ("Deep Norm 思路?", "RMS Norm 的计算公式写一下?", "1 WordPiece 与 BPE 异同点是什么?",
              "简单介绍一下 SentencePiece 思路?", "LLMs 各模型分别用了 哪种 Layer normalization?",
              "1 介绍一下 FFN 块 计算公式?", "6 介绍一下 使用 Swish 的 GLU 块 计算公式?"):
        assert answered(p, q).answer

    ffn = answered(p, "1 介绍一下 FFN 块 计算公式?")
    assert ffn.section == "LLM 激活函数"


def test_split_list_items_are_rejoined(parsed):
    _, _, _, p = parsed
    bpe = answered(p, "1 Byte-Pair Encoding(BPE) 如何构建词典?")
    assert "\n- 初始化词典:将每个字符视为一个初始的词。" in bpe.answer
    assert "\n- 统计词频:" in bpe.answer
    assert "\n-\n" not in bpe.answer and not bpe.answer.rstrip().endswith("-")
    # the summary paragraph stays before the list it summarises
    assert bpe.answer.index("最终得到的词典即为BPE的词典") < bpe.answer.index("- 初始化词典")


def test_restated_question_is_an_alias_item(parsed):
    _, _, _, p = parsed
    main = answered(p, "1 LN 在 LLMs 中的不同位置 有什么区别么?如果有,能介绍一下区别么?")
    alias = by_question(p, "层归一化 Layer Norm 在 大语言模型 LLMs 中的不同位置 有什么区别么?如果有,能介绍一下区别么?")
    assert len(alias) == 1 and alias[0].answer == "" and alias[0].line == alias[0].end_line == main.line + 1
    assert "层归一化 Layer Norm 在 大语言模型" not in main.answer
    assert main.answer.startswith("在大语言模型(Large Language Models)中")


def test_toc_questions_and_group_titles(parsed):
    lines, _, _, p = parsed
    questions = {i.question for i in p.items}
    for q in ("2. prefix LM 和 causal LM 区别是什么?", "23. 模型参数迭代实验", "21. 样本量规模增大,训练出现OOM错",
              "1. 痛点1:文档切分粒度不好把控,既担心噪声太多又担心语义信息丢失",
              "9. LangChain 存在哪些问题及方法方案?", "1. LangChain 低效的令牌使用问题",
              "四、LoRA权重是否可以合入原模型?", "1. 什么是 LLMs 复读机问题?"):
        assert q in questions, q
    for title in ("大模型(LLMs)基础面", "2. llama 系列问题", "1. LLMs 复读机问题", "一、LoRA篇",
                  "Layer normalization-方法篇", "1. 基于LLM+向量库的文档对话 基础面", "提示学习(Prompting)",
                  "RMS Norm 篇 (均方根 Norm)", "LLMs Tokenizer 篇", "LLM 激活函数", "LayerNormalization"):
        assert title not in questions, title
    group_drops = {lines[d.start - 1].text for d in p.drops if d.detail == "TOC group title"}
    assert all(d.reason == "navigation" for d in p.drops if d.detail == "TOC group title")
    assert "[x] 2. llama 系列问题" in group_drops and "[x] 一、LoRA篇" in group_drops


def test_toc_sections(parsed):
    _, _, _, p = parsed
    sec = {i.question: i.section for i in p.items if i.line < 454}
    assert sec["2. prefix LM 和 causal LM 区别是什么?"] == "大模型(LLMs)基础面"
    assert sec["23. 模型参数迭代实验"] == "大模型(LLMs)微调面"
    assert sec["四、LoRA权重是否可以合入原模型?"] == "大模型(LLMs)参数高效微调(PEFT) 面"
    assert sec["1. 为什么大模型推理时显存涨的那么多还一直占着?"] == "大模型(LLMs)推理面"
    assert sec["如何给LLM注入领域知识?"] == "大模型(LLMs)agent 面"
    # answered in the body: the body's section wins
    assert sec["Layer Norm 的计算公式写一下?"] == "Layer normalization-方法篇 / Layer Norm 篇"
    assert sec["1 举例 介绍一下 不同 大模型LLMs 的分词方式?"] == "LLMs Tokenizer 篇 / 对比篇"


def test_navigation_intro_and_ad(parsed):
    lines, _, noise, p = parsed
    drops = p.drops + noise
    reasons = {(d.start, d.reason) for d in drops}
    assert (1, "chrome") in reasons  # 导读 intro
    assert any(d.reason == "navigation" and lines[d.start - 1].text == "目录" for d in drops)
    assert any(d.reason == "navigation" and lines[d.start - 1].text == "答案" for d in drops)
    assert any(d.reason == "navigation" and lines[d.start - 1].text.startswith("前部分传送门") for d in drops)
    wiki = [d for d in drops if d.detail == "wiki-link TOC"]
    assert len(wiki) == 2 and all(d.reason == "navigation" for d in wiki)
    ad = [d for d in drops if d.reason == "ad"]
    assert len(ad) == 1
    assert lines[ad[0].start - 1].text == "大模型&AI产品经理如何学习" and ad[0].end >= len(lines) - 1
    assert not any("点赞和收藏" in i.answer for i in p.items)


def L(*texts: str) -> list[Line]:
    return [Line(n, t) for n, t in enumerate(texts, start=1)]


def test_synthetic_edge_cases():
    lines = L(
        "导读",                                   # 1
        "一段简短的介绍。",                         # 2
        "目录",                                   # 3
        "-",                                      # 4
        "[x] 基础面",                              # 5
        "-",                                      # 6
        "[x] 1. 什么是 X?",                        # 7
        "-",                                      # 8
        "[ ] 2. X 的缺点",                          # 9
        "答案",                                   # 10
        "X 篇",                                   # 11
        "-",                                      # 12
        "什么是 X?",                               # 13
        "💡",                                     # 14
        "X 是一种方法,步骤如下:",                   # 15
        "-",                                      # 16
        "第一步:准备。",                            # 17
        "-",                                      # 18
        "第二步:运行?",                             # 19  list item ending in "?" stays in the answer
        "-",                                      # 20
        "[[#X 篇#什么是 X?|什么是 X?]]",            # 21
        "-",                                      # 22
        "[[#Y 篇|Y 篇]]",                          # 23
        "Y 概览",                                  # 24  bare heading before a question
        "Y 和 X 的区别是什么?",                     # 25
        "Y 与 X 有什么区别?",                       # 26  restatement -> alias
        "代码如下:",                               # 27
        "x = 1",                                  # 28
        "print(x)",                               # 29
        "结束。",                                   # 30
    )
    p = PARSER.parse(lines)
    assert uncovered_lines(lines, p) == []
    qs = [(i.question, i.line, i.end_line) for i in p.items]
    assert qs == [("1. 什么是 X?", 7, 8), ("2. X 的缺点", 9, 9), ("什么是 X?", 13, 20),
                  ("Y 和 X 的区别是什么?", 25, 30), ("Y 与 X 有什么区别?", 26, 26)]
    what = p.items[2]
    assert what.answer == "X 是一种方法,步骤如下:\n\n- 第一步:准备。\n- 第二步:运行?"
    assert what.section == "X 篇"
    assert p.items[1].section == "基础面" and p.items[1].answer == ""
    assert p.items[0].section == "X 篇"  # answered in the body: the body's section wins
    diff = p.items[3]
    assert diff.section == "Y 概览"
    assert diff.answer == "代码如下:\n\n```python\nx = 1\nprint(x)\n```\n\n结束。"
    assert p.items[4].answer == ""
    drops = {(d.start, d.end, d.reason) for d in p.drops}
    assert {(1, 2, "chrome"), (3, 4, "navigation"), (5, 6, "navigation"), (10, 10, "navigation"),
            (11, 12, "heading"), (21, 23, "navigation"), (24, 24, "heading")} <= drops
    assert p.prose == []


def test_long_intro_becomes_prose_and_no_questions_is_an_error():
    intro = "这是一段很长的导读," * 50
    p = PARSER.parse(L("导读", intro, "目录", "-", "[x] 什么是 Z?"))
    assert len(p.prose) == 1 and p.prose[0].line == 1 and p.prose[0].end_line == 2
    assert [i.question for i in p.items] == ["什么是 Z?"]
    with pytest.raises(ParseError):
        PARSER.parse(L("只是一段文字。", "还有一段。"))


def test_render_answer_dash_handling():
    assert render_answer(L("-", "-", "项", "段落")) == "- 项\n\n段落"
    assert render_answer(L("段落", "-")) == "段落"
