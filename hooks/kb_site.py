"""mkdocs hook: turn notes/ into pages by calling the kb generator (tools/kb/generate).

All page content comes from ``kb.generate``; this file only adapts it to mkdocs events, so another
builder (or ``kb generate --out DIR``) can use the same generator. Hooks are cached by
``mkdocs serve``: restart it after editing this file.

Search: Material's indexer runs in a helper process (``kb.generate.search_worker``) while pages are
still being rendered, and the index is written compact (``kb.generate.search_index``). If the helper
cannot be used, Material indexes as usual and the index file is compacted after the build. Either
way each question's entry is cut to a size budget (``search_index.Trimmer``).

``mkdocs serve``: rendered question bodies are reused across rebuilds (``kb.generate.render_cache``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File

from kb.generate import related, search_worker
from kb.generate.inputs import load_inputs
from kb.generate.inputs import GLOSSARY_FILE
from kb.generate.links import edit_url
from kb.generate.render_cache import cache as render_cache
from kb.generate.search_index import ANSWER_CHARS, Trimmer, compact_search_index, dumps_index, load_key_terms
from kb.generate.site import build_site

log = logging.getLogger("mkdocs.plugins.kb")  # under "mkdocs": counted by --strict
_edit_urls: dict[str, str | None] = {}
_repo_url = ""
_root: Path | None = None
_search = {"dicts": (None, None), "written": False, "plugin": None}
_index_heads: dict[str, dict[str, int]] = {}  # page src_uri -> {question id: blocks kept in full}
_heads_by_url: dict[str, dict[str, int]] = {}  # the same by page URL, filled as pages render


def _key_terms() -> list[str]:
    """Domain terms kept in every question's index entry (the generator's glossary, jieba's user dict)."""
    return load_key_terms(GLOSSARY_FILE, _search["dicts"][1])


def _kb_root(config) -> Path:
    return Path(os.environ.get("KB_ROOT") or Path(config.config_file_path).parent)


def _search_plugin(config):
    try:
        from material.plugins.search.plugin import SearchPlugin
    except ImportError:
        return None
    return next((p for p in config.plugins.values() if isinstance(p, SearchPlugin)), None)


def _dict_path(value: str | None, option: str) -> str | None:
    if not value:
        return None
    path = os.path.normpath(value)
    if not os.path.isfile(path):
        log.warning(f"Configuration error for 'search.{option}': '{value}' does not exist.")
        return None
    return os.path.abspath(path)


def _install_parallel_search(config) -> None:
    """Take jieba away from Material's search plugin (so it is not loaded in this process) and make
    the plugin's index forward pages to the helper process."""
    plugin = _search_plugin(config)
    _search["written"] = False
    _search["plugin"] = plugin
    if plugin is None or not plugin.config.enabled:
        return
    from material.plugins.search import plugin as material_search

    _search["dicts"] = (_dict_path(plugin.config.jieba_dict, "jieba_dict"),
                        _dict_path(plugin.config.jieba_dict_user, "jieba_dict_user"))
    plugin.config.jieba_dict = None
    plugin.config.jieba_dict_user = None
    base = material_search.SearchIndex
    if getattr(base, "kb_parallel", False):
        return

    class ParallelSearchIndex(base):
        kb_parallel = True

        def __init__(self, **cfg):
            super().__init__(**cfg)
            keep = {k: cfg[k] for k in ("lang", "separator", "pipeline", "fields") if k in cfg}
            self.worker = search_worker.get_worker(keep, *_search["dicts"])
            self.worker.configure(_key_terms(), ANSWER_CHARS)

        def add_entry_from_context(self, page):
            if getattr(page, "kb_indexed", False) or (page.meta.get("search") or {}).get("exclude"):
                return
            page.kb_indexed = True
            self.worker.add(page, _index_heads.get(page.file.src_uri))

        def generate_search_index(self, prev):
            self.entries = self.worker.collect()
            super().generate_search_index(prev)  # merges with the previous index under --dirty
            config = {k: self.config[k] for k in ("lang", "separator", "pipeline", "fields")}
            _search["written"] = True
            return dumps_index({"config": config, "docs": self.entries})

    material_search.SearchIndex = ParallelSearchIndex


def on_startup(command, dirty):
    """Under `mkdocs serve`, keep what the next rebuild can reuse (rendered questions, note features)."""
    render_cache.enabled = related.keep_features = command == "serve"


@event_priority(100)  # before Material's search plugin reads its configuration
def on_config(config):
    _install_parallel_search(config)
    return config


def on_files(files, config):
    global _edit_urls, _repo_url, _root
    _root = _kb_root(config)
    kb_extra = config.extra.get("kb") or {}
    inputs = load_inputs(_root, repo_url=kb_extra.get("repo_url"), docs_dir=Path(config.docs_dir))
    site = build_site(inputs)
    for problem in site.problems.items:  # errors and warnings both fail `mkdocs build --strict`
        (log.error if problem.level == "error" else log.warning)(str(problem))
    _repo_url = inputs.repo_url
    _edit_urls = {}
    _index_heads.clear()
    _heads_by_url.clear()
    render_cache.start_build(repr((config.markdown_extensions, sorted(config.mdx_configs.items(), key=str),
                                   config.use_directory_urls)))
    for page in site.pages:
        existing = files.get_file_from_path(page.uri)
        if existing is not None:  # docs/index.md is the template of the generated home page
            files.remove(existing)
        files.append(File.generated(config, page.uri, content=page.content))
        _edit_urls[page.uri] = page.edit_url
        if page.index_heads:
            _index_heads[page.uri] = page.index_heads
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


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri not in _index_heads:  # only topic pages: one block per question
        return markdown
    return render_cache.before_render(markdown, page.url, page.file.src_uri)


@event_priority(90)  # before anything else reads the page's HTML
def _restore_cached(html, page, config, files):
    """Cached question bodies back in; and the page URL's index budget known from now on."""
    if page.file.src_uri in _index_heads:
        _heads_by_url[page.url] = _index_heads[page.file.src_uri]
    return render_cache.after_render(html, page.url)


@event_priority(-100)  # after anything else changes the page's HTML
def _index_page(html, page, config, files):
    """Send the page to the search helper as soon as it is rendered: mkdocs renders every page's
    Markdown before it runs any on_page_context, so indexing there would not overlap with rendering.
    Material's own call in on_page_context then finds the page already indexed."""
    index = getattr(_search.get("plugin"), "search_index", None)
    if getattr(index, "kb_parallel", False):
        page.content = html
        index.add_entry_from_context(page)
    return html


on_page_content = CombinedEvent(_restore_cached, _index_page)


@event_priority(-50)  # after search writes the index, before the offline plugin inlines it (-100)
def on_post_build(config):
    if not _search["written"]:  # Material indexed in this process: compact its file instead
        plugin = _search.get("plugin")
        separator = plugin.config.separator if plugin is not None else None
        compact_search_index(Path(config.site_dir) / "search" / "search_index.json", _heads_by_url,
                             Trimmer(separator, _key_terms(), ANSWER_CHARS))


def on_serve(server, config, builder):
    """Also watch the notes being built when KB_ROOT points outside the repository."""
    notes = _kb_root(config) / "notes"
    if notes.is_dir():
        server.watch(str(notes))
    return server


def on_shutdown():
    search_worker.stop_worker()
