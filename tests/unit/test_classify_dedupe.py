"""Topic/tag assignment and near-duplicate detection on phrasings taken from the sources."""

from kb.classify import assign_tags, assign_topic
from kb.dedupe import QuestionKey, cluster
from kb.taxonomy import load_taxonomy

REQUIRED_TOPICS = {
    "transformer": "Transformer", "peft": "PEFT", "rlhf": "RLHF", "distributed-training": "分布式训练",
    "data": "数据处理", "llm-basics": "LLM 基础", "sft": "SFT", "tokenizer": "Tokenizer",
    "position-encoding": "位置编码", "norm-activation": "归一化与激活函数", "inference": "推理与部署",
    "memory-precision": "显存与精度", "evaluation": "评测", "rag": "RAG", "agent": "Agent",
    "hallucination": "幻觉", "cot": "思维链", "model-comparison": "模型对比",
}


def test_taxonomy_has_the_topics_the_content_needs() -> None:
    tax = load_taxonomy()
    for tid, name in REQUIRED_TOPICS.items():
        assert name in tax.topic(tid).name
    assert all(t.description for t in tax.topics)


def test_topics_follow_the_keyword_rules() -> None:
    cases = {
        "LoRA 的原理是什么？": "peft",
        "RoPE 旋转位置编码的原理是什么？": "position-encoding",
        "ZeRO 的三个阶段分别切分了什么？": "distributed-training",
        "PPO 和 DPO 的区别？": "rlhf",
        "为什么 transformer 块使用 LayerNorm 而不是 BatchNorm？": "norm-activation",
        "如何缓解大模型幻觉？": "hallucination",
        "什么是 LangChain？": "rag",
        "zeroshot 和 fewshot 具体做法的区别？": "evaluation",
        "BPE 如何构建词典？": "tokenizer",
        "一道与任何主题都无关的题？": "llm-basics",
    }
    for question, topic in cases.items():
        assert assign_topic(question) == topic, question


def test_section_heading_breaks_ties() -> None:
    assert assign_topic("优点是什么？", section="LoRA 系列篇") == "peft"


def test_tags_come_from_question_keywords_and_parser_tags() -> None:
    assert assign_tags("Layer Norm 的计算公式写一下？") == ["公式"]
    assert "LoRA" in assign_tags("QLoRA 和 LoRA 有什么区别？")
    assert assign_tags("zeroshot 和 fewshot 的区别？").count("ZeRO") == 0
    assert assign_tags("介绍 RoPE", extra=["面经", "公司-豆包"])[:2] == ["面经", "公司-豆包"]


def test_reworded_duplicates_merge_and_different_terms_do_not() -> None:
    same = [("为何现在的大模型大部分是Decoder only结构？", "为什么现在的大模型大多是 decoder-only 架构?"),
            ("什么是 LLMs 复读机问题？", "什么是LLMs复读机问题?"),
            ("大模型LLM进行SFT操作的时候在学习什么？", "大模型LLM进行SFT 操作时在学习什么？")]
    for a, b in same:
        assert QuestionKey(a).same_question(QuestionKey(b)), (a, b)
    different = [("介绍一下 使用 GeLU 的 GLU 块 计算公式?", "介绍一下 使用 Swish 的 GLU 块 计算公式?"),
                 ("什么是 LLMs 复读机问题?", "为什么会出现 LLMs 复读机问题?"),
                 ("LoRA 的优点是什么？", "QLoRA 的优点是什么？")]
    for a, b in different:
        assert not QuestionKey(a).same_question(QuestionKey(b)), (a, b)


def test_cluster_is_transitive_and_ordered() -> None:
    keys = [QuestionKey(q) for q in ["什么是 LoRA？", "BPE 是什么？", "LoRA 是什么？", "什么是LoRA?"]]
    assert cluster(keys) == [[0, 2, 3], [1]]


# --- paraphrases and topics by similarity ----------------------------------------------------------

import pytest  # noqa: E402

from kb.classify import TopicIndex  # noqa: E402
from kb.model import Block, Note  # noqa: E402


@pytest.mark.parametrize("a, b", [
    ("PPO 和 DPO 有什么区别？", "PPO 和 DPO 区别"),
    ("DPO 与 PPO 的区别是什么？", "ppo和dpo有何不同"),
    ("LoRA 和 QLoRA 的异同", "QLoRA 与 LoRA 有什么区别？"),
    ("Layer Norm 和 Batch Norm 的区别？", "LayerNorm 与 BatchNorm 有什么不同"),
    ("Flash Attention 的原理是什么？", "FlashAttention 的原理是什么"),
])
def test_paraphrases_are_one_question(a, b):
    assert QuestionKey(a).same_question(QuestionKey(b))


@pytest.mark.parametrize("a, b", [
    ("PPO 和 DPO 的区别", "PPO 和 GRPO 的区别"),
    ("预训练和微调的区别", "预训练和增量预训练的区别"),
    ("BERT 和 GPT 的区别", "BERT 和 GPT 的联系"),
    ("LoRA 的优点是什么？", "LoRA 的缺点是什么？"),
])
def test_close_but_different_questions_stay_apart(a, b):
    assert not QuestionKey(a).same_question(QuestionKey(b))


def _note(nid: str, topic: str, question: str, answer: str) -> Note:
    return Note(id=nid, question=question, topic=topic, status="partial", blocks=[Block("answer", ["s000"], answer)])


def test_topic_by_nearest_notes_beats_a_keyword_in_the_answer():
    notes = [
        _note("moe-1", "moe", "MoE 的门控网络如何选择专家？", "router 对每个 token 计算专家概率，取 top-k 专家。"),
        _note("moe-2", "moe", "MoE 为什么需要负载均衡损失？", "避免少数专家处理大部分 token，专家得不到训练。"),
        _note("moe-3", "moe", "什么是专家容量？", "每个专家一次能处理的 token 数上限，超出的 token 被丢弃。"),
        _note("tok-1", "tokenizer", "BPE 如何构建词表？", "统计相邻符号对频率，合并最高的一对。"),
        _note("tok-2", "tokenizer", "WordPiece 和 BPE 的区别？", "合并准则不同：频率与似然。"),
    ]
    index = TopicIndex(notes)
    question, answer = "MoE 中 top-k 路由是怎么选专家的？", "门控网络给每个 token 打分，选分数最高的 k 个专家。"
    assert assign_topic(question, "", answer, index=index) == "moe"
    # nothing similar: the keyword rules decide
    assert assign_topic("RoPE 旋转位置编码的原理是什么？", "", "", index=index) == "position-encoding"
