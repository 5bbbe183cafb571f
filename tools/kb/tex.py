"""Where formulas are in note Markdown: one definition for the importer's repairs, the import check,
the generator's MathML rendering and the editions.

``$$...$$`` is display math, ``$...$`` inline math (pandoc's rule: no space after the opening or
before the closing ``$``, no digit right after the closing one, so "5 元和 $6" stays text).
"""

from __future__ import annotations

import re

_INLINE = r"(?<![\\$\w])\$(?![\s$])((?:\\\$|[^$\n])+?)(?<![\s\\])\$(?![\d$])"
DISPLAY_RE = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
INLINE_RE = re.compile(_INLINE)
# Either kind in one pass: group 1 is a display formula's TeX, group 2 an inline one's.
MATH_RE = re.compile(r"\$\$(.+?)\$\$|" + _INLINE, re.DOTALL)
