"""Question features of one line of text, weighted by the data in ingest/rules/reader.yml.

The reader adds the structural features (run of sibling questions, sub-questions, what follows);
this module looks at the words only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parents[1] / "rules" / "reader.yml"

NUMBER_RE = re.compile(r"^\s*(?:[a-z][.．、)）](?=\S)|Q\s*\d+\s*[:：.．、]?|"
                       r"\d+(?:[.．]\d+)+[.．、]?(?=\s|[^\d.．])|\d+\s*[.．、)）:：]|"
                       r"[(（]\d+[)）]|\d+(?=\s+\S)|[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）])\s*")
DECIMAL_RE = re.compile(r"^\s*\d+(?:[.．]\d+)+")
Q_LABEL_RE = re.compile(r"^\s*(?:Q|Question|问题?|提问)\s*\d*\s*(?:[:：]|[.．、](?=\D))\s*", re.I)
A_LABEL_RE = re.compile(r"^\s*(?:\*\*|__)?\s*(?:(?:A|Answer|答案?|回答|解答|参考答案)\s*\d*\s*(?:\*\*|__)?\s*[:：]|"
                        r"A\s*\d*\s*[.．](?!\d)\s*(?:\*\*|__)?)\s*(?:\*\*|__)?\s*", re.I)
# the same labels as raw Markdown (bold inside or around the label), to split paragraphs
RAW_Q_LABEL_RE = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:Q|Question|问题?|提问)\s*\d*\s*(?:\*\*|__)?\s*"
                            r"(?:[:：]|[.．、](?=\D))", re.I)
SENTENCE_RE = re.compile(r"[。；;!！](?=.)")
CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Rules:
    threshold: float
    nested_threshold: float
    weights: dict
    long_chars: int
    very_long_chars: int
    run_share: float
    para_run_share: float
    question_end: re.Pattern
    question_words: tuple[str, ...]
    question_endings: tuple[str, ...]
    requests: tuple[str, ...]
    request_endings: tuple[str, ...]
    ask_nouns: tuple[str, ...]
    section_labels: frozenset[str]
    section_suffixes: tuple[str, ...]
    placeholders: re.Pattern
    question_columns: re.Pattern
    answer_columns: re.Pattern
    interview_sections: re.Pattern
    section_line: re.Pattern
    reveal_labels: re.Pattern
    latin_question_words: re.Pattern
    latin_requests: re.Pattern
    latin_ask_nouns: re.Pattern
    latin_length_factor: float


@lru_cache(maxsize=1)
def rules() -> Rules:
    d = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return Rules(d["threshold"], d["nested_threshold"], d["weights"], d["long_chars"], d["very_long_chars"],
                 d["run_share"], d["para_run_share"], re.compile(d["question_end"]), tuple(d["question_words"]),
                 tuple(d["question_endings"]), tuple(sorted(d["requests"], key=len, reverse=True)),
                 tuple(d["request_endings"]),
                 tuple(d["ask_nouns"]), frozenset(str(x).lower() for x in d["section_labels"]),
                 tuple(d["section_suffixes"]),
                 re.compile(d["placeholders"]),
                 re.compile(d["question_columns"], re.I), re.compile(d["answer_columns"], re.I),
                 re.compile(d["interview_sections"]), re.compile(d["section_line"]),
                 re.compile(d["reveal_labels"], re.I), re.compile(d["latin_question_words"], re.I),
                 re.compile(d["latin_requests"], re.I), re.compile(d["latin_ask_nouns"], re.I),
                 float(d["latin_length_factor"]))


def number_of(text: str) -> int | None:
    """The leading question number (`3.`, `3 `, `Q3`, `(3)`), None if unnumbered or multi-level."""
    if m := re.match(r"^\s*([a-z])[.．、)）](?=\S)", text):  # a. b. c. count like 1. 2. 3.
        return ord(m[1]) - ord("a") + 1
    m = re.match(r"^\s*(?:Q\s*)?[(（]?(\d{1,3})(?![\d.．]\d)", text)
    return int(m[1]) if m and NUMBER_RE.match(text) else None


def strip_number(text: str) -> str:
    return NUMBER_RE.sub("", text, count=1).strip()


def strip_label(text: str) -> str:
    return Q_LABEL_RE.sub("", text, count=1).strip()


def is_section_label(text: str, suffixes: bool = True) -> bool:
    """总结/前言/参考资料 …, or (with `suffixes`) a name of a part such as `LoRA 篇`."""
    bare = re.sub(r"[\s:：.。、!！*#]+$", "", strip_number(text)).strip()
    return bare.lower() in rules().section_labels or (suffixes and bare.endswith(rules().section_suffixes) and not
                                              re.search(r"[?？]", bare))


def form(text: str) -> dict[str, float]:
    """The word-level features of `text` that fire, with their weights."""
    r = rules()
    w = r.weights
    out: dict[str, float] = {}
    labelled = bool(Q_LABEL_RE.match(text))
    bare = strip_number(strip_label(text)) if labelled else strip_label(strip_number(text))
    if labelled:
        out["label"] = w["label"]
    if bare != text.strip() and not labelled:
        out["numbered"] = w["numbered"]
    if r.question_end.search(bare):
        out["question_mark"] = w["question_mark"]
    latin_only = not CJK_RE.search(bare)
    size = len(bare) / r.latin_length_factor if latin_only else len(bare)  # `What is …` is longer in letters
    short = size <= r.long_chars
    core = re.sub(r"[\s?？。.!！:：]+$", "", bare)
    if short and any(q in bare for q in r.question_words) and _has_subject(core, r.question_words):
        out["question_word"] = w["question_word"]
    elif short and bare.endswith(r.question_endings) and len(bare) > 3:
        out["question_word"] = w["question_word"]
    elif short and latin_only and r.latin_question_words.match(bare):
        out["question_word"] = w["question_word"]
    if (bare.startswith(r.requests) and _has_subject(core, r.requests)) or core.endswith(r.request_endings) or \
            (latin_only and r.latin_requests.match(bare)):
        out["request"] = w["request"]
    if core.endswith(r.ask_nouns) and "question_word" not in out and _has_subject(core, r.ask_nouns):
        out["ask_noun"] = w["ask_noun"]
    elif latin_only and r.latin_ask_nouns.match(bare) and "question_word" not in out:
        out["ask_noun"] = w["ask_noun"]
    if is_section_label(bare) or len(re.sub(r"\W", "", bare)) < 2:
        out["section_label"] = w["section_label"]
    if re.search(r"[。!！]\s*$", bare) and not ({"question_mark", "label", "request"} & out.keys()):
        out["statement"] = w["statement"]  # a sentence ending in 。 states, even with 哪种 in it
    if re.search(r"[:：]\s*$", bare) and not ({"question_mark", "label"} & out.keys()):
        out["colon_label"] = w["colon_label"]  # `**RLHF 的优势：**` introduces points, it does not ask
    if size > r.very_long_chars:
        out["very_long"] = w["very_long"]
    elif size > r.long_chars:
        out["long"] = w["long"]
    if SENTENCE_RE.search(re.sub(r"[?？]\s*$", "", bare)) and len(bare) > 30:
        out["sentences"] = w["sentences"]
    latin = len(re.findall(r"[A-Za-z]", bare))
    if latin > 12 and not re.search(r"[\u4e00-\u9fff]", bare) and not (
            {"question_mark", "question_word", "request", "label", "ask_noun"} & out.keys()):
        out["latin_title"] = w["latin_title"]
    if DECIMAL_RE.match(text) and not ({"question_mark", "question_word", "request"} & out.keys()):
        out["decimal_number"] = w["decimal_number"]
    return out


def _has_subject(core: str, words: tuple[str, ...]) -> bool:
    """`优缺点` or `原理` alone labels a part of an answer; `LoRA 的原理` asks about something."""
    rest = core
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(re.sub(r"[\s的和与及、,，]", "", rest)) >= 2


def strong(features: dict[str, float], minimum: float = 1.0) -> bool:
    """Reads as a question by its words alone (used for the run-of-siblings feature)."""
    return sum(features.values()) >= minimum and bool({"question_mark", "label", "question_word", "request"}
                                                      & features.keys())


def question_text(text: str) -> str:
    """The question as written, without its label (`问：`, `Q1:`); numbering is left to the clean chain."""
    return strip_label(text) if Q_LABEL_RE.match(text) else text.strip()


def is_reveal_label(text: str) -> bool:
    """`点击展开答案`, `Show answer`: the label of a folded answer, not a question (empty text is no label)."""
    return bool(re.sub(r"\W", "", text)) and bool(rules().reveal_labels.match(text))
