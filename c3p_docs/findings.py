"""Findings: what every check produces, and how they are printed as text or JSON."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

from c3p_docs.console import write_json
from c3p_docs.i18n import N_, _

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
"""How a text line names the severity, in the message language (JSON keeps the code)."""


@dataclass(frozen=True)
class Finding:
    """One problem or note; `file`, `path`, `line` and `attachment` are None when they do not apply."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    path: str | None = None
    line: int | None = None
    column: int | None = None
    attachment: str | None = None

    def as_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}

    def as_text(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
        head = f"{where}  " if where else ""
        subject = f"{self.path}: " if self.path else ""
        if self.attachment and not self.path:
            subject = f"{self.attachment}: "
        return f"{head}{_(SEVERITY_WORDS[self.severity])}[{self.code}] {subject}{self.message}"


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors first, then by file position, so the first line printed is the first thing to fix."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], f.file or "", f.line or 0, f.path or ""))


def use_colour(stream) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org)."""
    import os

    return stream.isatty() and not os.environ.get("NO_COLOR")


PAINT = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}


def print_findings(findings: list[Finding], output_format: str, extra: dict | None = None, summary: str = "") -> None:
    """JSON on stdout, or one text line per finding; text for people (findings, summary) always goes to stderr.

    stdout then carries only what a command produces (a subject, a table, JSON), so it can be piped.
    """
    ordered = sorted_findings(findings)
    if output_format == "json":
        payload = {"ok": not has_errors(ordered), "findings": [f.as_json() for f in ordered]}
        payload.update(extra or {})
        write_json(payload)
    else:
        colour = use_colour(sys.stderr)
        for finding in ordered:
            line = finding.as_text()
            sys.stderr.write((f"{PAINT[finding.severity]}{line}\033[0m" if colour else line) + "\n")
    if summary:
        sys.stderr.write(summary + "\n")
