"""Phones and accessibility, measured in Debian's chromium on the fixture site plus one note written to
stress phones (a wide inline and a wide display formula, long English words in the glossary).

The site is built with site_url under a sub-path and served from that sub-path, the way GitHub Pages
serves a project site, with 404.html for any missing URL.
"""

from __future__ import annotations

import base64
import functools
import http.server
import io
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[1] / "site"))
from sitebuild import copy_fixture, mkdocs_build

pytestmark = pytest.mark.browser

SITE_URL = "https://example.org/kb/"
PHONE = {"width": 360, "height": 740}

WIDE_NOTE = """\
---
id: rope-long-derivation
question: RoPE 的逐元素实现怎么写？
topic: position-encoding
status: partial
sources:
- {source: s001, locator: L90}
tags:
- 公式
---

<!-- answer: s001 -->

实现时不做矩阵乘法，而是逐元素计算，其中 \
$\\cos(m\\theta) = (\\cos m\\theta_0, \\cos m\\theta_0, \\cos m\\theta_1, \\cos m\\theta_1, \\cos m\\theta_2, \
\\cos m\\theta_2, \\cos m\\theta_3, \\cos m\\theta_3)$，与 PagedAttention、SpeculativeDecoding 无关。

$$
R_m x = x_0 \\cos m\\theta_0 - x_1 \\sin m\\theta_0 + x_2 \\cos m\\theta_1 - x_3 \\sin m\\theta_1 \
+ x_4 \\cos m\\theta_2 - x_5 \\sin m\\theta_2 + x_6 \\cos m\\theta_3 - x_7 \\sin m\\theta_3
$$

短公式 $m\\theta$ 放得下：

$$
R_m = m\\theta
$$
"""

LONG_TERMS = [  # long Latin words in every column: a squeezed column would break them
    {"term": "PagedAttention", "aliases": ["PagedAttentionKernel"], "note": "kv-cache-memory",
     "definition": "把 KV Cache 按块（block）管理的注意力实现，vLLM 用它做 ContinuousBatching 和 PrefixCaching。"},
    {"term": "SpeculativeDecoding", "note": "top-p-sampling",
     "definition": "用小模型 DraftModel 先猜多个 token、大模型一次验证的解码加速方法。"},
]

# Contrast of every text element against the colours under it, from the computed styles (WCAG 2).
CONTRAST_JS = r"""
() => {
  const parse = (c) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg && bg[3] > 0) { layers.push(bg); if (bg[3] === 1) break; }
    }
    let c = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) c = over(layers[i], c);
    return c;
  };
  const opacity = (el) => { let o = 1; for (let e = el; e; e = e.parentElement) o *= +getComputedStyle(e).opacity; return o; };
  const failing = [], seen = {};
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg, script, style, [hidden], [aria-hidden=true]")) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
    if (!text) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== "visible" || el.getClientRects().length === 0) continue;
    const fg = parse(cs.color);
    fg[3] *= opacity(el);
    if (fg[3] === 0) continue;
    const bg = background(el);
    const [l1, l2] = [lum(over(fg, bg)), lum(bg)].sort((a, b) => b - a);
    const ratio = (l1 + 0.05) / (l2 + 0.05);
    const size = parseFloat(cs.fontSize);
    const need = size >= 24 || (+cs.fontWeight >= 700 && size >= 18.66) ? 3 : 4.5;
    for (const sel of ["a.kb-tag", ".kb-status", ".kb-foot a", ".md-typeset a", "summary"])
      if (el.matches(sel)) seen[sel] = (seen[sel] || 0) + 1;
    if (ratio < need) failing.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} "${text.slice(0, 20)}" `
                                   + `${ratio.toFixed(2)}:1 (${cs.color} on rgb(${bg.slice(0, 3).map(Math.round)}))`);
  }
  return {failing, seen};
}
"""


# Mean grey level (0-255) of a PNG, decoded by the page itself (no image library needed).
MEAN_LEVEL_JS = """async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let sum = 0;
  for (let i = 0; i < d.length; i += 4) sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
  return sum / (d.length / 4);
}"""


class PagesHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site under /kb/ and its 404.html for anything missing, as GitHub Pages does."""

    site: Path

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_file() or (path / "index.html").is_file():
            return super().send_head()
        body = (self.site / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def phone_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("a11y")
    root = copy_fixture(tmp / "root")
    (root / "notes/position-encoding/rope-long-derivation.md").write_text(WIDE_NOTE, encoding="utf-8")
    glossary = root / "tools/kb/data/glossary.yml"
    data = yaml.safe_load(glossary.read_text(encoding="utf-8"))
    data["terms"] += LONG_TERMS
    glossary.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    www = tmp / "www"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KB_SITE_URL", SITE_URL)
        result = mkdocs_build(root, www / "kb")
    assert result.returncode == 0, result.stderr
    handler = functools.partial(type("Handler", (PagesHandler,), {"site": www / "kb"}), directory=str(www))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/kb/", www / "kb"
    server.shutdown()


def _page_paths(site: Path) -> dict[str, str]:
    """Home, the page with the stressing note, the glossary and the tags page, as URL paths."""
    topic = next(p for p in site.glob("topics/**/index.html") if "rope-long-derivation" in p.read_text("utf-8"))
    return {"home": "", "topic": str(topic.parent.relative_to(site)) + "/", "glossary": "glossary/", "tags": "tags/"}


def test_page_language_search_dialog_name_and_descriptions(browser, phone_site):
    base, site = phone_site
    page = browser.new_page()
    descriptions = {}
    for name, path in _page_paths(site).items():
        page.goto(base + path)
        assert page.get_attribute("html", "lang") == "zh-CN", name
        dialog = page.locator("[data-md-component=search][role=dialog]")
        assert (dialog.get_attribute("aria-label") or "").strip(), f"{name}: the search dialog has no accessible name"
        descriptions[name] = page.get_attribute("meta[name=description]", "content")
    assert len(set(descriptions.values())) == len(descriptions), descriptions
    # A topic page's description is its topic's, which the page also shows under its title.
    page.goto(base + _page_paths(site)["topic"])
    assert descriptions["topic"] in page.inner_text("article"), descriptions["topic"]
    page.close()


def test_no_horizontal_scroll_at_360px(browser, phone_site):
    base, site = phone_site
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    for name, path in _page_paths(site).items():
        page.goto(base + path)
        page.wait_for_load_state("load")
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, f"{name} ({path}) scrolls sideways at 360 px: {width} > {inner}"
    page.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_contrast_in_both_palettes(browser, phone_site, scheme):
    base, site = phone_site
    context = browser.new_context(color_scheme=scheme, viewport={"width": 390, "height": 844})
    page = context.new_page()
    seen: dict[str, int] = {}
    for name, path in _page_paths(site).items():
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
        result = page.evaluate(CONTRAST_JS)
        assert not result["failing"], f"{scheme} {name}: " + "; ".join(result["failing"][:8])
        for sel, n in result["seen"].items():
            seen[sel] = seen.get(sel, 0) + n
    # The colours the issue was about were all on the pages measured.
    assert {"a.kb-tag", ".kb-status", ".kb-foot a", ".md-typeset a"} <= set(seen), seen
    context.close()


def test_in_text_links_are_underlined(browser, phone_site):
    base, site = phone_site
    page = browser.new_page()
    for path in ("", _page_paths(site)["topic"]):
        page.goto(base + path)
        plain = page.evaluate("""() => [...document.querySelectorAll('.md-typeset p a, .md-typeset li a')]
            .filter(a => a.textContent.trim() && a.closest('p, li').textContent.trim() !== a.textContent.trim())
            .filter(a => !getComputedStyle(a).textDecorationLine.includes('underline')
                         && !/\\b(kb-tag|kb-action|md-button)\\b/.test(a.className))
            .map(a => a.textContent.trim())""")
        assert plain == [], f"{path or 'home'}: links inside text without underline: {plain[:5]}"
    page.close()


def test_wide_formulas_scroll_and_are_not_clipped(browser, phone_site):
    base, site = phone_site
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(base + _page_paths(site)["topic"])
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    formulas = page.evaluate("""() => {
      // An inline <math> is as wide as its content; a display one is a block as wide as its box, and
      // its content shows in the box's scroll width.
      const contentWidth = (el) => Math.max(el.querySelector('math').getBoundingClientRect().width, el.scrollWidth);
      const room = (p) => { const s = getComputedStyle(p);
                            return p.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); };
      return [...document.querySelectorAll('article .kb-math')].map(el => {
        const box = el.getBoundingClientRect(), cs = getComputedStyle(el);
        const clippers = [];
        for (let a = el.parentElement; a && a.tagName !== 'ARTICLE'; a = a.parentElement) {
          const s = getComputedStyle(a);
          if (s.overflowX !== 'visible') { const r = a.getBoundingClientRect(); clippers.push([r.left, r.right]); }
        }
        return {display: el.classList.contains('kb-math--display'), tex: el.textContent.slice(0, 30),
                wide: contentWidth(el) > room(el.parentElement) + 1,
                left: box.left, right: box.right, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                overflowX: cs.overflowX, shadow: cs.boxShadow, clippers, viewport: innerWidth};
      });
    }""")
    wide = [f for f in formulas if f["wide"]]
    assert {f["display"] for f in wide} == {True, False}, "the stress note's wide inline and display formulas"
    for f in formulas:
        assert 0 <= f["left"] and f["right"] <= f["viewport"], f"formula sticks out of the page: {f}"
        for left, right in f["clippers"]:
            assert left - 1 <= f["left"] and f["right"] <= right + 1, f"formula cut off by its container: {f}"
    for f in wide:
        assert f["overflowX"] in ("auto", "scroll") and f["scrollWidth"] > f["clientWidth"], \
            f"a formula wider than the page cannot be scrolled: {f}"
    # The scroll hint, in pixels: the right edge of a wide display formula is shaded, that of one that
    # fits is the page colour.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page_level = sum(int(v) for v in re.findall(r"\d+", background)[:3]) / 3
    displays = page.locator("article .kb-math--display")
    edges = {"wide": [], "fits": []}
    for i, f in enumerate(f for f in formulas if f["display"]):
        box = displays.nth(i)
        box.scroll_into_view_if_needed()
        r = box.bounding_box()
        strip = page.screenshot(clip={"x": r["x"] + r["width"] - 5, "y": r["y"], "width": 4, "height": r["height"]})
        edges["wide" if f["wide"] else "fits"].append(page.evaluate(MEAN_LEVEL_JS, base64.b64encode(strip).decode()))
    assert edges["wide"] and edges["fits"], edges
    assert all(level < page_level - 8 for level in edges["wide"]), f"no scroll hint on a wide formula: {edges}"
    assert all(abs(level - page_level) < 3 for level in edges["fits"]), f"hint on a formula that fits: {edges}"
    page.close()


def test_glossary_words_are_never_broken(browser, phone_site):
    base, _ = phone_site
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page.goto(base + "glossary/")
    broken, words = page.evaluate("""() => {
        const broken = [], re = /[A-Za-z0-9]+/g;
        let words = 0;
        const walker = document.createTreeWalker(document.querySelector('article table'), NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          for (const m of n.textContent.matchAll(re)) {
            const range = document.createRange();
            range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
            const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
            words++;
            if (lines.size > 1) broken.push(m[0]);
          }
        }
        return [broken, words];
    }""")
    assert words >= 10
    assert broken == [], f"glossary words broken across lines at 360 px: {broken}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.close()


def test_404_and_sitemap_work_under_a_sub_path(browser, phone_site):
    base, site = phone_site
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(rf"<loc>{re.escape(SITE_URL)}topics/", sitemap), sitemap[:400]
    page = browser.new_page()
    bad = []
    page.on("response", lambda r: bad.append(r.url) if r.status >= 400 and "/missing/" not in r.url else None)
    page.on("requestfailed", lambda r: bad.append(r.url))
    response = page.goto(base + "missing/deep/page/")
    assert response.status == 404
    page.wait_for_load_state("load")
    assert bad == [], f"404 page assets not found under the sub-path: {bad}"
    # Material's stylesheet applied (the header is coloured), and 首页 leads to the site's root.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    home = page.locator("article a", has_text="首页")
    assert urlparse(home.evaluate("a => a.href")).path == urlparse(base).path
    page.close()
