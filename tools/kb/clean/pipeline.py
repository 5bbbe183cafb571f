"""The clean chains: which small steps run, in which order, on each kind of text."""

from __future__ import annotations

from functools import reduce

from . import steps

# Order matters: characters first, then links (so link text gets the prose fixes), then OCR,
# LaTeX, structure, and typography last.
ANSWER_CHAIN: tuple[steps.Step, ...] = (
    steps.replace_lookalikes,
    steps.fullwidth_ascii,
    steps.html_entities,
    steps.unwrap_links,
    steps.wiki_links,
    steps.repair_latex,
    lambda t: steps.outside_protected(t, steps.ocr_fixes),
    lambda t: steps.outside_protected(t, steps.join_cjk_spaces),
    steps.fence_flattened_code,
    steps.cjk_punctuation,
    steps.cjk_latin_spacing,
    steps.paragraph_breaks,
    steps.tidy_whitespace,
)

# Aliases keep the source's wording: noise is removed, typography is not normalised.
ALIAS_CHAIN: tuple[steps.Step, ...] = (
    steps.replace_lookalikes,
    steps.fullwidth_ascii,
    steps.html_entities,
    steps.unwrap_links,
    steps.wiki_links,
    lambda t: steps.outside_protected(t, steps.ocr_fixes),
    steps.single_line,  # before joining, so "中\n。" does not become "中 。" after the join
    lambda t: steps.outside_protected(t, steps.join_cjk_spaces),
    steps.strip_question_numbering,
    steps.strip_emphasis_wrapper,
    steps.single_line,
)

QUESTION_CHAIN: tuple[steps.Step, ...] = ALIAS_CHAIN + (
    steps.cjk_punctuation,
    steps.cjk_latin_spacing,
    steps.strip_question_numbering,  # "1问题" only shows its numbering once spaced: strip again
    steps.single_line,
    steps.question_mark,
)


def run(chain: tuple[steps.Step, ...], text: str) -> str:
    return reduce(lambda acc, step: step(acc), chain, text)


def clean_answer(text: str) -> str:
    return run(ANSWER_CHAIN, text)


def clean_question(text: str) -> str:
    return run(QUESTION_CHAIN, text)


def clean_alias(text: str) -> str:
    return run(ALIAS_CHAIN, text)
