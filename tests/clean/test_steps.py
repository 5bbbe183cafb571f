"""Unit tests for the cleaning steps (tools/kb/clean/steps.py), the noise filter and quality signals.

Snippets come from the real sources where possible:
- s000 (sources/000_*.txt): WeChat OCR — spaces inside Chinese words, ``Ir`` for ``lr``, LaTeX whose
  ``\\f`` / ``\\r`` escapes were eaten (``rac{``, ``\\right`` broken onto the next line);
- s001 (sources/001_*.txt): wiki links ``[[#…|…]]``, Python flattened onto one line with ``\\_``;
- s002 (sources/002_*.txt): zhida tracking links, ``link.zhihu.com/?target=`` redirects, paywall links.
"""

from __future__ import annotations

import pytest

from kb import quality
from kb.clean import noise, steps
from kb.clean.pipeline import clean_answer, clean_question
from kb.ingest.base import Drop, Line


# --- character level -------------------------------------------------------------------------

def test_replace_lookalikes_spaces_zero_width_and_minus():
    assert steps.replace_lookalikes("a\u00a0b\u3000c\u2009d") == "a b c d"
    assert steps.replace_lookalikes("Lo\u200bRA\ufeff") == "LoRA"
    assert steps.replace_lookalikes("x \u2212 1, pre\u2010norm, non\u2011linear") == "x - 1, pre-norm, non-linear"


def test_replace_lookalikes_leaves_plain_text_alone():
    text = "大模型（LLMs）基础面：prefix LM 和 causal LM 区别是什么？"
    assert steps.replace_lookalikes(text) == text


def test_fullwidth_ascii_letters_and_digits_only():
    assert steps.fullwidth_ascii("ＬＬａＭＡ２ 模型") == "LLaMA2 模型"
    # CJK punctuation (full-width comma, colon, parentheses, question mark) is kept.
    text = "大模型（LLMs）：是什么，为什么？"
    assert steps.fullwidth_ascii(text) == text


def test_html_entities_become_characters_unless_they_would_change_the_markdown():
    assert steps.html_entities("约 0.5&nbsp;MB，batch&lt;16 时 a &gt; b，R&amp;D，&quot;q&quot;") == \
        '约 0.5 MB，batch<16 时 a > b，R&D，"q"'
    # `<br>` would be a tag, `>` at the start of a line a quote, `&amp;lt;` another entity: they stay
    kept = "&lt;br&gt; 换行\n&gt; 引用\n写作 &amp;lt;"
    assert steps.html_entities(kept) == "&lt;br> 换行\n&gt; 引用\n写作 &amp;lt;"
    code = "```html\n&lt;div&gt;&nbsp;\n```\n`a&lt;b`"
    assert steps.html_entities(code) == code


# --- links -----------------------------------------------------------------------------------

ZHIDA = ("1. 如果想要在某个模型基础上做[全参数微调](https://zhida.zhihu.com/search?content_id=234582323"
         "&content_type=Article&match_order=1&q=%E5%85%A8%E5%8F%82%E6%95%B0%E5%BE%AE%E8%B0%83"
         "&zhida_source=entity)，究竟需要多少显存？")


def test_unwrap_links_tracking_link_keeps_only_its_text():
    out = steps.unwrap_links(ZHIDA)
    assert out == "1. 如果想要在某个模型基础上做全参数微调，究竟需要多少显存？"
    assert "zhida" not in out


def test_unwrap_links_redirect_is_decoded_to_its_target():
    out = steps.unwrap_links("源码见 [ModelCenter](https://link.zhihu.com/?target=https%3A//github.com/OpenBMB/ModelCenter)")
    assert out == "源码见 [ModelCenter](https://github.com/OpenBMB/ModelCenter)"


def test_unwrap_links_redirect_to_dropped_host_becomes_text():
    # s002 line 337: a heading linking (through the redirect) to a paid zsxq article.
    line = "### [大模型（LLMs）langchain 面](https://link.zhihu.com/?target=https%3A//articles.zsxq.com/id_ve2dgaiqrjzv.html)"
    assert steps.unwrap_links(line) == "### 大模型（LLMs）langchain 面"


