"""The structure-aware generic reader on small articles of each shape: what is a question, what is its answer."""

from __future__ import annotations

import pytest

from kb.clean.noise import filter_lines
from kb.ingest.base import ParseError, read_lines, uncovered_lines
from kb.ingest.reader import read


def parse(text: str):
    lines = read_lines(text)
    kept, noise = filter_lines(lines, "generic")
    article = read(kept)
    assert uncovered_lines(kept, article) == []
    return article, noise


def qa(article):
    return [(item.question, item.answer) for item in article.items]


def reasons(article):
    return {(d.start, d.reason) for d in article.drops}


def test_nested_question_is_its_own_question_never_its_parents_answer():
    article, _ = parse(
        "- Self-Attention 的时间复杂度是多少？\n"
        "  - 如何降低长序列下的计算量？\n"
        "  - 线性注意力的思路是什么？\n"
        "- 注意力\n"
        "  - 为什么要除以根号 d？\n"
        "    因为点积方差随维度增大。\n"
    )
    assert qa(article) == [("Self-Attention 的时间复杂度是多少？", ""), ("如何降低长序列下的计算量？", ""),
                           ("线性注意力的思路是什么？", ""), ("为什么要除以根号 d？", "因为点积方差随维度增大。")]
    assert (4, "navigation") in reasons(article)  # a topic label above questions is no question


def test_placeholders_paywall_links_and_link_lists_are_never_answers():
    article, noise = parse(
        "1. SFT 数据需要多少条？\n"
        "   - 待补充\n"
        "2. ALiBi 为什么能外推？ [点击查看答案](https://articles.zsxq.com/x.html)\n"
        "3. RoPE 的思想是什么？\n"
        "   - ...\n"
        "4. 什么是 DPO？\n"
        "   - [DPO 论文](https://arxiv.org/abs/2305.18290)\n"
    )
    assert qa(article) == [("SFT 数据需要多少条？", ""), ("ALiBi 为什么能外推？", ""), ("RoPE 的思想是什么？", ""),
                           ("什么是 DPO？", "")]
    assert {(2, "placeholder"), (5, "placeholder"), (7, "navigation")} <= reasons(article)


def test_titles_section_labels_and_paper_titles_are_not_questions():
    article, _ = parse(
        "# 大模型面试题总结\n\n"
        "## 1. 什么是 MoE？\n\nMoE 用多个专家替换 FFN，每个 token 只激活少数专家。\n\n"
        "### Switch Transformers: Scaling to Trillion Parameter Models with Simple and Efficient Sparsity\n\n"
        "把路由简化为 top-1。\n\n"
        "## 3.1 单机单卡场景\n\n单卡上一个 step 包括前向、反向和更新。\n\n"
        "## 7. 总结\n\n以上就是全部内容。\n"
    )
    assert [q for q, _ in qa(article)] == ["什么是 MoE？"]
    assert "Switch Transformers" in article.items[0].answer  # a sub-heading inside the answer is content
    assert (1, "chrome") in reasons(article)


def test_topic_headings_with_a_few_questions():
    article, _ = parse(
        "## 2. 核心结构\n\n### 2.1 门控网络\n\n门控网络是一个线性层加 softmax。\n\n"
        "### 2.2 为什么需要负载均衡损失？\n\n否则少数专家会拿走大部分 token。\n\n"
        "### 2.3 专家网络\n\n每个专家是一个 FFN。\n"
    )
    assert qa(article) == [("为什么需要负载均衡损失？", "否则少数专家会拿走大部分 token。")]


def test_numbered_heading_without_question_mark_in_a_run_of_questions():
    article, _ = parse(
        "### 1. 什么是 KV Cache？\n\n缓存 K 和 V。\n\n### 2. 投机解码的原理\n\n草稿模型先生成，大模型验证。\n\n"
        "### 3. PagedAttention 解决了什么问题？\n\n显存碎片。\n"
    )
    assert [q for q, _ in qa(article)] == ["什么是 KV Cache？", "投机解码的原理", "PagedAttention 解决了什么问题？"]


