"""Run the noise filter and a parser on one of the real source articles."""

from __future__ import annotations

from pathlib import Path

from kb.clean.noise import filter_lines
from kb.ingest.base import read_lines
from kb.ingest.registry import get_parser

SOURCES = Path(__file__).parents[2] / "sources"


def parse_real(file_name: str, parser: str):
    """(all lines, lines kept by the noise filter, noise drops, parsed article)."""
    lines = read_lines((SOURCES / file_name).read_text(encoding="utf-8"))
    kept, noise = filter_lines(lines, parser)
    return lines, kept, noise, get_parser(parser).parse(kept)
