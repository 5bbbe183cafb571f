"""plain_extract parser on the real s003 article (heading-less extraction of the s000 article)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kb.clean.noise import filter_lines
from kb.ingest.base import claim_counts, read_lines, uncovered_lines
from kb.ingest.registry import get_parser

SOURCES = Path(__file__).parents[2] / "sources"
SOURCE = SOURCES / "003_dc79f5466f0126d4.txt"
SAME_ARTICLE = SOURCES / "000_2050d7a661afd9d4.txt"


def _run(path: Path, parser: str):
    lines = read_lines(path.read_text(encoding="utf-8"))
    kept, noise = filter_lines(lines, parser)
    return lines, kept, noise, get_parser(parser).parse(kept)


@pytest.fixture(scope="module")
def parsed():
    return _run(SOURCE, "plain_extract")


def _item(article, fragment):
    matches = [item for item in article.items if fragment in item.question]
    assert len(matches) == 1, f"expected exactly one item with {fragment!r}, got {len(matches)}"
    return matches[0]


def test_registered():
    parser = get_parser("plain_extract")
    assert parser.name == "plain_extract" and parser.description


def test_every_line_claimed(parsed):
    lines, kept, noise, article = parsed
    assert uncovered_lines(kept, article) == []
    claimed = claim_counts(article)
    # only lines holding a glued question are shared (the previous item ends where the next starts)
    shared = {no for no, n in claimed.items() if n > 1 and any(l.no == no and l.text.strip() for l in kept)}
    assert shared == {64, 156, 218, 302}
    for drop in noise:
        claimed.update(range(drop.start, drop.end + 1))
    assert [line.no for line in lines if line.text.strip() and not claimed[line.no]] == []


def test_counts(parsed):
    *_, article = parsed
    assert len(article.items) == 54
    assert sum(1 for item in article.items if item.answer) == 43
    assert len(article.prose) == 3


def test_glued_questions_are_split(parsed):
    *_, article = parsed
    g = _item(article, "Bert为什么要搞一个position embedding")
    h = _item(article, "Bert为什么三个embedding可以相加")
    assert g.answer.endswith("因此需要增强模型针对位置的表达能力。") and "h." not in g.answer
    assert g.end_line == h.line == 64
    assert h.answer.startswith("【深度玄学】为何Bert三个Embedding可以相加")
    # 4. (with its answer) and 5. (with its answer) share one line
    tok = _item(article, "tokenizer的细节")
    norm = _item(article, "各种norm方式的优缺点")
    assert tok.line == tok.end_line == norm.line == 156
    assert tok.answer == "tokenizer真又是一大块工作,而且也很值得优化,因为相当于模型的眼睛,它怎么去看待文字。【这两天更下这里】"
    assert norm.question == "各种norm方式的优缺点。" and norm.answer.startswith("我们常说的norm有以下四种")
    # the end of 2.'s answer, then 3. (no answer) and 4. on line 218
    strategy = _item(article, "如何选择最佳的指令策略")
    q3 = _item(article, "llama, glm,bloom等现有大模型的数据处理")
    memory = _item(article, "解决显存不够的方法有哪些")
    assert strategy.answer.endswith("因为你要知道题目中所谓的最佳一定是")
    assert strategy.end_line == q3.line == q3.end_line == memory.line == 218
    assert q3.answer == "" and memory.answer.startswith("这真是一个很广泛的问题")
    p_tuning, prefix = _item(article, "请解释P-tuning"), _item(article, "介绍一下Prefix-tuning")
    assert p_tuning.line == prefix.line == 302 and p_tuning.answer == prefix.answer == ""


def test_question_with_answer_on_same_line(parsed):
    *_, article = parsed
    mask = _item(article, "预训练阶段的mask有什么用")
    assert mask.question == "预训练阶段的mask有什么用?" and mask.answer.startswith("虽然MLM现在被主流LLM抛弃了")
    albert = _item(article, "Albert是通过什么方法压缩网络参数的")
    assert albert.question == "Albert是通过什么方法压缩网络参数的?有什么问题?"
    assert albert.answer.startswith("两个技巧")
    attention = _item(article, "attention计算方式以及参数量")
    assert attention.question == "attention计算方式以及参数量,attention layer手写,必考。"
    assert attention.section == "基础知识"


def test_known_answers_and_unanswered(parsed):
    *_, article = parsed
    # the formula of a. was an image in this extraction, so the question has no answer here
    assert _item(article, "Self-Attention的表达式").answer == ""
    bn = _item(article, "为什么不用BN")
    assert bn.answer.startswith("可以参考这个回答") and ".jpeg" not in bn.answer
    assert "LN相当于要做3次normalization" in bn.answer
    assert _item(article, "zeroshot和Fewshot具体做法的区别").answer == ""  # see test_parser_wechat_ocr
    assert _item(article, "cot以及ic能力是如何涌现的").answer == ""
    assert _item(article, "RLHF完整训练过程是什么").answer == ""  # "具体可以参考图" points at a lost figure
    rm = _item(article, "RLHF过程中RM随着训练过程得分越来越高")
    assert rm.answer == "参考大模型开源社区的原子弹Llama2提到的的reward hacking\n\n以及大模型RLHF的trick"
    ev = _item(article, "如果想全面的评测模型能力")
    assert "a.对于base model的评测如下" in ev.answer and ev.answer.endswith("b.对于sft后的chat model评测如下")


def test_prose_and_drops(parsed):
    _, _, noise, article = parsed
    overview = next(p for p in article.prose if p.title == "LLM 预训练数据处理概述")
    for part in ("处理无效数据", "去重", "清洗污染数据", "毒性和偏见控制", "个人身份信息控制", "1. 输入与输出污染"):
        assert part in overview.text
    assert overview.section == "数据" and (overview.line, overview.end_line) == (384, 418)
    assert {d.start for d in article.drops if d.reason == "navigation"} == {8, 10, 174, 334, 344}
    reasons = {(d.start, d.reason) for d in noise}
    assert {(1, "attribution"), (3, "attribution"), (5, "attribution")} <= reasons
    assert (496, "ad") in reasons  # Logo … 更多推荐
    assert (494, "chrome") in reasons  # 往期精彩回顾
    assert (104, "image") in reasons and (160, "image") in reasons  # 转自/图源 credits of lost figures


def _normalized(question: str) -> str:
    question = re.sub(r"\$[^$]*\$", "", question)  # a formula only one extraction kept
    return re.sub(r"[\W_]+", "", question).lower()


def test_same_questions_as_the_other_extraction(parsed):
    *_, article = parsed
    *_, other = _run(SAME_ARTICLE, "wechat_ocr")
    mine = [(_normalized(i.question), i.section) for i in article.items]
    theirs = [(_normalized(i.question), i.section) for i in other.items]
    assert mine == theirs
    assert [p.title for p in article.prose] == [p.title for p in other.prose]
    # answered in both, except a. whose formula survived only in the OCR version
    answered = {_normalized(i.question) for i in article.items if i.answer}
    answered_other = {_normalized(i.question) for i in other.items if i.answer}
    assert answered_other - answered == {_normalized("Self-Attention的表达式")}
    assert answered <= answered_other
