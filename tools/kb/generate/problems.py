"""Problems found while generating, each naming the note file, so the mkdocs hook can log them
(a strict build then fails) and ``kb generate`` can exit non-zero."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    level: str  # "error" | "warning"
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, level: str, path: Path | str | None, message: str) -> None:
        self.items.append(Problem(level, str(path or "<unknown>"), message))

    def error(self, path, message: str) -> None:
        self.add("error", path, message)

    def warning(self, path, message: str) -> None:
        self.add("warning", path, message)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]


class GenerationError(Exception):
    """Raised by ``generate`` when notes have errors (unknown ``q:`` ids, broken math under strict)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
