"""mkdocs hook: turn notes/ into pages by calling the kb generator (tools/kb/generate).

All page content comes from ``kb.generate``; this file only adapts it to mkdocs events, so another
builder (or ``kb generate --out DIR``) can use the same generator. Hooks are cached by
``mkdocs serve``: restart it after editing this file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from kb.generate.inputs import load_inputs
from kb.generate.links import edit_url
from kb.generate.search_index import compact_search_index
from kb.generate.site import build_site

log = logging.getLogger("mkdocs.plugins.kb")  # under "mkdocs": counted by --strict
_edit_urls: dict[str, str | None] = {}
_repo_url = ""


def on_files(files, config):
    global _edit_urls, _repo_url
    root = Path(os.environ.get("KB_ROOT") or Path(config.config_file_path).parent)
    kb_extra = config.extra.get("kb") or {}
    inputs = load_inputs(root, repo_url=kb_extra.get("repo_url"), docs_dir=Path(config.docs_dir))
    site = build_site(inputs)
    for problem in site.problems.items:  # errors and warnings both fail `mkdocs build --strict`
        (log.error if problem.level == "error" else log.warning)(str(problem))
    _repo_url = inputs.repo_url
    _edit_urls = {}
    for page in site.pages:
        existing = files.get_file_from_path(page.uri)
        if existing is not None:  # docs/index.md is the template of the generated home page
            files.remove(existing)
        files.append(File.generated(config, page.uri, content=page.content))
        _edit_urls[page.uri] = page.edit_url
    return files


@event_priority(10)  # before awesome-pages, which keeps this order and applies docs/.pages
def on_nav(nav, config, files):
    """mkdocs sorts generated pages by name; put topic pages back in taxonomy order."""
    order = {uri: i for i, uri in enumerate(_edit_urls)}

    def sort(items):
        for item in items:
            if item.is_section:
                sort(item.children)
        if all(getattr(i, "file", None) is not None and i.file.src_uri in order for i in items):
            items.sort(key=lambda i: order[i.file.src_uri])

    sort(nav.items)
    return nav


def on_page_context(context, page, config, nav):
    uri = page.file.src_uri
    page.edit_url = _edit_urls[uri] if uri in _edit_urls else edit_url(_repo_url, f"docs/{uri}")
    return context


@event_priority(-50)  # after search writes the index, before the offline plugin inlines it (-100)
def on_post_build(config):
    compact_search_index(Path(config.site_dir) / "search" / "search_index.json")
