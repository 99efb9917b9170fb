"""Text laid out in terminal columns, where an East Asian character takes two."""

from __future__ import annotations

import re
import textwrap
import unicodedata

NO_LINE_START = set("、。，．）」』】〕〉》！？：；")
"""Punctuation that never starts a line (kinsoku): it hangs at the end of the line before, past the width."""


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal (全角 characters two, others one)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_columns(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns: English breaks at spaces, Japanese between any characters, and a run of
    Latin letters or digits inside Japanese text is kept whole where it fits a line."""
    if not any(unicodedata.east_asian_width(c) in "WF" for c in text):
        return textwrap.wrap(text, width, break_on_hyphens=False)
    lines, line, used = [], "", 0
    for token in re.findall(r"[!-~]+|\s+|[^\s!-~]", text):
        columns = display_width(token)
        if token.isspace():
            if line and used + columns <= width:
                line, used = line + token, used + columns
            continue
        if used + columns > width and line and token not in NO_LINE_START:
            lines.append(line.rstrip())
            line, used = "", 0
        while columns > width:  # a token longer than a line: cut it
            lines.append(token[:width])
            token = token[width:]
            columns = len(token)
        line, used = line + token, used + columns
    return lines + [line.rstrip()] if line.strip() else lines