def test_unwrap_links_paywall_link_removed():
    line = "- [点击查看答案](https://link.zhihu.com/?target=https%3A//articles.zsxq.com/id_v6gltxd4qbxd.html)"
    out = steps.unwrap_links(line)
    assert "点击查看答案" not in out and "zsxq" not in out
    assert out.strip() == "-"


def test_unwrap_links_src_label_becomes_bare_url():
    assert steps.unwrap_links("[src](https://link.zhihu.com/?target=https%3A//github.com/a)") == "https://github.com/a"


@pytest.mark.parametrize("text", [
    "参考 [RoPE 论文](https://arxiv.org/abs/2104.09864)",
    "see [doc](https://example.com/a?b=1)",
    "no link here [not a link] (also not)",
])
def test_unwrap_links_normal_links_kept(text):
    assert steps.unwrap_links(text) == text


def test_wiki_links_label_or_last_heading_part():
    # s001 lines 544-552.
    assert steps.wiki_links("[[#Deep Norm 篇#Deep Norm 思路?|Deep Norm 思路?]]") == "Deep Norm 思路?"
    assert steps.wiki_links("[[#Layer normalization-方法篇|Layer normalization-方法篇]]") == \
        "Layer normalization-方法篇"
    assert steps.wiki_links("见 [[#RMS Norm 篇 (均方根 Norm)#RMS Norm 的计算公式写一下?]]") == \
        "见 RMS Norm 的计算公式写一下?"
    assert steps.wiki_links("[[#Layer normalization-方法篇]]") == "Layer normalization-方法篇"


def test_wiki_links_leave_markdown_links_and_checkboxes():
    text = "- [x] 1. 目前 主流的开源模型体系 有哪些? [doc](https://a.b/c)"
    assert steps.wiki_links(text) == text


# --- OCR and LaTeX ---------------------------------------------------------------------------

def test_ocr_fixes_ir_becomes_lr():
    # s000 line 175 and the training-config list (lines 265-270).
    assert "把lr从一个较小的值" in steps.ocr_fixes("warmup就是把Ir从一个较小的值线性增大到预设")
    assert steps.ocr_fixes("- Ir rate") == "- lr rate"
    assert steps.ocr_fixes("Ir= 3e-4") == "lr= 3e-4"


def test_ocr_fixes_bullets_and_split_words():
    assert steps.ocr_fixes("- · Ir decay iters") == "- lr decay iters"
    assert steps.ocr_fixes("• 第一点") == "- 第一点"
    assert steps.ocr_fixes("position embeddin g。") == "position embedding。"
    assert steps.ocr_fixes("每个 toke n 的") == "每个 token 的"
    assert steps.ocr_fixes("\\*\\*重点\\*\\*") == "**重点**"


@pytest.mark.parametrize("text", ["Irish", "IrfanView", "AIr", "first lr", "Transformer", "tokenizer", "embedding"])
def test_ocr_fixes_leave_correct_words(text):
    assert steps.ocr_fixes(text) == text


def test_join_cjk_spaces_removes_ocr_spaces_inside_chinese():
    # s000 line 60 / 64.
    assert steps.join_cjk_spaces("你可以想象下softmax的公 式,数值会进入敏感区间") == \
        "你可以想象下softmax的公式,数值会进入敏感区间"
    assert steps.join_cjk_spaces("并且表达能 力强") == "并且表达能力强"
    assert steps.join_cjk_spaces("这些词就是 。") == "这些词就是。"


def test_join_cjk_spaces_keeps_spaces_next_to_latin():
    text = "这些词就是 OOV。传统的处理方式往往是将这些 OOV 映射到一个"
    assert steps.join_cjk_spaces(text) == text


S000_SOFTMAX = "$$\\operatorname{Softmax}\\!\\left(rac{QK^T}{\\sqrt{d}_k}\night)\\!V$$"


def test_repair_latex_frac_and_line_broken_right():
    # s000 lines 55-56: "\f" ate the start of \frac, "\r" broke \right onto the next line.
    out = steps.repair_latex(S000_SOFTMAX)
    assert out == "$$\\operatorname{Softmax}\\!\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)\\!V$$"