@pytest.mark.parametrize("question, answer", [
    ("**问：** 什么是指令微调？\n\n**答：** 用指令数据做有监督训练。", "用指令数据做有监督训练。"),
    ("**问**：什么是指令微调？\n\n**答**：用指令数据做有监督训练。", "用指令数据做有监督训练。"),
    ("**问：**什么是指令微调？\n\n**答：**用指令数据做有监督训练。", "用指令数据做有监督训练。"),
    ("问题：什么是指令微调？\n回答：用指令数据做有监督训练。", "用指令数据做有监督训练。"),
    ("**Q3. 什么是指令微调？**\n\n**A3.** 用指令数据做有监督训练。", "用指令数据做有监督训练。"),
    ("**3. 什么是指令微调？**\n\n用指令数据做有监督训练。", "用指令数据做有监督训练。"),
])
def test_labelled_and_bold_questions(question, answer):
    article, _ = parse(f"{question}\n")
    assert qa(article) == [("什么是指令微调？", answer)]


def test_bold_numbered_question_inside_a_heading_answer_starts_a_new_question_but_bold_labels_do_not():
    article, _ = parse(
        "### 1. 什么是 KV Cache？\n\n缓存前缀的 K、V。\n\n**优点：**\n\n省计算。\n\n"
        "**2. continuous batching 与 static batching 有什么区别？**\n\n逐步调度。\n"
    )
    assert [q for q, _ in qa(article)] == ["什么是 KV Cache？", "continuous batching 与 static batching 有什么区别？"]
    assert "**优点：**" in article.items[0].answer


def test_question_table_rows_link_to_their_answers():
    article, _ = parse(
        "| 序号 | 问题 | 答案 |\n|---|---|---|\n"
        "| 1 | 投机解码（Speculative Decoding）的原理是什么？ | [查看](#q1) |\n"
        "| 2 | 重排序模型的作用是什么？ | |\n\n"
        "## 详解\n\n<a id=\"q1\"></a>\n\n### 1. 投机解码的原理\n\n草稿模型生成，大模型并行验证。\n"
    )
    assert qa(article) == [("重排序模型的作用是什么？", ""), ("投机解码的原理", "草稿模型生成，大模型并行验证。")]
    assert article.items[1].aliases == ["投机解码（Speculative Decoding）的原理是什么？"]
    assert (3, "navigation") in reasons(article)


def test_raw_html_heading_and_anchors():
    article, _ = parse(
        "<h3 id=\"q6\">6. 如何估算 KV Cache 的显存？</h3>\n\n每个 token 每层存 K 和 V。\n\n[↑ 返回目录](#top)\n\n"
        "### 7. 什么是 GQA？ {#q7}\n\n分组共享 K、V。\n"
    )
    assert qa(article) == [("如何估算 KV Cache 的显存？", "每个 token 每层存 K 和 V。"), ("什么是 GQA？", "分组共享 K、V。")]


def test_interview_log_in_a_code_block_but_not_code():
    article, _ = parse(
        "## 字节 一面\n\n```\n1. 自我介绍\n2. 讲一下 LoRA 的原理\n3. 为什么用 RMSNorm？\n4. 反问\n```\n\n"
        "```python\n# 为什么这里要转置？\nx = q @ k.T\n```\n"
    )
    assert [(q, a) for q, a in qa(article)] == [("讲一下 LoRA 的原理", ""), ("为什么用 RMSNorm？", "")]
    assert all("面经" in item.tags for item in article.items)


def test_pdf_extract_numbered_lines_and_hard_wrapped_answers():
    article, noise = parse(
        "第一章 推理\n1 什么是 FlashAttention？\n分块计算注意力，\n避免写回显存。\n2 MQA 和 GQA 有什么区别\n"
        "GQA 是分组共享。\n3 大 batch 时如何权衡吞吐和延迟？\n第二章 微调\n4 什么是 LoRA？\n低秩增量。\n- 7 -\n"
    )
    assert qa(article) == [("什么是 FlashAttention？", "分块计算注意力，\n避免写回显存。"),
                           ("MQA 和 GQA 有什么区别", "GQA 是分组共享。"),
                           ("大 batch 时如何权衡吞吐和延迟？", ""), ("什么是 LoRA？", "低秩增量。")]
    assert (11, "chrome") in {(d.start, d.reason) for d in noise}  # page number


