"""zhihu_qa parser: the real s002 article (Zhihu question lists + pasted answers) and small edge cases."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kb.clean.noise import filter_lines
from kb.ingest.base import claim_counts, Line, ParseError, read_lines, uncovered_lines
from kb.ingest.parsers.zhihu_qa import similarity
from kb.ingest.registry import get_parser

SOURCE = Path(__file__).parents[2] / "sources" / "002_b40dcd9d1e26910b.txt"
PARSER = get_parser("zhihu_qa")


@pytest.fixture(scope="module")
def parsed():
    lines = read_lines(SOURCE.read_text(encoding="utf-8"))
    kept, noise = filter_lines(lines, "zhihu_qa")
    return lines, kept, noise, PARSER.parse(kept)


def _items(article, needle):
    return [item for item in article.items if needle in item.question]


def _answered(article, needle):
    found = [item for item in _items(article, needle) if item.answer]
    assert len(found) == 1, f"expected one answered item for {needle!r}, got {len(found)}"
    return found[0]




def _lines(text: str) -> list[Line]:
    return read_lines(text.strip("\n"))


# --- the real article ---------------------------------------------------------------------------


def test_registered():
    assert PARSER.name == "zhihu_qa" and PARSER.description


def test_every_line_claimed_exactly_once(parsed):
    lines, kept, noise, article = parsed
    assert uncovered_lines(kept, article) == []
    claimed = claim_counts(article)
    for drop in noise:
        claimed.update(range(drop.start, drop.end + 1))
    nonblank = [line.no for line in lines if line.text.strip()]
    assert all(claimed[no] == 1 for no in nonblank), [no for no in nonblank if claimed[no] != 1]


def test_counts(parsed):
    article = parsed[3]
    answered = [item for item in article.items if item.answer.strip()]
    # ~460 listed questions and ~180 answer blocks (each answer block restates its question)
    assert 550 <= len(article.items) <= 700
    assert 160 <= len(answered) <= 200
    assert not article.prose


def test_bold_bullet_answers(parsed):
    article = parsed[3]
    listed = [i for i in _items(article, "主流的开源模型体系") if not i.answer]
    assert len(listed) == 1 and listed[0].line == listed[0].end_line == 6
    item = _answered(article, "目前主流的开源模型体系有哪些")
    assert item.question == "**目前主流的开源模型体系有哪些？**"
    assert (item.line, item.end_line) == (18, 26)
    # nested bullets are dedented out of the question's list item, not turned into a code block
    assert item.answer.startswith("- **Transformers**")
    assert "- **OpenLLaMA**" in item.answer
    assert item.section == "LLM基础面"
    shortcomings = _answered(article, "具有什么缺点")
    assert "难以调优" in shortcomings.answer and "开源模型体系" not in shortcomings.answer


def test_italic_numbered_answers_repeater(parsed):
    article = parsed[3]
    item = _answered(article, "为什么会出现 LLMs 复读机问题")
    assert item.question == "*为什么会出现 LLMs 复读机问题？*"
    assert item.answer.startswith("复读机问题的出现有几个原因")
    # numbered bold sub-points belong to the answer, they are not questions 1-4
    assert "3. **缺乏上下文理解**" in item.answer
    assert not _items(article, "缺乏上下文理解")
    # the group title "1. LLMs 复读机问题" is navigation and gives context to its children
    assert item.section == "LLM进阶面 / LLMs 复读机问题"
    listed = [i for i in _items(article, "为什么会出现 LLMs 复读机问题") if not i.answer]
    assert len(listed) == 1 and listed[0].section == "LLM进阶面 / LLMs 复读机问题"
    assert any(d.start == 64 and d.reason == "navigation" for d in article.drops)
    mitigate = _answered(article, "如何缓解 LLMs 复读机问题")
    assert "    - **增加温度**" in mitigate.answer and mitigate.answer.rstrip().endswith("有趣和多样化。")
    llama = _answered(article, "llama 输入句子长度")
    assert llama.section == "LLM进阶面 / llama 系列问题"


def test_numbered_range_sections(parsed):
    article = parsed[3]
    first = next(i for i in article.items if i.line == 179)
    assert first.question.startswith("如果想要在某个模型基础上做")  # the listed question, not the label
    assert first.answer.startswith("全参数微调的显存需求通常与模型的大小")
    assert first.section == "LLM微调面"
    second = _answered(article, "为什么SFT之后感觉LLM傻了")
    assert second.answer.splitlines()[1].startswith("- **任务特定化**")
    last = _answered(article, "微调大模型的一些建议")
    assert "1. **选择合适的预训练模型**" in last.answer
    chrome = ("以下是对你的问题的回答", "以下是逐一回答", "随时告诉我", "希望这些建议对你有所帮助")
    assert not any(c in item.answer for item in article.items for c in chrome)  # chat chrome removed


def test_numbered_bold_inline_answers(parsed):
    article = parsed[3]
    item = _answered(article, "微调后的模型出现能力劣化")
    assert item.question == "**微调后的模型出现能力劣化，灾难性遗忘是怎么回事？**"
    assert item.line == item.end_line == 242
    assert item.answer.startswith("灾难性遗忘（Catastrophic Forgetting）")
    flops = _answered(article, "如何查看训练时的flops")
    assert "```text" in flops.answer and flops.answer.rstrip().endswith("这将启用flops分析器并输出相关数据。")


def test_label_prefixed_and_dotted_answers(parsed):
    article = parsed[3]
    adapter = _answered(article, "为什么需要适配器微调")
    assert adapter.question == "一、*为什么需要适配器微调（Adapter-tuning）？*"
    assert adapter.answer.startswith("适配器微调（Adapter-tuning）是一种")
    prefix = _answered(article, "4.1.4 前缀微调")
    assert prefix.section == "提示学习（Prompting） / 前缀微调（Prefix-tining）篇"
    chains = _answered(article, "2.1 **Components and Chains**")
    assert chains.answer.startswith("- **Components**")
    # "4. 旋转位置编码 RoPE篇" restates a group title: navigation, not a question
    assert not [i for i in _items(article, "旋转位置编码 RoPE篇")]


def test_interview_reports(parsed):
    article = parsed[3]
    rope = _answered(article, "介绍rope和位置外推")
    assert rope.tags == ["面经", "公司-豆包"]
    assert rope.answer.startswith("RoPE（Rotary Position Embedding）简介")
    ppo = _answered(article, "PPO和DPO区别")
    assert "**优化方式：**" in ppo.answer and ppo.tags == ["面经", "公司-豆包"]
    sft = _answered(article, "sft阶段有什么重要的技术")
    assert "6. **多阶段指令数据微调**" in sft.answer
    table = _answered(article, "LLaMA和ChatGLM的区别")
    assert table.tags == ["面经", "公司-理想"]
    assert table.answer.startswith("| 模型") and "| LayerNorm | Pre RMS Norm" in table.answer
    forgetting = _answered(article, "大模型微调过程中如何避免灾难性遗忘")
    assert forgetting.answer.rstrip().endswith("更容易与先前学到的知识建立联系。")


def test_placeholder_answers_are_empty(parsed):
    article = parsed[3]
    for needle in ("介绍一下对你做的大模型领域的看法", "介绍你的研究领域的评估方法", "说几个你最近觉得有意思的论文",
                   "介绍和大模型相关项目"):
        (item,) = _items(article, needle)
        assert item.answer == "" and item.tags[0] == "面经"
    placeholders = {d.start for d in article.drops if d.reason == "placeholder"}
    assert {1607, 1609, 1686, 1690, 1694, 1172, 436, 912} <= placeholders
    # "2. ？？" answers nothing; "1. 影响，…" answers listed question 1 by number only
    (token_q2,) = _items(article, "SFT需要训练Token数")
    assert token_q2.answer == ""
    token_q1 = _answered(article, "预训练数据 Token 重复 是否影响 模型性能")
    assert token_q1.line == 1171 and token_q1.answer.startswith("影响，会导致性能下降")


def test_paywalled_questions_have_no_answer(parsed):
    noise, article = parsed[2], parsed[3]
    for needle in ("什么是 LoRA？", "LLMs 训练数据 和 数据量 对比如何", "为什么需要流水线并行", "什么是 PagedAttention",
                   "各LLMs 都使用哪种激活函数"):
        found = _items(article, needle)
        assert found and all(item.answer == "" for item in found), needle
    assert sum(d.reason == "paywall" for d in noise) >= 30


def test_duplicate_blocks_dropped(parsed):
    article = parsed[3]
    dups = [d for d in article.drops if d.reason == "duplicate-block"]
    assert [(d.start, d.end) for d in dups] == [(463, 473), (1349, 1357)]
    assert len(_items(article, "介绍一下 GeLU 计算公式")) == 1
    assert len(_items(article, "为什么 大模型 需要 外挂(向量)知识库")) == 1


def test_chrome_attribution_and_markers(parsed):
    noise, article = parsed[2], parsed[3]
    by_line = {d.start: d.reason for d in noise}
    assert by_line[2] == by_line[1603] == by_line[1698] == "attribution"
    assert by_line[208] == by_line[236] == by_line[240] == by_line[177] == "chrome"
    markers = {d.start for d in article.drops if d.detail == "answer marker"}
    assert {16, 76, 366, 492, 553, 631, 798, 1198} <= markers


def test_questions_without_question_mark_are_items(parsed):
    article = parsed[3]
    assert next(i.answer for i in _items(article, "模型参数迭代实验")) == ""
    assert _answered(article, "模型参数迭代实验").answer.startswith("模型参数迭代实验是指")
    assert _items(article, "[分布式训练框架](")
    assert _items(article, "3.5 多节点多卡")


# --- synthetic edge cases -----------------------------------------------------------------------


def test_reversed_answers_match_by_text():
    lines = _lines("""