def test_repair_latex_inline_right_and_times():
    assert steps.repair_latex("$\\left(x ight)$") == "$\\left(x \\right)$"
    assert steps.repair_latex("$a imes b$") == "$a \\times b$"
    assert steps.repair_latex("$$d imes d$$") == "$$d \\times d$$"


def test_repair_latex_only_inside_math():
    text = "the times are right: rac{ is not math, and a imes b ight) neither"
    assert steps.repair_latex(text) == text


def test_repair_latex_leaves_correct_latex_alone():
    text = "$\\frac{a}{b} \\times c \\left(x\\right)$ and $$\\sqrt{d_k}$$"
    assert steps.repair_latex(text) == text


def test_repair_latex_math_directly_after_chinese():
    # Chinese text writes formulas without spaces around them: "计算$…$得到".
    assert steps.repair_latex("计算$rac{a}{b}$得到") == "计算$\\frac{a}{b}$得到"


# --- typography ------------------------------------------------------------------------------

def test_cjk_punctuation_after_chinese():
    assert steps.cjk_punctuation("数值会进入敏感区间,防止梯度消失") == "数值会进入敏感区间，防止梯度消失"
    assert steps.cjk_punctuation("为什么?") == "为什么？"
    assert steps.cjk_punctuation("注意(中文)") == "注意（中文）"


def test_cjk_punctuation_parens_then_marks_in_one_pass():
    assert steps.cjk_punctuation("(中):") == "（中）："
    assert steps.cjk_punctuation("( 中文 )") == "（中文）"


def test_cjk_punctuation_not_inside_code_urls_or_math():
    for text in ["见 `f(中,文)` 函数", "见 https://x.com/中,文", "式 $f(中,b)$ 中", "式$f(中,b)$中", "```\nprint(中,文)\n```"]:
        assert steps.cjk_punctuation(text) == text
    # ASCII text keeps ASCII punctuation.
    assert steps.cjk_punctuation("a, b? (c)") == "a, b? (c)"


def test_cjk_latin_spacing_adds_spaces():
    assert steps.cjk_latin_spacing("预训练任务Masked Language Model") == "预训练任务 Masked Language Model"
    assert steps.cjk_latin_spacing("本科生找LLM相关实习") == "本科生找 LLM 相关实习"
    assert steps.cjk_latin_spacing("靠近255") == "靠近 255"
    assert steps.cjk_latin_spacing("用`torch`实现") == "用 `torch` 实现"
    assert steps.cjk_latin_spacing("其中$d_k$是维度") == "其中 $d_k$ 是维度"
    # a stray backtick is not paired with the next code span's backtick
    assert steps.cjk_latin_spacing("中 `中`1`") == "中 `中`1`"


def test_cjk_latin_spacing_not_inside_code_math_or_urls():
    assert steps.cjk_latin_spacing("`中文abc`") == "`中文abc`"
    assert steps.cjk_latin_spacing("$中a$") == "$中a$"
    assert steps.cjk_latin_spacing("https://a.com/中文abc") == "https://a.com/中文abc"
    fenced = "```python\nx = '中文abc'\n```"
    assert steps.cjk_latin_spacing(fenced) == fenced


# --- structure -------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("1. 目前 主流的开源模型体系 有哪些?", "目前 主流的开源模型体系 有哪些?"),
    ("12、涌现能力是啥原因?", "涌现能力是啥原因?"),
    ("a.问题", "问题"),
    ("b. prefix LM 和 causal LM 区别是什么?", "prefix LM 和 causal LM 区别是什么?"),
    ("一、为什么 需要 适配器微调（Adapter-tuning）？", "为什么 需要 适配器微调（Adapter-tuning）？"),
    ("十二、问题", "问题"),
    ("- [x] 3. 涌现能力是啥原因?", "涌现能力是啥原因?"),
    ("[ ] 3. 基于LLM+向量库的文档对话 工程示例面", "基于LLM+向量库的文档对话 工程示例面"),
    ("## 3. 问题", "问题"),
    ("### 问题", "问题"),
    ("（2）问题", "问题"),
    ("(2) 问题", "问题"),
    ("**1. 问题？**", "问题？"),
    ("I.Bert 的三个 Embedding 为什么可以相加?", "Bert 的三个 Embedding 为什么可以相加?"),
])
def test_strip_question_numbering(raw, expected):
    assert steps.strip_question_numbering(raw) == expected


