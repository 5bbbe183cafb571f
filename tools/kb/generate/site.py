"""Notes → the generated pages of the site, as {uri: Markdown}. Used by the mkdocs hook
(hooks/kb_site.py) and by ``kb generate --out DIR`` (``generate``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from .context import Context, split_topics
from .glossary import glossary_problems, load_glossary, resolve_terms
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
from .pages import head_blocks, render_topic_overview, render_topic_page
from .problems import GenerationError, Problems
from .related import compute_related
from .study import QUESTIONS_JS, downloads_dir, find_editions, questions_script, render_downloads_page, \
    render_study_page

log = logging.getLogger("kb.generate")


@dataclass
class GeneratedPage:
    uri: str
    content: str
    edit_url: str | None = None
    # Topic pages: {question id: leading search-index blocks kept in full (meta line, aliases line)}
    index_heads: dict[str, int] | None = None
    nav_title: str | None = None  # a topic's overview page: the title of its nav section


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
    problems, gfile = inputs.problems, inputs.glossary_file
    terms = load_glossary(gfile)
    # The glossary is held to the notes (a dead entry would be a broken link); structure files are
    # checked by `kb check` only: a stale entry there never breaks a page (notes place themselves).
    if inputs.own_data:
        for line, msg in glossary_problems(terms, inputs.notes):
            problems.error(f"{gfile}:{line}", msg)
    ctx.terms = resolve_terms(terms, inputs.notes, lambda line, msg: problems.error(f"{gfile}:{line}", msg)
                              if inputs.own_data else None)
    for note in inputs.notes:
        for rid in note.related:
            if rid not in locations:
                problems.error(note.path, f"unknown question id in related: '{rid}'")
    # Neighbours only where a structure file set the order: source order says nothing about prerequisites.
    sections = [[n.id for n in notes] for p in parts if p.topic.id in inputs.structures for _, notes in p.sections]
    ctx.related, ctx.neighbours = compute_related(inputs.notes, ctx.terms, ctx.non_subject_tags, sections)
    return ctx


def build_site(inputs: SiteInputs) -> Site:
    next_build()  # formula cache: reuse only what the previous build converted
    ctx = build_context(inputs)
    repo = inputs.repo_url
    pages = [GeneratedPage("index.md", render_home(ctx), edit_url(repo, "docs/index.md"))]
    taxonomy_url = edit_url(repo, "tools/kb/data/taxonomy.yml")
    pages.append(GeneratedPage("topics/index.md", render_topics_index(ctx), taxonomy_url))
    for p in ctx.parts:
        if p.overview and p.index == 1:
            pages.append(GeneratedPage(p.overview, render_topic_overview(ctx, p.topic), taxonomy_url,
                                       nav_title=p.topic.name))
        pages.append(GeneratedPage(p.uri, render_topic_page(ctx, p),
                                   index_heads={n.id: head_blocks(ctx, n) for n in p.notes}))
    pages += [
        GeneratedPage("unanswered.md", render_unanswered(ctx)),
        GeneratedPage("tags.md", render_tags(ctx), edit_url(repo, "tools/kb/data/tags.yml")),
        GeneratedPage("glossary.md", render_glossary(ctx), edit_url(repo, "tools/kb/data/glossary.yml")),
        GeneratedPage("sources.md", render_sources(ctx), edit_url(repo, "sources/sources.yml")),
    ]
    pages += [
        GeneratedPage("study.md", render_study_page(ctx)),
        GeneratedPage("offline.md", render_downloads_page(find_editions(downloads_dir()))),
        GeneratedPage(QUESTIONS_JS, questions_script(ctx)),
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
