"""The offline zip carries a math font and declares it where the formula font stack looks first."""

import pytest

from kb.generate import math_font
from kb.generate.math_font import MathFontMissing, bundle_math_font


def _site(tmp_path):
    css = tmp_path / "site" / "assets" / "stylesheets" / "a11y.css"
    css.parent.mkdir(parents=True)
    css.write_text('.md-typeset math { font-family: "Latin Modern Math", math; }\n', encoding="utf-8")
    return tmp_path / "site", css


def test_font_is_copied_and_declared_as_the_stacks_first_family(tmp_path):
    site, css = _site(tmp_path)
    font = tmp_path / "latinmodern-math.otf"
    font.write_bytes(b"OTTO fake font")
    copied = bundle_math_font(site, font)
    assert copied == site / "assets" / "fonts" / "latinmodern-math.otf" and copied.read_bytes() == b"OTTO fake font"
    text = css.read_text(encoding="utf-8")
    assert text.startswith(".md-typeset math")  # the site's own rules are kept
    assert '@font-face { font-family: "Latin Modern Math"; src: local("Latin Modern Math")' in text
    assert 'url("../fonts/latinmodern-math.otf") format("opentype")' in text


def test_missing_font_says_how_to_fix_it(tmp_path, monkeypatch):
    monkeypatch.setattr(math_font, "CANDIDATES", (tmp_path / "nope.otf",))
    with pytest.raises(MathFontMissing, match="apt-get install fonts-lmodern.*--no-math-font"):
        math_font.find_math_font()
    site, _ = _site(tmp_path)
    with pytest.raises(MathFontMissing, match="nope.otf"):
        bundle_math_font(site, tmp_path / "nope.otf")


def test_offline_zip_refuses_early_without_a_font(tmp_path, monkeypatch, capsys):
    from kb.generate import offline_zip
    monkeypatch.setattr(math_font, "CANDIDATES", (tmp_path / "nope.otf",))

    def no_build(*a, **k):
        raise AssertionError("the site must not be built when the font is missing")
    monkeypatch.setattr(offline_zip, "build_offline", no_build)
    assert offline_zip.main(["--out", str(tmp_path / "x.zip")]) == 2
    assert "fonts-lmodern" in capsys.readouterr().err
    assert not (tmp_path / "x.zip").exists()


def test_offline_zip_refuses_early_when_the_given_font_file_is_missing(tmp_path, monkeypatch, capsys):
    from kb.generate import offline_zip

    def no_build(*a, **k):
        raise AssertionError("the site must not be built when --math-font names no file")
    monkeypatch.setattr(offline_zip, "build_offline", no_build)
    assert offline_zip.main(["--out", str(tmp_path / "x.zip"), "--math-font", str(tmp_path / "typo.otf")]) == 2
    assert "typo.otf: math font not found" in capsys.readouterr().err