@pytest.mark.parametrize("text", [
    "LoRA 是什么?",
    "LoRA.",
    "Layer Norm 和 RMS Norm 的区别?",
    "GPT-3 有多少参数?",
    "为什么 Bert 的三个 Embedding 可以进行相加?",
])
def test_strip_question_numbering_keeps_words_intact(text):
    assert steps.strip_question_numbering(text) == text


def test_strip_question_numbering_keeps_text_that_is_only_a_number():
    assert steps.strip_question_numbering("1.") == "1."


@pytest.mark.parametrize("raw, expected", [
    ("1.2 什么是 LoRA?", "什么是 LoRA?"),
    ("2.5D 是什么?", "2.5D 是什么?"),
    ("*问题*：", "问题"),
    ("**1.** 问题", "问题"),
    ("10.2 xx", "xx"),
])
def test_strip_numbering_and_emphasis_do_not_mangle(raw, expected):
    assert steps.strip_emphasis_wrapper(steps.strip_question_numbering(raw)) == expected


def test_strip_numbering_never_splits_bold_terms():
    # Two bold terms are not one "**…**" wrapper: the words must not keep half a marker.
    for step in (steps.strip_question_numbering, steps.strip_emphasis_wrapper, clean_question):
        out = step("**Adam** 和 **SGD** 的区别？")
        assert "Adam**" not in out and "**和" not in out and out.count("**") % 2 == 0, out
        assert "Adam" in out and "SGD" in out


@pytest.mark.parametrize("raw, expected", [
    ("**为什么需要 LoRA？**", "为什么需要 LoRA？"),
    ("*为什么需要 LoRA？*", "为什么需要 LoRA？"),
    ("**Deep Norm 思路**：", "Deep Norm 思路"),
    ("__问题__", "问题"),
    ("  **问题**  ", "问题"),
])
def test_strip_emphasis_wrapper(raw, expected):
    assert steps.strip_emphasis_wrapper(raw) == expected


@pytest.mark.parametrize("text", [
    "为什么 **LoRA** 有效？",
    "没有强调",
    "a*b*c",
])
def test_strip_emphasis_wrapper_leaves_inner_emphasis(text):
    assert steps.strip_emphasis_wrapper(text) == text.strip()


S001_CODE = r"""Deep Norm 的代码实现可以基于 PyTorch 框架来完成。以下是一个简单的 Deep Norm 的代码示例:
import torch
import torch.nn as nn class DeepNorm(nn.Module): def \_\_init\_\_(self, input\_dim, hidden\_dims, output\_dim): super(DeepNorm, self).\_\_init\_\_() self.layers = nn.ModuleList() self.norm\_layers = nn.ModuleList() # 添加隐藏层和归一化层 for i, hidden\_dim in enumerate(hidden\_dims): self.layers.append(nn.Linear(input\_dim, hidden\_dim)) self.norm\_layers.append(nn.LayerNorm(hidden\_dim)) input\_dim = hidden\_dim # 添加输出层 self.output\_layer = nn.Linear(input\_dim, output\_dim) def forward(self, x): for layer, norm\_layer in zip(self.layers, self.norm\_layers): x = layer(x) x = norm\_layer(x) x = torch.relu(x) x = self.output\_layer(x) return x # 创建一个 DeepNorm 模型实例
input\_dim = 100
hidden\_dims = \[64, 32\]
output\_dim = 10
model = DeepNorm(input\_dim, hidden\_dims, output\_dim) # 使用模型进行训练和预测
input\_data = torch.randn(32, input\_dim)
output = model(input\_data)
在这个示例中,我们定义了一个 DeepNorm 类,其中包含了多个隐藏层和归一化层。"""


