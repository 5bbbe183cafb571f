"""`mkdocs build --strict` of the fixture notes: pages, search index, no external requests."""

import re


def test_every_question_is_its_own_search_entry(fixture_site):
    from sitebuild import FIXTURE
    from test_search_index import load_index

    from kb.generate.inputs import load_inputs

    _, index = load_index(fixture_site)
    locations = [index["pages"][d[0]][0] + "#" + d[1] for d in index["docs"]]
    for note in load_inputs(FIXTURE).notes:
        hits = [loc for loc in locations if loc.endswith(f"#{note.id}")]
        assert len(hits) == 1, note.id
        assert hits[0].startswith(f"topics/{note.topic}/")
    terms = set(index["terms"].split("\n"))
    assert "旋转位置编码" in terms  # jieba + the domain dictionary: one word
    rope = next(d for d in index["docs"] if d[1] == "what-is-rope")
    assert rope[3]  # aliases are searchable (exact-match candidates)
    lora = next(d for d in index["docs"] if d[1] == "lora-vs-qlora")
    assert "相关问题" not in lora[4]  # the snippet is the start of the answer, nothing else


def test_topic_pages_in_taxonomy_order(fixture_site):
    html = (fixture_site / "topics" / "peft" / "index.html").read_text(encoding="utf-8")
    nav = re.findall(r'<a href="([^"]*)" class="md-nav__link', html)
    order = [n for n in nav if n in ("../position-encoding/", "./", "../inference/")]
    assert order[:3] == ["../position-encoding/", "./", "../inference/"]


def test_math_is_mathml_and_code_is_highlighted(fixture_site):
    html = (fixture_site / "topics" / "position-encoding" / "index.html").read_text(encoding="utf-8")
    assert html.count("<math") >= 3 and 'display="block"' in html
    assert 'class="highlight"' in html and "<span" in html.split('class="highlight"')[1][:500]


def test_no_resource_from_other_hosts(fixture_site):
    for page in fixture_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html):
            for url in re.findall(r'(?:src|href)="([^"]+)"', tag):
                assert not re.match(r"(https?:)?//", url) or "rel=\"canonical\"" in tag, (page, tag)
        assert "fonts.googleapis" not in html and "unpkg.com" not in html


def test_edit_links_point_at_note_files(fixture_site):
    html = (fixture_site / "topics" / "peft" / "index.html").read_text(encoding="utf-8")
    assert "https://github.com/llm-interview-kb/llm-interview-kb/edit/main/notes/peft/what-is-lora.md" in html
    assert "api.github.com" not in html


def test_served_pages_load_no_worker_shim_in_the_head(fixture_site):
    """The file:// worker shim is for the offline build; a served page would only wait for it."""
    html = (fixture_site / "index.html").read_text(encoding="utf-8")
    head = html.split("</head>")[0]
    assert "iframe-worker" not in html
    assert not re.search(r"<script\b[^>]*\bsrc=(?![^>]*\b(?:defer|async)\b)[^>]*>", head), "render-blocking script"