def test_rhetorical_questions_in_prose_are_not_questions():
    article, _ = parse(
        "## 1. 为什么需要分布式训练\n\n模型放不下怎么办？训练太慢怎么办？这就是分布式训练要解决的问题。\n\n"
        "## 2. DDP 的工作方式\n\n为什么 all-reduce 不是瓶颈？因为计算和通信重叠。\n"
    )
    assert [q for q, _ in qa(article)] == ["为什么需要分布式训练"]
    assert (7, "prose") in reasons(article) or (7, "chrome") in reasons(article)


def test_prose_outside_questions_is_ledgered_not_a_note():
    intro = "这篇文章整理了我在春招中遇到的大模型面试题，覆盖预训练、微调、推理与部署，每题给出了参考答案，" \
            "答案是结合论文和实践写的，如有错误欢迎指出，也欢迎补充新的题目和更好的回答。"
    article, _ = parse(f"{intro}\n\n## 什么是 SFT？\n\n有监督微调。\n")
    assert article.prose == [] and (1, "prose") in reasons(article)


def test_no_question_raises_with_help():
    with pytest.raises(ParseError) as err:
        read(read_lines("# 综述\n\n## 背景\n\n大模型发展很快。\n\n- 要点一\n- 要点二\n"))
    assert "no questions" in str(err.value) and "sources.yml" in str(err.value)


def test_label_sub_headings_of_an_answer_stay_in_it():
    article, _ = parse(
        "## 什么是 LoRA？\n\n### 1. 原理\n\n冻结原权重。\n\n### 2. 优缺点\n\n参数少。\n\n### 3. 代码实现\n\n"
        "```python\nh = W0 @ x + B @ (A @ x)\n```\n\n## LoRA 的秩怎么选？\n\n一般 8 到 64。\n"
    )
    assert [q for q, _ in qa(article)] == ["什么是 LoRA？", "LoRA 的秩怎么选？"]
    assert "### 2. 优缺点" in article.items[0].answer and article.items[0].answer.endswith("```")


def test_bold_rhetorical_question_inside_a_heading_answer_is_content():
    article, _ = parse("## 什么是 BN？\n\n批归一化。\n\n**那为什么 Transformer 不用 BN 呢？**\n\n因为序列长度不一。\n")
    assert len(article.items) == 1 and article.items[0].answer.endswith("因为序列长度不一。")


def test_details_summary_questions_and_nested_answer_label():
    article, _ = parse(
        "- 什么是灾难性遗忘？\n  - 答：微调后丢失通用能力。\n\n"
        "<details>\n<summary>PPO 的四个模型是什么？</summary>\n\n策略、参考、奖励、价值模型。\n\n</details>\n"
    )
    assert qa(article) == [("什么是灾难性遗忘？", "微调后丢失通用能力。"),
                           ("PPO 的四个模型是什么？", "策略、参考、奖励、价值模型。")]


def test_interview_log_as_chinese_numbered_lines_in_one_paragraph():
    article, _ = parse("## 一面\n1、自我介绍\n2、transformer 的结构讲一下\n3、BN 和 LN 的区别？\n4、手撕 softmax\n")
    assert [q for q, _ in qa(article)] == ["transformer 的结构讲一下", "BN 和 LN 的区别？", "手撕 softmax"]


def test_trailing_paragraph_after_a_question_list_is_not_an_answer():
    article, _ = parse("- 什么是 X？\n- 为什么 Z？\n\n以上题目的答案见星球。\n")
    assert qa(article) == [("什么是 X？", ""), ("为什么 Z？", "")]


def test_unindented_answer_after_a_one_item_list_question():
    article, _ = parse("1. 什么是 X？\n\nX 是一种方法。\n\n2. 什么是 Y？\n\nY 是另一种。\n")
    assert qa(article) == [("什么是 X？", "X 是一种方法。"), ("什么是 Y？", "Y 是另一种。")]


