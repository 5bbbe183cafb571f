"""A math font inside the offline zip, so formulas render the same on a machine without one.

Browsers draw MathML with whatever math font the system has; without one, brackets do not stretch and
radicals come apart. The online site names a font stack (a11y.css) and relies on the reader's system;
the offline zip also carries Latin Modern Math (GUST Font License, free to redistribute) taken from the
build machine's Debian package ``fonts-lmodern``, declared under the family name the stack already
uses first, so a system copy is still preferred (``local()``) and the bundled file is the fallback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

FAMILY = "Latin Modern Math"
CANDIDATES = (
    Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf"),  # Debian fonts-lmodern
    Path("/usr/share/fonts/opentype/lmodern/latinmodern-math.otf"),
)
LICENSES = (
    Path("/usr/share/texmf/doc/fonts/lm-math/GUST-FONT-LICENSE.txt"),
    Path("/usr/share/doc/fonts-lmodern/copyright"),
)
STYLESHEET = "assets/stylesheets/a11y.css"  # holds the math font stack
FONT_DIR = "assets/fonts"


class MathFontMissing(FileNotFoundError):
    pass


def find_math_font() -> Path:
    for path in CANDIDATES:
        if path.is_file():
            return path
    raise MathFontMissing(
        "no math font to bundle in the offline zip (looked for "
        + ", ".join(str(p) for p in CANDIDATES)
        + "): install Debian's fonts-lmodern (apt-get install fonts-lmodern), pass --math-font FILE.otf, "
        "or build without it with --no-math-font")


def check_math_font(font: Path) -> Path:
    if not font.is_file():
        raise MathFontMissing(f"{font}: math font not found; pass an existing .otf/.woff2 file to --math-font")
    return font


def bundle_math_font(site: Path, font: Path | None = None) -> Path:
    """Copy the font (and its licence) into the built ``site`` and declare it; returns the copy."""
    font = check_math_font(font or find_math_font())
    css = site / STYLESHEET
    if not css.is_file():
        raise FileNotFoundError(f"{css}: stylesheet missing; build the site before bundling the math font")
    target = site / FONT_DIR / font.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(font, target)
    for licence in LICENSES:
        if licence.is_file():
            shutil.copyfile(licence, target.parent / f"{font.stem}-LICENSE.txt")
            break
    fmt = "woff2" if font.suffix == ".woff2" else "opentype"
    rule = (f'\n/* Bundled with the offline zip (kb.generate.math_font): used where the system has no copy. */\n'
            f'@font-face {{ font-family: "{FAMILY}"; src: local("{FAMILY}"), local("LatinModernMath-Regular"), '
            f'url("../fonts/{font.name}") format("{fmt}"); font-display: swap; }}\n')
    tmp = css.with_suffix(".css.tmp")
    tmp.write_text(css.read_text(encoding="utf-8") + rule, encoding="utf-8")
    tmp.replace(css)
    return target