def test_fence_flattened_code_fences_and_reflows_the_s001_class():
    out = steps.fence_flattened_code(S001_CODE)
    lines = out.split("\n")
    assert lines[0].startswith("Deep Norm 的代码实现")
    assert lines[1] == "```python"
    close = lines.index("```", 2)
    body = lines[2:close]
    assert body[0] == "import torch"
    # the flattened class is re-flowed over several lines, with indentation
    assert "class DeepNorm(nn.Module):" in body
    assert "    def __init__(self, input_dim, hidden_dims, output_dim):" in body
    assert "        super(DeepNorm, self).__init__()" in body
    assert "    def forward(self, x):" in body
    assert any(b.startswith("        ") for b in body)
    # escapes left by the extractor are gone inside the fence
    assert not any("\\_" in b or "\\[" in b for b in body)
    assert "hidden_dims = [64, 32]" in body
    assert body[-1] == "output = model(input_data)"
    # the Chinese prose after the code is outside the fence and untouched
    assert lines[close + 1] == "在这个示例中,我们定义了一个 DeepNorm 类,其中包含了多个隐藏层和归一化层。"


def test_fence_flattened_code_leaves_prose_and_existing_fences():
    prose = ("如果完全不要project\\_q/k/v,就是输入x本身来做,当然可以\n"
             "scaling后进行softmax操作可以使得输入的数据的分布变得更好\n"
             "x = 1 是一个赋值的例子")
    assert steps.fence_flattened_code(prose) == prose
    fenced = "```python\nimport torch\nx = torch.zeros(3)\n```"
    assert steps.fence_flattened_code(fenced) == fenced
    # a single short code-looking line is not fenced
    assert steps.fence_flattened_code("x = 1") == "x = 1"


def test_tidy_whitespace():
    assert steps.tidy_whitespace("\n\n  a  \n\n\n\nb\t \n\n") == "a\n\nb"
    assert steps.tidy_whitespace("a\n\nb") == "a\n\nb"


def test_outside_protected_applies_only_to_prose():
    text = "abc `abc` $abc$ $$abc$$\n```\nabc\n```\nhttps://abc.com/abc [x](https://abc.com) abc"
    out = steps.outside_protected(text, lambda s: s.replace("abc", "X"))
    assert out == "X `abc` $abc$ $$abc$$\n```\nabc\n```\nhttps://abc.com/abc [x](https://abc.com) X"


def test_outside_protected_identity():
    text = "中文 `code` $$x$$ 中文"
    assert steps.outside_protected(text, lambda s: s) == text


# --- residue ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, what", [
    (ZHIDA, "tracking link"),
    ("[x](https://link.zhihu.com/?target=https%3A//a.b)", "tracking link"),
    ("- [点击查看答案](https://a.b)", "paywall link"),
    ("[[#Deep Norm 篇#Deep Norm 思路?|Deep Norm 思路?]]", "wiki link"),
    ("0123456789abcdef0123456789abcdef.png", "image file name"),
    ("softmax的公 式", "OCR space inside Chinese words"),
    ("project\\_q", "escaped underscore outside code"),
    ("$rac{a}{b}$", "'\\f' of \\frac read as a form feed"),
    ("$\\left(x ight)$", "'\\r' of \\right lost"),
    ("每个 toke n", "OCR split word"),
])
def test_residue_finds_each_kind(text, what):
    assert what in [w for w, _ in steps.residue(text)]


def test_residue_of_clean_text_is_empty():
    text = ("Deep Norm 通过在每一层引入归一化操作，可以有效地解决梯度消失问题。\n\n"
            "$$\\operatorname{Softmax}\\!\\left(\\frac{QK^T}{\\sqrt{d_k}}\\right)\\!V$$\n\n"
            "```python\nself.norm\\_layers = nn.ModuleList()\n```\n\n"
            "参考 [RoPE 论文](https://arxiv.org/abs/2104.09864)，warmup 就是把 lr 从一个较小的值线性增大。")
    assert steps.residue(text) == []


def test_clean_answer_leaves_no_residue_on_source_snippets():
    text = "\n".join([ZHIDA, "- [点击查看答案](https://link.zhihu.com/?target=https%3A//articles.zsxq.com/id_v.html)",
                      "[[#Deep Norm 篇#Deep Norm 思路?|Deep Norm 思路?]]",
                      "softmax的公 式,数值会进入敏感区间", S000_SOFTMAX, S001_CODE])
    assert steps.residue(clean_answer(text)) == []


