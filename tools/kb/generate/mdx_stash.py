"""Python-Markdown extension: pass the generator's rendered formulas through untouched, cheaply.

Formulas arrive in the page Markdown as one-line ``<span class="kb-math…">…MathML…</span>`` (see
``math.py``). Left to Markdown, every MathML tag goes through the raw-HTML block scanner and every
text node between tags through all inline patterns, about a third of the rendering time on formula-
heavy pages, only to come out unchanged. This preprocessor stores each formula in Markdown's HTML
stash before any parsing, leaving a short placeholder that Markdown's own raw-HTML postprocessor
swaps back, so the output HTML is identical.

Enabled in mkdocs.yml as ``kb.generate.mdx_stash``.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

# The generator's own markup (math.py): the MathML contains no "</span>".
FORMULA_RE = re.compile(r'<span class="kb-math(?: kb-math--display)?">.*?</span>')


class FormulaStash(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if "kb-math" in line:
                line = FORMULA_RE.sub(lambda m: self.md.htmlStash.store(m.group(0)), line)
            out.append(line)
        return out


class FormulaStashExtension(Extension):
    def extendMarkdown(self, md):
        # After whitespace normalisation (30), before raw HTML blocks are extracted (20).
        md.preprocessors.register(FormulaStash(md), "kb_formula_stash", 25)


def makeExtension(**kwargs):
    return FormulaStashExtension(**kwargs)
