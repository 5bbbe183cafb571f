"""The Anki, EPUB and PDF editions, opened with real readers: the .apkg's SQLite collection, the
EPUB's container and package document, the PDF's text and bookmarks."""

import json
import sqlite3
import unicodedata
import zipfile
from pathlib import Path

import pytest

from kb.export.anki import export_anki
from kb.export.epub import export_epub
from kb.generate.inputs import load_inputs

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export_notes"
QUESTIONS = {n.id: n.question for n in load_inputs(FIXTURE).notes}


def quiet(*_args):
    pass


def anki_notes(apkg: Path, tmp: Path) -> list[tuple[str, str]]:
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", tmp)
    con = sqlite3.connect(tmp / "collection.anki2")
    try:
        return con.execute("select guid, flds from notes order by guid").fetchall()
    finally:
        con.close()


def test_anki_has_every_question_with_keypoints_answer_and_credit(tmp_path):
    out = tmp_path / "kb.apkg"
    assert export_anki(out, FIXTURE, progress=quiet) == len(QUESTIONS)
    rows = anki_notes(out, tmp_path)
    fields = {f.split("\x1f")[6]: f.split("\x1f") for _, f in rows}
    assert set(fields) == set(QUESTIONS)
    question, topic, _tags, points, answer, credit, _ = fields["lora-basics"]
    assert question == QUESTIONS["lora-basics"] and topic == "PEFT 参数高效微调"
    assert "<li>" in points and r"\(W_0\)" in points  # 要点 with Anki's MathJax delimiters
    assert r"\[h = W_0 x" in answer and "<pre>" in answer  # display formula and code block
    assert "勘误" in answer and "s002" not in credit or "有勘误" in credit  # the erratum travels with the card
    partial = fields["kv-cache-basics"]
    assert "KV Cache 缓存" in partial[4]  # no canonical answer yet: the source answer is shown, credited
    assert partial[5].startswith("来源：")


def test_anki_guids_are_stable_so_a_newer_deck_updates_cards(tmp_path):
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    export_anki(a, FIXTURE, progress=quiet)
    export_anki(b, FIXTURE, progress=quiet)
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    guids_a = [g for g, _ in anki_notes(a, tmp_path / "x")]
    guids_b = [g for g, _ in anki_notes(b, tmp_path / "y")]
    assert guids_a == guids_b and len(set(guids_a)) == len(QUESTIONS)


def test_anki_one_subdeck_per_topic(tmp_path):
    out = tmp_path / "kb.apkg"
    export_anki(out, FIXTURE, progress=quiet)
    with zipfile.ZipFile(out) as z:
        z.extract("collection.anki2", tmp_path)
    con = sqlite3.connect(tmp_path / "collection.anki2")
    decks = {d["name"] for d in json.loads(con.execute("select decks from col").fetchone()[0]).values()}
    con.close()
    assert {"大模型面试知识库::PEFT 参数高效微调", "大模型面试知识库::推理与部署"} <= decks


def test_epub_container_package_and_chapters(tmp_path):
    out = tmp_path / "kb.epub"
    assert export_epub(out, FIXTURE, progress=quiet) == len(QUESTIONS)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        container = z.read("META-INF/container.xml").decode()
        opf_path = container.split('full-path="')[1].split('"')[0]
        opf = z.read(opf_path).decode()
        assert 'version="3.0"' in opf and "<dc:language>zh-CN</dc:language>" in opf
        chapters = [n for n in names if n.endswith(".xhtml") and "nav" not in n]
        text = "".join(z.read(n).decode() for n in chapters)
        nav = z.read(next(n for n in names if n.endswith("nav.xhtml"))).decode()
    assert len(chapters) == 2  # one per topic with questions
    for nid, q in QUESTIONS.items():
        assert f'id="{nid}"' in text and q in text and q in nav
    assert "<math" in text and 'properties="mathml"' in opf  # MathML declared for the reader
    assert "勘误" in text and "本站撰写" in text
    assert 'href="inference.xhtml#kv-cache-basics"' in text  # q: links point into the book


@pytest.mark.browser
def test_pdf_text_bookmarks_and_page_numbers(tmp_path):
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium not installed")
    pypdf = pytest.importorskip("pypdf")
    import os
    import subprocess
    import sys

    out = tmp_path / "kb.pdf"
    # A separate process, as a user runs it (Playwright's sync API cannot nest in the browser tests' loop).
    run = subprocess.run([sys.executable, "-m", "kb.cli", "export", "pdf", "--out", str(out)],
                         env={**os.environ, "KB_ROOT": str(FIXTURE)}, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"({len(QUESTIONS)} questions" in run.stdout
    reader = pypdf.PdfReader(out)
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    for q in QUESTIONS.values():
        assert unicodedata.normalize("NFKC", q).replace(" ", "") in text.replace(" ", "")

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    marks = set(titles(reader.outline))
    assert {"PEFT 参数高效微调", "推理与部署"} <= marks and set(QUESTIONS.values()) <= marks
    assert f"1 / {len(reader.pages)}" in unicodedata.normalize("NFKC", reader.pages[0].extract_text())
