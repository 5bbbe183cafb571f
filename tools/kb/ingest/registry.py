"""Parsers by name: `parser: NAME` in sources.yml selects tools/kb/ingest/parsers/NAME.py."""

from __future__ import annotations

import importlib
import pkgutil

from . import parsers
from .base import Parser


def available() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(parsers.__path__) if not m.name.startswith("_"))


def get_parser(name: str) -> Parser:
    if name not in available():
        raise KeyError(f"unknown parser '{name}': expected one of ({', '.join(available())})")
    module = importlib.import_module(f"{parsers.__name__}.{name}")
    return module.PARSER
