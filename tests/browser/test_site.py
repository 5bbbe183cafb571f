"""The built fixture site in Debian's chromium: search, anchors, offline use, phone layout."""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

QUERIES = [  # (query, expected question id)
    ("旋转位置编码", "what-is-rope"),
    ("灾难性遗忘", "decoder-only"),
    ("显存", "kv-cache-memory"),
    ("RoPE", "what-is-rope"),
    ("top_p", "top-p-sampling"),
]


def search(page, query: str):
    page.click("label.md-search__icon, .md-header__button[for=__search]", timeout=5000) \
        if page.locator("input.md-search__input").is_hidden() else None
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # Material searches on key events
    page.wait_for_selector(".md-search-result__item", timeout=10000)
    page.wait_for_timeout(400)  # results render as you type; let them settle
    return page.locator(".md-search-result__item a.md-search-result__link")


@pytest.mark.parametrize("query,note_id", QUERIES)
def test_search_finds_question_and_lands_on_anchor(browser, served_site, query, note_id):
    page = browser.new_page()
    page.goto(served_site)
    links = search(page, query)
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 5))]
    match = [i for i, h in enumerate(hrefs) if h and h.endswith(f"#{note_id}")]
    assert match, f"{query!r}: {hrefs}"
    # A page's further sections sit in a collapsed "more" list; click the link itself either way.
    links.nth(match[0]).evaluate("a => a.click()")
    page.wait_for_url(f"**#{note_id}")
    assert page.locator(f"h2#{note_id}").is_visible()
    page.close()


def test_mixed_query_decoder_only(browser, served_site):
    page = browser.new_page()
    page.goto(served_site)
    links = search(page, "decoder only")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 5))]
    assert any(h.endswith("#decoder-only") for h in hrefs), hrefs
    page.close()


def test_offline_site_from_file_url_makes_no_external_requests(browser, offline_site, shots):
    context = browser.new_context()
    external = []

    def route(r):
        if urlparse(r.request.url).scheme in ("file", "data", "blob", "about"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto((offline_site / "index.html").as_uri())
    page.click("a[href='topics/position-encoding.html']")  # navigate via a topic card
    page.wait_for_url("**/topics/position-encoding.html")
    assert page.locator("math").count() >= 3
    links = search(page, "RoPE")
    hrefs = [links.nth(i).get_attribute("href") for i in range(min(links.count(), 5))]
    assert any(h.endswith("#what-is-rope") for h in hrefs), hrefs
    links = search(page, "灾难性遗忘")
    assert links.count() >= 1
    page.screenshot(path=str(shots / "offline-search.png"))
    assert external == [], external
    context.close()


def test_phone_layout_has_no_horizontal_scroll(browser, served_site, shots):
    page = browser.new_page(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True)
    for path in ("topics/inference/", "topics/inference/kv-cache/", "topics/position-encoding/", "topics/peft/", ""):
        page.goto(served_site + path)
        page.wait_for_load_state("load")
        width = page.evaluate("document.documentElement.scrollWidth")
        inner = page.evaluate("window.innerWidth")
        assert width <= inner, (path, width, inner)
    page.goto(served_site + "topics/position-encoding/#position-encoding-formula")
    page.screenshot(path=str(shots / "phone-formula.png"))
    page.goto(served_site + "topics/inference/")
    page.screenshot(path=str(shots / "phone-inference.png"), full_page=True)
    page.close()


def test_provenance_is_collapsed_under_a_canonical_answer(browser, served_site):
    """要点 and the canonical answer are visible; a source answer is one closed line naming the source
    and its verdict until opened; without a canonical answer the sources are open."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(served_site + "topics/peft/#lora-vs-qlora")
    question = page.locator("h2#lora-vs-qlora")
    assert question.is_visible()
    keypoints = page.locator(".kb-keypoints").first
    assert keypoints.is_visible() and "要点" in keypoints.inner_text()
    source = page.locator("details.kb-source").first
    summary = source.locator("summary")
    assert summary.is_visible() and "有勘误" in summary.inner_text() and "《大模型面试题汇总》" in summary.inner_text()
    assert source.get_attribute("open") is None
    assert not source.locator(".admonition.warning").first.is_visible()  # the erratum opens with its block
    summary.click()
    assert source.locator(".admonition.warning").first.is_visible()
    page.goto(served_site + "topics/position-encoding/#what-is-rope")
    opened = page.locator("h2#what-is-rope ~ details.kb-source").first
    assert opened.get_attribute("open") is not None
    page.close()
