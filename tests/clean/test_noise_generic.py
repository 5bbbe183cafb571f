"""Blog chrome and ads of Chinese platforms are dropped with a reason; content that merely shares a word stays.
The pre-write repairs leave no page anchors, escapes, tracking parameters or off-site links."""

from __future__ import annotations

import pytest

from kb.check import QUESTION_SHAPE
from kb.clean.noise import filter_lines
from kb.clean.repair import repair, shape_question
from kb.ingest.base import Line

NOISE = [
    ("最新推荐文章于 2024-05-10 09:12:33 发布", "chrome"),
    ("[某作者](https://blog.csdn.net/x) 于 2024-03-02 10:21:45 发布", "chrome"),
    ("阅读量2.3k 收藏 58 点赞数 12", "chrome"),
    ("分类专栏： 大模型面试 文章标签： 人工智能 LLM", "chrome"),
    ("版权声明：本文为博主原创文章，遵循 CC 4.0 BY-SA 版权协议", "chrome"),
    ("原文链接：https://zhuanlan.zhihu.com/p/1", "chrome"),
    ("> 关注公众号【AI算法小屋】，回复“面试”领取《大模型面试 100 题》PDF！", "ad"),
    ("**需要完整版 PDF 的同学，后台回复“LLM”即可免费领取！**", "ad"),
    ("扫码添加小助手微信：ai_helper_2024，备注“面试”", "ad"),
    ("欢迎加入大模型面试交流群，添加小编微信：llm\\_helper（备注：面试）", "ad"),
    ("wx：abc_12345", "ad"),
    ("觉得有帮助的话，欢迎点赞、收藏、关注三连！", "chrome"),
    ("*以上内容仅供学习交流，如有侵权请联系删除。*", "chrome"),
    ("[↑ 返回目录](#top)", "navigation"),
    ("**文章目录**", "navigation"),
    ("点击上方“AI 面试笔记”，选择“星标”公众号", "ad"),
    ("**👇👇👇 点击下方卡片，领取 AI 大模型全套学习资料 👇👇👇**", "ad"),
    ("编辑于 2024-06-12 10:00", "chrome"),
    ("posted @ 2024-01-01 10:00 某人 阅读(100)", "chrome"),
    ("- 3 -", "chrome"),
    ("第 3 页 共 12 页", "chrome"),
    # buttons copied with their zero-width spaces, a like counter with its comment count, CSDN's footer
    ("赞同 1.2K \u200b 86 条评论", "chrome"),
    ("\u200b分享", "chrome"),
    ("收起\u200b", "chrome"),
    ("@[TOC](文章目录)", "navigation"),
    ("文章知识点与官方知识档案匹配，可进一步学习相关知识", "chrome"),
    ("Python入门技能树人工智能深度学习 386512 人正在系统学习中", "chrome"),
    ("您还未登录，请先登录后发表或查看评论", "chrome"),
]

CONTENT = [
    "注意力机制让模型更关注与当前 token 相关的位置。",
    "收藏的样本要去重，点赞数可以作为偏好数据的弱信号。",
    "模型回复“我不知道”时，说明拒答样本起了作用。",
    "领域数据要覆盖目标任务的各种类型。",
    "版本之间的差异主要在词表。",
    "A 与 B 的关系可以用对比学习刻画。",
    "返回的 logits 需要先做 softmax。",
    "评论区的样本可以作为偏好数据。",
    "收起和展开的两种状态都要测。",
]


@pytest.mark.parametrize("text, reason", NOISE)
def test_chrome_and_ads_are_dropped_with_their_reason(text, reason):
    lines = [Line(1, "## 什么是 LoRA？"), Line(2, text), Line(3, "低秩增量。")]
    kept, drops = filter_lines(lines, "generic")
    assert [line.no for line in kept] == [1, 3]
    assert [(d.start, d.reason) for d in drops] == [(2, reason)] and drops[0].detail


@pytest.mark.parametrize("text", CONTENT)
def test_content_sharing_a_word_with_noise_is_kept(text):
    lines = [Line(1, text)]
    assert filter_lines(lines, "generic") == (lines, [])


def test_running_header_of_a_pdf_is_dropped_but_repeated_code_is_not():
    texts = ["大模型面试宝典（2024 版）", "1 什么是 LoRA？", "低秩增量。", "大模型面试宝典（2024 版）", "```",
             "return x  # 返回结果", "```", "```", "return x  # 返回结果", "```"]
    kept, drops = filter_lines([Line(i + 1, t) for i, t in enumerate(texts)], "generic")
    assert [(d.start, d.reason) for d in drops] == [(1, "chrome"), (4, "chrome")]
    assert sum(line.text.startswith("return") for line in kept) == 2


def test_repair_strips_anchors_escapes_tracking_and_offsite_links():
    text, fixes = repair('详见 [我的 notebook](bpe.ipynb) 和 [目录](#q1)，[教程](https://hf.co/x?utm_source=zhihu&id=3 "t")'
                         '，a\\_b <a id="q2"></a>')
    assert text == "详见我的 notebook 和目录，[教程](https://hf.co/x?id=3)，a_b"
    assert fixes
    question, _ = repair("什么是 KV\\_Cache \\> 其他？ {#q3}", "question")
    assert question == "什么是 KV_Cache > 其他？"


def test_repair_shows_a_formula_the_renderer_rejects_as_code_and_keeps_good_ones():
    text, _ = repair("坏的 $\\frac{1}{$ 和好的 $x^2$")
    assert "`$\\frac{1}{$`" in text and " $x^2$" in text


def test_repair_leaves_code_alone():
    code = "```python\nurl = 'a.ipynb?utm_source=x'  # [x](#y) a\\_b\n```"
    assert repair(code)[0] == code


@pytest.mark.parametrize("question, shaped", [
    ("PPO 中 KL 惩罚的作用", "PPO 中 KL 惩罚的作用？"),
    ("手撕：多头注意力", "手写多头注意力"),
    ("注意力分数为什么要除以 $\\sqrt{d_k}$？", "注意力分数为什么要除以 √d_k？"),
    ("大模型性能优化方向", "大模型性能优化方向是什么？"),
    ("什么是 LoRA？", "什么是 LoRA？"),
    ("权重量化和激活量化哪个更难", "权重量化和激活量化哪个更难？"),
    # an English question gets its own mark, never the Chinese 是什么？
    ("Explain how FlashAttention reduces memory traffic", "Explain how FlashAttention reduces memory traffic?"),
    ("What is GQA?", "What is GQA?"),
])
def test_shape_question(question, shaped):
    assert shape_question(question, QUESTION_SHAPE) == shaped
    assert QUESTION_SHAPE.search(shaped)
