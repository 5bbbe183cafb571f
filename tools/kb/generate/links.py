"""Where each question lives (page + anchor) and the links pointing at it.

Every link to a question is computed here at build time from the note id, so moving a question to
another topic (or a topic page being split) never breaks a link. Authors write ``[text](q:note-id)``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote

from .mdtext import map_free

Q_LINK_RE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(q:([^)\s]*)\)")


@dataclass(frozen=True)
class Location:
    page: str  # docs-relative page uri, e.g. "topics/peft.md"
    anchor: str  # the note id


def rel(from_page: str, to_page: str, anchor: str = "") -> str:
    """A relative .md link mkdocs can validate and rewrite."""
    frag = f"#{anchor}" if anchor else ""
    if from_page == to_page and frag:
        return frag
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".") + frag


def edit_url(repo_url: str, file: str, branch: str = "main") -> str:
    return f"{repo_url}/edit/{branch}/{quote(file)}"


def issue_url(repo_url: str, note_id: str, question: str, file: str) -> str:
    title = f"[纠错/补充] {question}（{note_id}）"
    body = (f"问题：{question}\nid：{note_id}\n文件：{file}\n\n"
            "请说明需要更正或补充的内容（可附出处）：\n")
    return f"{repo_url}/issues/new?title={quote(title, safe='')}&body={quote(body, safe='')}"


def resolve_q_links(text: str, page: str, locations: dict[str, Location], on_unknown) -> str:
    """Rewrite ``[text](q:id)`` to a page+anchor link; ``on_unknown(id)`` reports a missing id
    (the link text is then kept as plain text)."""

    def sub(m: re.Match) -> str:
        target = m.group(3)
        loc = locations.get(target)
        if loc is None:
            on_unknown(target)
            return m.group(2)
        return f"{m.group(1)}[{m.group(2)}]({rel(page, loc.page, loc.anchor)})"

    return map_free(text, lambda chunk: Q_LINK_RE.sub(sub, chunk), protect=False)
