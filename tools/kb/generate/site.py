"""Notes → the generated pages of the site, as {uri: Markdown}. Used by the mkdocs hook
(hooks/kb_site.py) and by ``kb generate --out DIR`` (``generate``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .context import Context, split_topics
from .glossary import load_glossary, resolve_terms
from .inputs import SiteInputs, load_inputs
from .links import Location, edit_url
from .math import next_build
from .lists import (
    render_glossary,
    render_home,
    render_sources,
    render_tags,
    render_topics_index,
    render_unanswered,
)
from .pages import render_topic_page
from .problems import GenerationError, Problems
from .related import compute_related

log = logging.getLogger("kb.generate")


@dataclass
class GeneratedPage:
    uri: str
    content: str
    edit_url: str | None = None
    # Topic pages: {question id: leading search-index blocks kept in full (meta line, aliases line)}
    index_heads: dict[str, int] | None = None


@dataclass
class Site:
    pages: list[GeneratedPage]
    problems: Problems

    def page(self, uri: str) -> GeneratedPage:
        return next(p for p in self.pages if p.uri == uri)


def build_context(inputs: SiteInputs) -> Context:
    parts = split_topics(inputs)
    locations = {n.id: Location(p.uri, n.id) for p in parts for n in p.notes}
    ctx = Context(inputs, parts, locations)
    ctx.terms = resolve_terms(load_glossary(inputs.glossary_file), inputs.notes,
                              lambda msg: inputs.problems.error(inputs.glossary_file, msg))
    for note in inputs.notes:
        for rid in note.related:
            if rid not in locations:
                inputs.problems.error(note.path, f"unknown question id in related: '{rid}'")
    ctx.related = compute_related(inputs.notes, ctx.terms, ctx.experience_tags)
    return ctx


def build_site(inputs: SiteInputs) -> Site:
    next_build()  # formula cache: reuse only what the previous build converted
    ctx = build_context(inputs)
    repo = inputs.repo_url
    pages = [GeneratedPage("index.md", render_home(ctx), edit_url(repo, "docs/index.md"))]
    taxonomy_url = edit_url(repo, "tools/kb/data/taxonomy.yml")
    pages.append(GeneratedPage("topics/index.md", render_topics_index(ctx), taxonomy_url))
    pages += [GeneratedPage(p.uri, render_topic_page(ctx, p), index_heads={n.id: 1 + bool(n.aliases) for n in p.notes})
              for p in ctx.parts]
    pages += [
        GeneratedPage("unanswered.md", render_unanswered(ctx)),
        GeneratedPage("tags.md", render_tags(ctx), edit_url(repo, "tools/kb/data/tags.yml")),
        GeneratedPage("glossary.md", render_glossary(ctx), edit_url(repo, "tools/kb/data/glossary.yml")),
        GeneratedPage("sources.md", render_sources(ctx), edit_url(repo, "sources/sources.yml")),
    ]
    return Site(pages, inputs.problems)


def generate(root: Path, out: Path, *, strict: bool = False) -> list[Path]:
    """Write the generated pages for the notes under ``root/notes`` into ``out``; return the paths.

    Errors (unknown ``q:`` or ``related`` ids, unreadable notes) raise GenerationError naming the
    notes; warnings (formulas that cannot be rendered) are logged, and raise too when ``strict``.
    """
    site = build_site(load_inputs(root))
    for p in site.problems.warnings:
        log.warning(str(p))
    failing = site.problems.errors + (site.problems.warnings if strict else [])
    if failing:
        raise GenerationError(failing)
    written = []
    for page in site.pages:
        path = Path(out) / page.uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page.content, encoding="utf-8")
        written.append(path)
    return written