def test_hard_wrapped_question_is_one_question():
    article, _ = parse("- 为什么 Transformer 要使用\n  LayerNorm 而不是 BatchNorm？\n  因为序列长度可变。\n"
                       "- 什么是 RoPE？\n")
    assert qa(article) == [("为什么 Transformer 要使用 LayerNorm 而不是 BatchNorm？", "因为序列长度可变。"),
                           ("什么是 RoPE？", "")]


def test_task_list_boxes_and_decoration_are_not_part_of_the_question():
    article, _ = parse("- [x] 什么是 LoRA？\n- [ ] 为什么 B 初始化为 0？\n\n### 🔥 3. **什么是 KV Cache？**\n\n缓存 K、V。\n")
    assert [q for q, _ in qa(article)] == ["什么是 LoRA？", "为什么 B 初始化为 0？", "什么是 KV Cache？"]


def test_fullwidth_labels_and_a_labelled_answer_on_the_question_line():
    article, _ = parse(
        "Ｑ１：Prefill 和 Decode 的瓶颈有什么不同？\nＡ：前者计算受限，后者访存受限。\n\n"
        "Q2：权重量化和激活量化哪个更难 A：激活量化更难，因为有离群值。\n"
    )
    assert qa(article) == [("Prefill 和 Decode 的瓶颈有什么不同？", "前者计算受限，后者访存受限。"),
                           ("权重量化和激活量化哪个更难", "激活量化更难，因为有离群值。")]


def test_a_top_heading_that_asks_above_a_run_of_questions_is_the_title():
    article, _ = parse(
        "# 对齐方向的面试一般会问什么？\n\n谢邀，整理如下。\n\n**1. 什么是 DPO？**\n\n- 直接偏好优化。\n\n"
        "**2. DPO 有哪些缺点？**\n\n- 离线。\n"
    )
    assert [q for q, _ in qa(article)] == ["什么是 DPO？", "DPO 有哪些缺点？"]
    assert (1, "chrome") in reasons(article)
    # one heading that asks, with its answer, is still a one-question article
    single, _ = parse("# 什么是 DPO？\n\n直接偏好优化。\n\n**那为什么不用 PPO 呢？**\n\n太复杂。\n")
    assert [q for q, _ in qa(single)] == ["什么是 DPO？"]


def test_a_bold_section_label_ends_the_last_bold_questions_answer():
    article, _ = parse("**1. 什么是 DPO？**\n\n直接偏好优化。\n\n**小结**\n\n更新：评论区有人问 GRPO，已补充。\n")
    assert qa(article) == [("什么是 DPO？", "直接偏好优化。")]
    assert {(5, "navigation"), (7, "prose")} <= reasons(article)


def test_a_folded_answer_belongs_to_the_question_above_and_ends_with_its_block():
    article, _ = parse(
        "<details>\n<summary>什么是 Scaling Law？</summary>\n\n损失随规模按幂律下降。\n\n</details>\n\n"
        "**为什么要用混合精度训练？**\n\n<details>\n<summary>点击展开答案</summary>\n\n更快、更省显存。\n\n</details>\n\n"
        "后记：欢迎 PR。\n"
    )
    assert qa(article) == [("什么是 Scaling Law？", "损失随规模按幂律下降。"), ("为什么要用混合精度训练？", "更快、更省显存。")]


def test_english_questions_by_their_form_and_english_section_labels():
    article, _ = parse(
        "## Attention\n\n### What is the difference between MHA and GQA\n\nGQA 分组共享 K、V。\n\n"
        "### Explain how FlashAttention reduces memory traffic\n\n分块计算。\n\n"
        "### Time complexity of self-attention\n\nO(n²d)。\n\n"
        "### Switch Transformers: Scaling to Trillion Parameter Models\n\n一篇论文。\n\n"
        "## References\n\n- Attention Is All You Need\n"
    )
    assert [q for q, _ in qa(article)] == ["What is the difference between MHA and GQA",
                                           "Explain how FlashAttention reduces memory traffic",
                                           "Time complexity of self-attention"]
