"""Shared helpers: run the CLI as a user would, as a separate process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

# The tests read English messages whatever the machine's locale; tests of the message language set their own.
os.environ["C3P_LANG"] = "en"

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FY2026 = SAMPLES / "kitakyushu-davao-fy2026.yaml"
FY2024 = SAMPLES / "yokohama-surabaya-fy2024.yaml"
BROKEN = SAMPLES / "broken.yaml"


def run_cli(*args: str, cwd: Path | None = None, input_text: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("C3P_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "c3p_docs", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, input=input_text, timeout=300)


def invoke(*args: str | Path) -> subprocess.CompletedProcess:
    """The CLI inside this process (typer's CliRunner): for tests about findings, where a new process per call
    costs only time. Exit codes and messages of the real process stay covered by `run_cli` tests."""
    from typer.testing import CliRunner

    from c3p_docs.cli import app

    result = CliRunner(env={"NO_COLOR": "1", "C3P_DEBUG": None}).invoke(app, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli():
    return run_cli


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


FINDING_HEAD = re.compile(r"(?:^|\s)(error|warning|info)\[([a-z0-9-]+)\]")
"""Where a finding line of the text output says its severity and code (`… error[placeholder-left] …`)."""


def assert_built_as_draft(result: subprocess.CompletedProcess) -> None:
    """`build` of a draft: exit 1, and every error a `placeholder-left` (a submitted attachment still shows a
    placeholder), so any other error still fails the test. Codes from `--format json` when given, else from the
    `error[CODE]` of each finding line on stderr. The caller checks the documents that were written."""
    assert_no_traceback(result)
    assert result.returncode == 1, result.stderr
    if result.stdout.startswith("{"):
        payload = json.loads(result.stdout)
        assert payload["ok"] is False, result.stdout
        errors = [finding["code"] for finding in payload["findings"] if finding["severity"] == "error"]
    else:
        heads = [FINDING_HEAD.search(line) for line in result.stderr.splitlines()]
        errors = [head.group(2) for head in heads if head is not None and head.group(1) == "error"]
    assert errors, result.stdout + result.stderr
    assert set(errors) == {"placeholder-left"}, sorted(set(errors))


def write_project(directory: Path, text: str, name: str = "project.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
call: fy2026-1
project:
  title: {ja: 試験事業, en: Test project}
japanese_city:
  name: {ja: 試験市, en: Test City}
partner_city:
  name: {ja: 相手市, en: Partner City}
  country: Vietnam
applicant:
  name: {ja: 試験株式会社, en: Test Co.}
"""


def docx_text(path) -> str:
    """Every paragraph and table cell of a Word file, one per line, as a reader copies them."""
    from docx import Document

    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def docx_words(path) -> str:
    """Every paragraph and table cell of a Word file, one per line, as its text runs say it: the line breaks word.py
    lays a label out with (w:br, between phrases) are layout, not words, so a name reads whole across them."""
    from docx import Document
    from docx.oxml.ns import qn

    def words(paragraph) -> str:
        return "".join(t.text or "" for t in paragraph._p.iter(qn("w:t")))

    document = Document(str(path))
    parts = [words(p) for p in document.paragraphs]
    for table in document.tables:
        parts += ["\n".join(map(words, cell.paragraphs)) for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def shape_words(shape) -> str:
    """A slide shape's text, paragraphs one per line, each as its runs say it: the line breaks slides.py lays a
    paragraph out with (a:br) are layout, not words, so a phrase reads whole across them."""
    return "\n".join("".join(run.text for run in paragraph.runs) for paragraph in shape.text_frame.paragraphs)


def blank_pdf() -> bytes:
    """A valid one-page A4 PDF, as a person would add to the package."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
