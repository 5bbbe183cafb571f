"""wechat_ocr parser on the real s000 article (OCR'd WeChat repost), plus synthetic edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.ingest.base import claim_counts, Line, ParseError, uncovered_lines
from kb.ingest.registry import get_parser

from .real_sources import parse_real

SOURCE = Path(__file__).parents[2] / "sources" / "000_2050d7a661afd9d4.txt"


@pytest.fixture(scope="module")
def parsed():
    return parse_real("000_2050d7a661afd9d4.txt", "wechat_ocr")


def _item(article, fragment):
    matches = [item for item in article.items if fragment in item.question]
    assert len(matches) == 1, f"expected exactly one item with {fragment!r}, got {len(matches)}"
    return matches[0]




def test_registered():
    parser = get_parser("wechat_ocr")
    assert parser.name == "wechat_ocr" and parser.description


def test_every_line_claimed_once(parsed):
    lines, kept, noise, article = parsed
    assert uncovered_lines(kept, article) == []
    claimed = claim_counts(article)
    kept_nonblank = [line.no for line in kept if line.text.strip()]
    assert [no for no in kept_nonblank if claimed[no] > 1] == []  # no glued questions in this extraction
    for drop in noise:
        claimed.update(range(drop.start, drop.end + 1))
    assert [line.no for line in lines if line.text.strip() and not claimed[line.no]] == []


def test_counts(parsed):
    *_, article = parsed
    assert len(article.items) == 54
    assert sum(1 for item in article.items if item.answer) == 44
    assert len(article.prose) == 3


def test_lettered_transformer_questions(parsed):
    *_, article = parsed
    group = [item for item in article.items if item.section == "transformer 八股文"]
    assert len(group) == 27  # a. … z. and z+.
    assert group[0].question == "Self-Attention的表达式"
    assert "Softmax" in group[0].answer
    assert group[-1].question.startswith("Albert是通过什么方法压缩网络参数的")
    # OCR wrote "l." as "I."; it is still the question after k.
    cls = _item(article, "开头加个[CLS]")
    assert cls.answer.startswith("sliderSun")


def test_known_answers(parsed):
    *_, article = parsed
    bn = _item(article, "为什么不用BN")
    assert bn.answer.startswith("可以参考这个回答")
    assert "LN相当于要做3次normalization" in bn.answer  # a caption that carries a fact stays
    assert "举例来说, RGB三个通道之间互相比较意义不大" in bn.answer
    assert bn.line == 75 and bn.end_line == 100
    embed = _item(article, "三个embedding可以相加")
    assert embed.answer.startswith("**【深度玄学】为何Bert三个Embedding可以相加**")  # sub-heading kept bold
    norm = _item(article, "各种norm方式的优缺点")
    assert "**具体来说:**" in norm.answer and "**Group Normalization (Group Norm):**" in norm.answer
    assert "图源" not in norm.answer  # figure credit dropped by the noise rules
    bloom = _item(article, "bloom, llama, glm等开源模型的数据来源")
    assert "Figure 1: Overview of ROOTS" in bloom.answer  # the ROOTS caption carries data facts
    assert bloom.section == "数据"
    multi = _item(article, "多轮对话数据如何组织")
    assert multi.answer == "大模型微调样本构造的trick"


def test_unanswered(parsed):
    *_, article = parsed
    for fragment in ("请解释P-tuning", "介绍一下Prefix-tuning", "cot以及ic能力是如何涌现的",
                     "如何增加context length", "RLHF完整训练过程是什么", "Megatron以及deepspeed实现原理",
                     "llama, glm, bloom等现有大模型的数据处理"):
        assert _item(article, fragment).answer == "", fragment
    # The line after 4.zeroshot… is "数据 把数据放在最后,…": the title of the 数据 section glued to its
    # intro, not an answer about zero-/few-shot, so the question has no answer in this article.
    zeroshot = _item(article, "zeroshot和Fewshot具体做法的区别")
    assert zeroshot.answer == "" and zeroshot.section == "评测"


def test_evaluation_answer_keeps_table_and_subparts(parsed):
    *_, article = parsed
    ev = _item(article, "如果想全面的评测模型能力")
    assert "| Benchmark | Focus | Domain |" in ev.answer and "| --- |" in ev.answer
    assert "**a.对于base model的评测如下**" in ev.answer
    assert "b.对于sft后的chat model评测如下" in ev.answer
    assert not any(item.question.startswith(("对于base model", "对于sft")) for item in article.items)


def test_sections(parsed):
    *_, article = parsed
    sections = {item.question: item.section for item in article.items}
    assert sections["attention计算方式以及参数量, attention layer手写, 必考。"] == "基础知识"
    assert sections["Lora的原理和存在的问题讲一下?"] == "大模型算法"
    assert sections["deepspeed的特点是什么? 各个zero stage都有什么用?"] == "训练框架"
    assert sections["如何评测生成,改写等开放性任务?"] == "评测"
    assert [item.question for item in article.items if item.section == "数据"][-3:] == [
        "cot以及ic能力是如何涌现的?与预训练数据有何关系?",
        ("数据处理的重要步骤,如何保证预训练以及sft时候的数据多样性,数据质量,数据数量等,包 括但不限于去重,"
         "质量筛选,敏感及有害信息过滤,各种来源数据配比对于模型能力的影响。"),
        "多轮对话数据如何组织?",
    ]


def test_prose_and_drops(parsed):
    _, _, noise, article = parsed
    overview = next(p for p in article.prose if p.title == "LLM 预训练数据处理概述")
    for part in ("**处理无效数据**", "**去重**", "**清洗污染数据**", "**毒性和偏见控制**", "**个人身份信息控制**"):
        assert part in overview.text
    assert overview.section == "数据" and overview.line == 455 and overview.end_line == 488
    assert {p.title for p in article.prose} == {"LLM 预训练数据处理概述", "数据在大模型训练中的重要性",
                                                "大模型算法入门阅读推荐"}
    navigation = {d.start for d in article.drops if d.reason == "navigation"}
    assert navigation == {49, 51, 250, 396, 404}
    reasons = {(d.start, d.reason) for d in noise}
    assert (47, "attribution") in reasons  # repost note with the Zhihu URL
    assert (532, "ad") in reasons  # footer from 公众号后台回复 on
    footer = next(d for d in noise if d.start == 532)
    assert footer.end >= 571
    assert (384, "image") in reasons  # "具体可以参考图": the figure is lost
    assert not any("八股文" in item.question or item.question in ("基础知识", "大模型算法")
                   for item in article.items)


# -- synthetic edge cases ---------------------------------------------------------------------------

def _parse(texts: list[str], parser: str = "wechat_ocr"):
    return get_parser(parser).parse([Line(no, text) for no, text in enumerate(texts, 1)])


def test_outline_rules():
    article = _parse([
        "## 基础知识",                      # 1 navigation
        "## 1.transformer 八股文",          # 2 group title
        "### a.第一个问题是什么?",           # 3
        "答案一。",
        "#### 具体来说:",                   # 5 sub-heading, bold in the answer
        "- 1. 列表项不是问题",               # 6
        "#### I.OCR把l读成了I?",            # 7 not expected (b.) → answer text
        "## b.第二个问题? 有什么用?",        # 8 heading: never split on "? "
        "### 2.为什么编号问题结束字母组?",    # 9
        "#### a.对于某某的说明如下",          # 10 lettered outside a group → sub-heading
        "- 3.如何在项目符号里提问?",          # 11
        "4.没有答案的问题是什么?",            # 12
        "训练框架",                          # 13 navigation
        "1.训练框架的问题是什么? 这是写在同一行上的一个比较长的答案，用来测试拆分是否正确。",  # 14
    ])
    questions = [(i.question, i.line, i.end_line, i.section) for i in article.items]
    assert questions == [
        ("第一个问题是什么?", 3, 7, "transformer 八股文"),
        ("第二个问题? 有什么用?", 8, 8, "transformer 八股文"),
        ("为什么编号问题结束字母组?", 9, 10, "基础知识"),
        ("如何在项目符号里提问?", 11, 11, "基础知识"),
        ("没有答案的问题是什么?", 12, 12, "基础知识"),
        ("训练框架的问题是什么?", 14, 14, "训练框架"),
    ]
    first = article.items[0]
    assert "**具体来说:**" in first.answer and "- 1. 列表项不是问题" in first.answer
    assert article.items[2].answer == "**a.对于某某的说明如下**"
    assert article.items[-1].answer.startswith("这是写在同一行上")
    assert [(d.start, d.reason) for d in article.drops] == [(1, "navigation"), (2, "navigation"),
                                                           (13, "navigation")]


def test_glued_question_and_short_follow_up():
    article = _parse([
        "1.分组",
        "a.问题一是什么?",
        "答案一的内容。b.问题二为什么会被粘在上一行?",
        "c.问题三有什么用? 各个部分都有什么用?",   # short follow-up question: not an answer
        "",
        "d.问题四是什么? 这是问题四的答案，足够长所以会被拆成答案部分而不是问题的一部分。",
    ], "plain_extract")
    items = [(i.question, i.answer, i.line, i.end_line) for i in article.items]
    assert items == [
        ("问题一是什么?", "答案一的内容。", 2, 3),
        ("问题二为什么会被粘在上一行?", "", 3, 3),
        ("问题三有什么用? 各个部分都有什么用?", "", 4, 4),
        ("问题四是什么?", "这是问题四的答案，足够长所以会被拆成答案部分而不是问题的一部分。", 6, 6),
    ]


def test_intro_prose_and_numbers_in_text():
    article = _parse([
        "大模型算法",
        "适合入门的综述文章推荐。",
        "1.第一个问题如何回答?",
        "其中分别有2.1%与4.3%的数据, 以及 3.这不是问题而是文本。",
        "数据 把数据放在最后,数据的重要性实际上远超前面的所有内容,这是一个导言段落。",
    ])
    assert [i.question for i in article.items] == ["第一个问题如何回答?"]
    assert "2.1%" in article.items[0].answer and "3.这不是问题" in article.items[0].answer
    assert [(p.title, p.section, p.line) for p in article.prose] == [
        ("大模型算法入门阅读推荐", "大模型算法", 2), ("数据在大模型训练中的重要性", "数据", 5)]
    assert article.prose[1].text.startswith("把数据放在最后")


def test_no_questions_is_an_error():
    with pytest.raises(ParseError):
        get_parser("wechat_ocr").parse([Line(1, "只有一段普通的文字。"), Line(2, "")])


def test_question_text_has_no_markup(parsed):
    *_, article = parsed
    for item in article.items:
        assert not re.match(r"^(#|[-*•·]\s|[a-zA-Z]\+?\.|\d+\.)", item.question), item.question