def test_clean_question_on_source_lines():
    assert clean_question("- [x] 1. 目前 主流的开源模型体系 有哪些?") == "目前主流的开源模型体系有哪些？"
    assert clean_question(ZHIDA) == "如果想要在某个模型基础上做全参数微调，究竟需要多少显存？"


# --- noise filter ----------------------------------------------------------------------------

def _lines(*texts: str) -> list[Line]:
    return [Line(i + 1, t) for i, t in enumerate(texts)]


def test_noise_lines_rule_drops_with_reason_and_keeps_the_rest():
    lines = _lines("问题一的答案", "↑ 点击蓝字 关注极市平台", "扫码加入交流群", "问题二的答案",
                   "0123456789abcdef0123456789abcdef.png", "- [点击查看答案](https://a.b/c)")
    kept, drops = noise.filter_lines(lines)
    assert [l.text for l in kept] == ["问题一的答案", "问题二的答案"]
    reasons = {d.start: d.reason for d in drops}
    assert reasons == {2: "chrome", 3: "ad", 5: "image", 6: "paywall"}
    assert all(isinstance(d, Drop) and d.detail for d in drops)


def test_noise_consecutive_lines_of_one_rule_merge_into_one_drop():
    lines = _lines("答案", "扫码领取", "扫码关注", "答案二")
    kept, drops = noise.filter_lines(lines)
    assert [l.no for l in kept] == [1, 4]
    assert [(d.start, d.end, d.reason) for d in drops] == [(2, 3, "ad")]


def test_noise_head_rule_drops_the_header():
    lines = _lines("大模型面试八股答案", "极市平台 2023-08-17 22:00:30 发表于广东 手机阅读", "正文第一段")
    kept, drops = noise.filter_lines(lines, "wechat_ocr")
    assert [l.text for l in kept] == ["正文第一段"]
    assert (drops[0].start, drops[0].end, drops[0].reason) == (1, 2, "chrome")
    assert drops[0].detail.startswith("header up to")


def test_noise_tail_rule_drops_the_footer():
    lines = _lines("- 什么是 RoPE?", "旋转位置编码", "普通人如何抓住AI大模型的风口？", "01 教学内容", "课程内容")
    kept, drops = noise.filter_lines(lines, "dash_blog")
    assert [l.text for l in kept] == ["- 什么是 RoPE?", "旋转位置编码"]
    assert [(d.start, d.end, d.reason) for d in drops] == [(3, 5, "ad")]
    assert drops[0].detail.startswith("footer from")


def test_noise_keeps_text_that_only_mentions_rule_words_mid_sentence():
    lines = _lines("阅读原文中的公式可以发现", "点击查看答案之前先想一想")
    kept, drops = noise.filter_lines(lines)
    assert kept == lines and drops == []


# --- quality ---------------------------------------------------------------------------------

def test_formula_holes():
    assert quality.formula_holes("给定输入 ,其维度为 ,") != []
    assert quality.formula_holes("公式如下:\n\n其中 d 是维度") != []
    assert quality.formula_holes("$$ $$") != []
    assert quality.formula_holes("给定输入 $x$，其维度为 $d$。") == []
    assert quality.formula_holes("```python\nf(a ,b)\n```") == []


def test_flattened_code():
    flat = steps.replace_lookalikes(S001_CODE.split("\n")[2])
    assert quality.flattened_code(flat) != []
    assert quality.flattened_code("name\\_\\_attr = 1") != []
    assert quality.flattened_code(steps.fence_flattened_code(S001_CODE)) == []
    assert quality.flattened_code("class DeepNorm(nn.Module):\n    def forward(self, x):\n        return x") == []


def test_substance_counts_content_characters_only():
    assert quality.substance("中文 abc 123") == 8
    assert quality.substance("**-- ，。 `` $$**") == 0
    assert quality.substance("```python\n```") == 6  # the fence's language name counts as letters