## 测试面

1. 复读机问题
\t1. 什么是复读机问题？
\t2. 如何缓解复读机问题？
2. 为什么需要位置编码？

A:

1. *为什么需要位置编码？*

因为注意力本身不区分顺序。

2. *如何缓解复读机问题？*

调高温度。
1. **采样**：使用 top-p。
2. **惩罚**：重复惩罚。

3. *什么是复读机问题？*

模型反复输出相同内容。
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    answered = {i.question: i for i in article.items if i.answer}
    assert set(answered) == {"*为什么需要位置编码？*", "*如何缓解复读机问题？*", "*什么是复读机问题？*"}
    assert answered["*为什么需要位置编码？*"].answer == "因为注意力本身不区分顺序。"
    assert answered["*为什么需要位置编码？*"].section == "测试面"
    mitigate = answered["*如何缓解复读机问题？*"]
    assert mitigate.answer == "调高温度。\n1. **采样**：使用 top-p。\n2. **惩罚**：重复惩罚。"
    assert mitigate.section == "测试面 / 复读机问题"  # matched to the listed child, not by position
    assert answered["*什么是复读机问题？*"].section == "测试面 / 复读机问题"
    assert [i.question for i in article.items if not i.answer] == [
        "什么是复读机问题？", "如何缓解复读机问题？", "为什么需要位置编码？"]


