"""Search in Chromium: the reader-query benchmark on the real site (with a floor), the index loaded only
when a reader searches, clean results, and the same results offline (file://) as online."""

import importlib.util
import json
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("search_benchmark", REPO / "scripts" / "search_benchmark.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# Floors on tests/search/queries.yml (BENCHMARKS.md, "Search", has the measured values): a change that
# makes readers miss their questions fails here.
FLOOR_R1 = 0.75
FLOOR_R5 = 0.88
# Floors on tests/search/heldout.yml, queries nobody tuned search on (measured 0.73 / 0.97 after the
# typo, substring and common-word changes; 0.67 / 0.90 before them). Do not tune on that file.
HELDOUT = REPO / "tests" / "search" / "heldout.yml"
HELDOUT_R1 = 0.68
HELDOUT_R5 = 0.92


@pytest.fixture(scope="module")
def real_site(tmp_path_factory):
    """The repository's own notes, built as `mkdocs build` does."""
    return bench.build_site(tmp_path_factory.mktemp("real") / "site")


def _recall(browser, real_site, path, min_queries):
    """R@1 / R@5 of a query file on the real site; a merged-away expected id fails by name."""
    queries = bench.load_queries(path)
    bench.check_ids(queries, bench.note_ids(REPO / "notes"), path)
    server = bench.Server(real_site)
    try:
        summary = bench.summarise(bench.run(server.url, queries, browser=browser, cold=False))
    finally:
        server.close()
    assert summary["all"]["n"] >= min_queries
    return summary


def test_reader_queries_find_their_questions(browser, real_site):
    summary = _recall(browser, real_site, bench.QUERIES, 80)
    assert summary["all"]["r1"] >= FLOOR_R1, bench.markdown(summary)
    assert summary["all"]["r5"] >= FLOOR_R5, bench.markdown(summary)


def test_held_out_queries_find_their_questions(browser, real_site):
    summary = _recall(browser, real_site, HELDOUT, 60)
    assert summary["all"]["r1"] >= HELDOUT_R1, bench.markdown(summary)
    assert summary["all"]["r5"] >= HELDOUT_R5, bench.markdown(summary)


def test_missing_expected_id_fails_by_name():
    queries = [{"kind": "zh", "q": "x", "expect": ["gone-123"]}]
    with pytest.raises(SystemExit, match="gone-123"):
        bench.check_ids(queries, {"other"})


def test_index_is_fetched_only_when_the_reader_searches(browser, served_site):
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(served_site)
    page.wait_for_timeout(800)
    stub = [u for u in requests if u.endswith("search/search_index.json")]
    assert not [u for u in requests if "kb-index." in u], requests  # not on page load
    page.click("label.md-search__icon, .md-header__button[for=__search]", timeout=5000) \
        if page.locator("input.md-search__input").is_hidden() else page.locator("input.md-search__input").focus()
    page.wait_for_timeout(800)
    assert [u for u in requests if "kb-index." in u], "focusing the search box should fetch the index"
    assert len(stub) <= 1
    page.close()


def _top(page, query: str) -> list[str]:
    out = page.evaluate(bench.RUN_QUERY_JS, [query, 300])
    return [i for i in (bench.note_id(h) for h in out["links"]) if i][:5]


QUERIES = ["旋转位置编码", "rope", "lora原理", "kvcache", "显存", "top_p", "灾难性遗忘", "decoder only"]


def test_results_are_clean_and_the_same_offline(browser, served_site, offline_site):
    page = browser.new_page()
    page.goto(served_site)
    bench.open_search(page)
    online = {q: _top(page, q) for q in QUERIES}
    text = page.locator(".md-search-result__list").inner_text()
    html = page.locator(".md-search-result__list").inner_html()
    page.close()
    assert all(online.values()), online
    for junk in ("已解答", "面经", "<!--", "**", "也问作"):
        assert junk not in text, junk
    assert not re.search(r"<(p|ul|li|code)>", html)  # snippets are plain text (plus <mark>)
    page = browser.new_page()
    page.goto((offline_site / "index.html").as_uri())
    bench.open_search(page)
    offline = {q: _top(page, q) for q in QUERIES}
    page.close()
    assert offline == online, json.dumps({"online": online, "offline": offline}, ensure_ascii=False)
