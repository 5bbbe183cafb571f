"""mkdocs hook: turn notes/ into pages by calling the kb generator (tools/kb/generate).

All page content comes from ``kb.generate``; this file only adapts it to mkdocs events, so another
builder (or ``kb generate --out DIR``) can use the same generator. Hooks are cached by
``mkdocs serve``: restart it after editing this file.

Search: the index holds the questions only and is built from the notes (``kb.search``), in a helper
process (``kb.generate.search_worker``) while pages are still being rendered; Material indexes no
page. Its ``search_index.json`` becomes a stub naming the index file (``kb.generate.search_index``),
which the site's own search worker loads when a reader starts searching.

``mkdocs serve``: rendered question bodies are reused across rebuilds (``kb.generate.render_cache``).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

from kb.generate import related, search_worker
from kb.generate.inputs import load_inputs
from kb.generate.inputs import GLOSSARY_FILE
from kb.paths import DATA_DIR
from kb.generate.links import edit_url
from kb.generate.render_cache import cache as render_cache
from kb.generate.search_index import question_docs, write_index
from kb.generate.site import build_site
from kb.generate.study import downloads_dir, find_editions

log = logging.getLogger("mkdocs.plugins.kb")  # under "mkdocs": counted by --strict
_edit_urls: dict[str, str | None] = {}
_repo_url = ""
_root: Path | None = None
_search = {"dicts": (None, None), "plugin": None, "worker": None}
_search_pages: dict[str, tuple[str, str]] = {}  # topic page src_uri -> (URL, title), for the index
SYNONYMS_FILE = DATA_DIR / "synonyms.yml"
_index_heads: dict[str, dict[str, int]] = {}  # page src_uri -> {question id: blocks kept in full}
_nav_titles: dict[str, str] = {}  # a split topic's overview page src_uri -> its nav section title


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
    """Take jieba away from Material's search plugin (so it is not loaded in this process), start
    the helper that builds the question index, and stop Material from indexing pages."""
    plugin = _search_plugin(config)
    _search["plugin"] = plugin
    _search["worker"] = None
    if plugin is None or not plugin.config.enabled:
        return
    from material.plugins.search import plugin as material_search

    _search["dicts"] = (_dict_path(plugin.config.jieba_dict, "jieba_dict"),
                        _dict_path(plugin.config.jieba_dict_user, "jieba_dict_user"))
    plugin.config.jieba_dict = None
    plugin.config.jieba_dict_user = None
    _search["worker"] = search_worker.get_worker(_search["dicts"][1], str(SYNONYMS_FILE), str(GLOSSARY_FILE))
    base = material_search.SearchIndex
    if getattr(base, "kb_parallel", False):
        return

    class QuestionsOnlySearchIndex(base):
        """Material's index with no page entries: it writes only its config (the stub)."""

        kb_parallel = True

        def add_entry_from_context(self, page):
            return

    material_search.SearchIndex = QuestionsOnlySearchIndex


def on_startup(command, dirty):
    """Under `mkdocs serve`, keep what the next rebuild can reuse (rendered questions, note features)."""
    render_cache.enabled = related.keep_features = command == "serve"


@event_priority(100)  # before Material's search plugin reads its configuration
def on_config(config):
    _install_parallel_search(config)
    _drop_worker_shim_online(config)
    return config


def _drop_worker_shim_online(config) -> None:
    """The iframe-worker shim (extra.polyfills) makes search work from file://; a served site has real
    workers, and a script in the head would only delay the first paint. Kept in offline builds."""
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    if offline is not None and offline.config.enabled:
        return
    shims = config.extra.get("polyfills") or []
    config.extra["polyfills"] = [s for s in shims if "iframe-worker" not in str(s)]


def on_files(files, config):
    global _edit_urls, _repo_url, _root
    _root = _kb_root(config)
    kb_extra = config.extra.get("kb") or {}
    inputs = load_inputs(_root, repo_url=kb_extra.get("repo_url"), docs_dir=Path(config.docs_dir))
    site = build_site(inputs)
    for problem in site.problems.items:  # errors and warnings both fail `mkdocs build --strict`
        (log.error if problem.level == "error" else log.warning)(str(problem))
    if _search["worker"] is not None:  # segmented by the helper while pages render
        _search["worker"].add_questions(question_docs(inputs, site.pages))
    _search_pages.clear()
    _repo_url = inputs.repo_url
    _edit_urls = {}
    _index_heads.clear()
    _nav_titles.clear()
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
        if page.nav_title:
            _nav_titles[page.uri] = page.nav_title
    for edition in find_editions(downloads_dir()):  # editions built before the site (deploy workflow)
        files.append(File.generated(config, f"downloads/{edition.file}",
                                    abs_src_path=str(downloads_dir() / edition.file)))
    return files


@event_priority(10)  # before awesome-pages, which keeps this order and applies docs/.pages
def on_nav(nav, config, files):
    """mkdocs sorts generated pages by name; put topic pages back in taxonomy and section order, and
    name a split topic's folder section after the topic (mkdocs would use the folder name)."""
    order = {uri: i for i, uri in enumerate(_edit_urls)}

    def key(item):
        if item.is_section:
            return min((key(c) for c in item.children), default=None)
        uri = getattr(getattr(item, "file", None), "src_uri", None)
        return order.get(uri)

    def sort(items):
        for item in items:
            if item.is_section:
                sort(item.children)
                title = next((_nav_titles[c.file.src_uri] for c in item.children
                              if getattr(c, "file", None) is not None and c.file.src_uri in _nav_titles), None)
                if title:
                    item.title = title
        if items and all(key(i) is not None for i in items):
            items.sort(key=key)

    sort(nav.items)
    return nav


def on_page_context(context, page, config, nav):
    uri = page.file.src_uri
    page.edit_url = _edit_urls[uri] if uri in _edit_urls else edit_url(_repo_url, f"docs/{uri}")
    if uri in _index_heads:
        _search_pages[uri] = (page.url, str(page.title))
    return context


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri not in _index_heads:  # only topic pages: one block per question
        return markdown
    return render_cache.before_render(markdown, page.url, page.file.src_uri)


@event_priority(90)  # before anything else reads the page's HTML
def _restore_cached(html, page, config, files):
    """Cached question bodies back in."""
    return render_cache.after_render(html, page.url)


on_page_content = _restore_cached


def _offline(config) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin is not None and plugin.config.enabled)


def on_post_page(output, page, config):
    """The site's search worker replaces Material's through the page configuration (overrides/
    main.html): fail the build if Material's configuration block no longer has the entry we set."""
    if _search["worker"] is None:  # search disabled: Material's configuration is left as it is
        return output
    if '<script id="__config" type="application/json">' not in output or '"search":' not in output \
            or "kb-search-worker.js" not in output:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"{page.file.src_uri}: Material's page configuration (#__config with a \"search\" "
                          "worker URL) or our override of it (overrides/main.html, block config) is missing; "
                          "Material changed: update the override before building")
    return output


@event_priority(-50)  # after search writes its stub, before the offline plugin inlines it (-100)
def on_post_build(config):
    if _search["worker"] is None:
        return
    index = _search["worker"].build(dict(_search_pages))
    write_index(Path(config.site_dir), index, inline=_offline(config))


def on_serve(server, config, builder):
    """Also watch the notes being built when KB_ROOT points outside the repository."""
    notes = _kb_root(config) / "notes"
    if notes.is_dir():
        server.watch(str(notes))
    return server


def on_shutdown():
    search_worker.stop_worker()
