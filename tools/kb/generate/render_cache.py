"""Rendered questions reused across the rebuilds of one ``mkdocs serve`` session.

Markdown rendering is most of a rebuild, and an edit usually changes one question. A topic page's
Markdown is one block per question (``## question { #id }`` then its body, see ``pages.py``), and
everything a body's HTML depends on is in the body's own Markdown: links to other questions are
already resolved to page + anchor by the generator, as are glossary links, the related list
(with the other questions' titles) and formulas. So a body's HTML is cached under

    (Markdown configuration, page URL, page source path, body Markdown)

and on the next rebuild a body with the same key is replaced, before rendering, by a placeholder
comment; after rendering the placeholder is swapped for the cached HTML. A change to another note's
question or topic changes the Markdown of every body linking to it (link target or title), so those
bodies are rendered again. Headings stay in the Markdown, so the table of contents and anchors are
built by Markdown as usual.

The only per-page state in a body's HTML is pymdownx.tabbed's numbering of tab sets
(``__tabbed_<set>_<tab>``, ``data-tabs="<set>:<tabs>"``): cached bodies are stored with their sets
numbered from 1 and every body is renumbered in page order, which gives exactly the numbering of a
full render.

Only used by ``mkdocs serve`` (a build renders everything, so ``--strict`` checks every link); the
cache keeps the entries of the previous rebuild only.
"""

from __future__ import annotations

import re

QUESTION_RE = re.compile(r"^## .* \{ #([A-Za-z0-9_-]+) \}$", re.MULTILINE)
TABBED_RE = re.compile(r'(__tabbed_|data-tabs=")(\d+)')
PLACEHOLDER = "<!--kb-cached-question:{}-->"


def _renumber(html: str, offset: int) -> tuple[str, int]:
    """Tab sets of ``html`` renumbered offset+1, offset+2 … in order of appearance; also the count."""
    numbers: dict[str, int] = {}

    def sub(m: re.Match) -> str:
        n = numbers.setdefault(m.group(2), len(numbers) + 1)
        return f"{m.group(1)}{offset + n}"

    return TABBED_RE.sub(sub, html), len(numbers)


class RenderCache:
    def __init__(self) -> None:
        self.enabled = False
        self.config_key: str | None = None
        self.previous: dict[tuple, str] = {}
        self.current: dict[tuple, str] = {}
        self.pages: dict[str, list[tuple[str, tuple, str | None]]] = {}  # page URL -> its questions
        self.hits = self.misses = 0

    def start_build(self, config_key: str) -> None:
        """Keep the previous rebuild's bodies (all of them if the Markdown configuration changed:
        none)."""
        self.previous = self.current if config_key == self.config_key else {}
        self.current, self.pages, self.config_key = {}, {}, config_key
        self.hits = self.misses = 0

    def before_render(self, markdown: str, url: str, src_uri: str) -> str:
        """The page Markdown with every cached question body replaced by a placeholder."""
        heads = list(QUESTION_RE.finditer(markdown))
        if not self.enabled or not heads:
            return markdown
        out = [markdown[:heads[0].start()]]
        questions = []
        for i, m in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(markdown)
            body = markdown[m.end():end]
            key = (self.config_key, url, src_uri, body)
            html = self.previous.get(key)
            questions.append((m.group(1), key, html))
            out.append(m.group(0))
            if html is None:
                self.misses += 1
                out.append(body)
            else:
                self.hits += 1
                out.append(f"\n\n{PLACEHOLDER.format(m.group(1))}\n\n")
        self.pages[url] = questions
        return "".join(out)

    def after_render(self, html: str, url: str) -> str:
        """The page HTML with the cached bodies put back; newly rendered bodies are remembered."""
        questions = self.pages.pop(url, None)
        if not questions:
            return html
        starts = []
        for qid, _, _ in questions:
            at = html.find(f'<h2 id="{qid}"')
            end = html.find("</h2>", at)
            if at < 0 or end < 0 or (starts and at < starts[-1][1]):
                return html  # not the expected structure (another plugin?): leave the page alone
            starts.append((at, end + len("</h2>")))
        out = [html[:starts[0][0]]]
        sets = 0
        for i, (qid, key, cached) in enumerate(questions):
            head_start, body_start = starts[i]
            body_end = starts[i + 1][0] if i + 1 < len(starts) else len(html)
            body = html[body_start:body_end]
            if cached is not None and PLACEHOLDER.format(qid) in body:
                body = cached
            else:
                body, _ = _renumber(body, 0)
            self.current[key] = body
            body, count = _renumber(body, sets)
            sets += count
            out += [html[head_start:body_start], body]
        return "".join(out)


cache = RenderCache()