def test_range_heading_matches_by_number():
    lines = _lines("""
## 微调面

1. 如果想要做全参数微调，究竟需要多少显存？
2. 指令微调的好处？
3. 模型参数迭代实验

### 1-3

1. **显存：** 与参数量成正比。
2. **好处：** 更听话。
    - 泛化更好
3. **迭代实验：** 调超参。
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    answered = [i for i in article.items if i.answer]
    assert [(i.question, i.line, i.end_line) for i in answered] == [
        # a short label restating a listed question takes the listed question's words
        ("如果想要做全参数微调，究竟需要多少显存？", 9, 9), ("指令微调的好处？", 10, 11), ("模型参数迭代实验", 12, 12)]
    assert answered[1].answer == "更听话。\n- 泛化更好"
    assert all(i.section == "微调面" for i in article.items)
    assert any(d.start == 7 and d.reason == "navigation" for d in article.drops)  # "### 1-3"


def test_interview_section_numbering_and_placeholders():
    lines = _lines("""
## 某厂面经-1

1. *介绍项目*

~~不说~~

2. 讲讲 RLHF

RLHF 用人类反馈训练奖励模型。
1. **收集偏好**：人工排序。
2. **训练奖励模型**：打分。

3. 论文

??
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    items = {i.question: i for i in article.items}
    assert list(items) == ["*介绍项目*", "讲讲 RLHF", "论文"]
    assert items["*介绍项目*"].answer == "" and items["论文"].answer == ""
    assert "2. **训练奖励模型**：打分。" in items["讲讲 RLHF"].answer
    assert all(i.tags == ["面经", "公司-某厂"] for i in article.items)
    assert sorted(d.start for d in article.drops if d.reason == "placeholder") == [5, 15]


def test_unmatched_restatement_is_its_own_item_and_subpoints_stay():
    lines = _lines("""
## 训练面

- 模型大小如何选择？
- 加速卡如何选择？

A:

- **加速卡如何选择？**
    - A100
- **数据集去哪里找？**
    - HuggingFace
- **Horovod**：一个框架。
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    answered = {i.question: i.answer for i in article.items if i.answer}
    assert answered == {"**加速卡如何选择？**": "- A100",
                        "**数据集去哪里找？**": "- HuggingFace\n- **Horovod**：一个框架。"}


def test_bare_numbered_answers():
    lines = _lines("""
## 参数篇

1. 预训练数据 Token 重复 是否影响 模型性能？
2. SFT需要训练Token数？

A:

1. 影响，会过拟合。
2. ？？
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    answered = [i for i in article.items if i.answer]
    assert [(i.question, i.answer, i.line) for i in answered] == [
        ("预训练数据 Token 重复 是否影响 模型性能？", "影响，会过拟合。", 8)]
    assert [d.start for d in article.drops if d.reason == "placeholder"] == [9]


def test_group_titles_and_duplicates():
    lines = _lines("""
## [Norm 篇](https://link.zhihu.com/?target=x)

- Layer Norm 篇

- Layer Norm 的计算公式写一下？

- 4 RoPE篇

- 4.1 RoPE 思路是什么？
- 5 FlashAttention 介绍一下

## [Norm 篇](https://link.zhihu.com/?target=x)

- Layer Norm 篇

- Layer Norm 的计算公式写一下？

- 4 RoPE篇

- 4.1 RoPE 思路是什么？
- 5 FlashAttention 介绍一下
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    assert [(i.question, i.section) for i in article.items] == [
        ("Layer Norm 的计算公式写一下？", "Norm 篇 / Layer Norm 篇"),
        ("4.1 RoPE 思路是什么？", "Norm 篇 / RoPE篇"),
        ("5 FlashAttention 介绍一下", "Norm 篇"),
    ]
    reasons = Counter(d.reason for d in article.drops)
    assert reasons["duplicate-block"] == 1 and reasons["navigation"] == 3  # heading + 2 group titles
    (dup,) = [d for d in article.drops if d.reason == "duplicate-block"]
    assert (dup.start, dup.end) == (12, 21)


def test_no_question_list_is_an_error():
    with pytest.raises(ParseError):
        PARSER.parse(_lines("## 标题\n\n只有一段文字。"))


def test_similarity():
    assert similarity("什么是 LLMs 复读机问题？", "*什么是 LLMs 复读机问题？*") == 1.0
    assert similarity("[分布式训练框架](https://zhida.zhihu.com/x)", "分布式训练框架") == 1.0
    assert similarity("缺乏上下文理解", "如何缓解 LLMs 复读机问题？") < 0.1


def test_stray_text_before_first_answer_is_prose():
    lines = _lines("""
## 评测面

1. 大模型怎么评测？

A:

下面的回答来自整理。

1. **大模型怎么评测？** 自动基准测试与人工评判。
""")
    article = PARSER.parse(lines)
    assert uncovered_lines(lines, article) == []
    (prose,) = article.prose
    assert (prose.line, prose.text, prose.section) == (7, "下面的回答来自整理。", "评测面")
    (answered,) = [i for i in article.items if i.answer]
    assert answered.answer == "自动基准测试与人工评判。" and answered.line == answered.end_line == 9
