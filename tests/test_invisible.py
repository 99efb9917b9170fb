"""Text a person can copy: no invisible characters in any document we write, and what a document tells the
applicant to copy (subject, file names, the command) is exactly what they must type."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import FY2024, FY2026, ROOT, SAMPLES, run_cli
from docx import Document
from pptx import Presentation

PROJECTS = sorted(p for p in SAMPLES.glob("*.yaml") if p.stem != "broken") + sorted((ROOT / "tests" / "data").glob("*.yaml"))
SAPPORO = ROOT / "tests" / "data" / "sapporo-ulaanbaatar-fy2024.yaml"
NEVER = {"\u2060": "WORD JOINER", "\u200b": "ZERO WIDTH SPACE", "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
         "\u00ad": "SOFT HYPHEN", "\u202f": "NARROW NO-BREAK SPACE", "\u2011": "NON-BREAKING HYPHEN",
         "\u200c": "ZERO WIDTH NON-JOINER", "\u200d": "ZERO WIDTH JOINER"}
NUMBER_AND_LATIN_UNIT = re.compile(r"(?:\d|\b[A-Z]{3})\u00a0(?=[A-Za-z%\d°])")
"""The one place a no-break space may stand: between a number and a Latin unit (6,800 t-CO2eq), or a currency
code and its amount (JPY 1,000)."""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Every bundled sample and test project built, and the contract-year documents of one."""
    out = tmp_path_factory.mktemp("invisible")
    for project in PROJECTS:
        result = run_cli("build", project, "-o", out / project.stem, "--pdf", "never")
        assert result.returncode in (0, 1), result.stderr
    contract = out / "contract"
    ledger = out / "ledger.csv"
    ledger.write_text("date,category,description,amount_jpy\n2024-07-05,overseas_travel,Flights,1560000\n",
                      encoding="utf-8")
    for args in (("plan", SAPPORO), ("trip", "plan", SAPPORO, "ub-survey-1"), ("trip", "report", SAPPORO, "2024-07-08"),
                 ("session", SAPPORO, "interim"), ("settle", SAPPORO, "--ledger", ledger),
                 ("monthly", FY2026, "--month", "2026-07")):
        result = run_cli(*args, "-o", contract, "--lang", "ja,en", "--pdf", "never")
        assert result.returncode in (0, 1), (args, result.stderr)
    return out


def docx_texts(path: Path) -> list[str]:
    """What a reader can copy out of a Word file: paragraphs, table cells (nested too), headers, footers and the
    document's properties."""
    document = Document(str(path))

    def blocks(container) -> list[str]:
        texts = [p.text for p in container.paragraphs]
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    texts += blocks(cell)
        return texts

    texts = blocks(document)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            texts += blocks(part)
    properties = document.core_properties
    return texts + [properties.title, properties.author, properties.subject, properties.last_modified_by]


def pptx_texts(path: Path) -> list[str]:
    """What a reader can copy out of a deck: every shape's text, table cells, and the deck's properties."""
    deck = Presentation(str(path))

    def shape_texts(shapes) -> list[str]:
        texts = []
        for shape in shapes:
            if shape.shape_type == 6:  # a group
                texts += shape_texts(shape.shapes)
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_table", False):
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
        return texts

    texts = [text for slide in deck.slides for text in shape_texts(slide.shapes)]
    properties = deck.core_properties
    return texts + [properties.title, properties.author, properties.subject]


def xlsx_texts(path: Path) -> list[str]:
    """Every cell of every sheet of a workbook, and its properties."""
    workbook = openpyxl.load_workbook(path)
    texts = [str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    return texts + [workbook.properties.title or "", workbook.properties.creator or ""]


def documents(built: Path) -> list[Path]:
    found = sorted(p for p in built.rglob("*") if p.suffix in (".docx", ".pptx", ".xlsx"))
    assert len(found) > 100 and {p.suffix for p in found} == {".docx", ".pptx", ".xlsx"}
    return found


def test_no_document_holds_an_invisible_character_anywhere_a_reader_copies_from(built):
    reader = {".docx": docx_texts, ".pptx": pptx_texts, ".xlsx": xlsx_texts}
    found = []
    for path in documents(built):
        for text in reader[path.suffix](path):
            found += [(str(path.relative_to(built)), NEVER[c], text[:60]) for c in set(text) & set(NEVER)]
            # A no-break space only binds a number to a Latin unit, never Japanese text.
            if text.count("\u00a0") != len(NUMBER_AND_LATIN_UNIT.findall(text)):
                found.append((str(path.relative_to(built)), "NO-BREAK SPACE", text[:60]))
    assert found == []


def test_no_run_is_tagged_no_language_and_no_hyphen_is_a_no_break_one(built):
    for path in documents(built):
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                if name.endswith(".xml"):
                    xml = package.read(name)
                    assert b'"zxx"' not in xml and b"noBreakHyphen" not in xml, (path.name, name)


def checklist_subject(path: Path, lang: str) -> str:
    paragraph = next(p.text for p in Document(str(path)).paragraphs if ("件名：" if lang == "ja" else "copy it exactly") in p.text)
    return paragraph.split("件名：" if lang == "ja" else "(copy it exactly): ", 1)[1]


@pytest.mark.parametrize("project", [FY2026, FY2024], ids=["fy2026-1", "fy2024-2"])
def test_the_subject_a_checklist_says_to_copy_is_the_subject_exactly(built, project):
    made = run_cli("subject", "make", project)
    assert made.returncode == 0
    subject = made.stdout.rstrip("\n")
    for lang in ("ja", "en"):
        printed = checklist_subject(built / project.stem / f"checklist_{lang}.docx", lang)
        assert printed.encode("utf-8") == subject.encode("utf-8"), lang
        checked = run_cli("subject", "check", printed, "--project", project)
        assert checked.returncode == 0 and "subject OK" in checked.stderr, checked.stderr


def checklist_file_names(path: Path) -> list[tuple[str, str]]:
    """(attachment label, file name) as the checklist's file-name column prints them, one name a line."""
    table = Document(str(path)).tables[0]
    return [(row.cells[0].text, name) for row in table.rows[1:] for name in row.cells[-1].text.split("\n") if name]


@pytest.mark.parametrize("project", [FY2026, FY2024], ids=["fy2026-1", "fy2024-2"])
def test_every_file_name_in_the_checklist_is_one_build_wrote_or_one_the_applicant_supplies(built, project):
    out = built / project.stem
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    written = {Path(entry["path"]).name for entry in manifest}
    # The application form goes in as the PDF build converts it to (here built without LibreOffice).
    written |= {Path(entry["path"]).with_suffix(".pdf").name for entry in manifest if entry["kind"] == "application_form"}
    built_kinds = {entry.get("attachment") for entry in manifest if entry.get("attachment")}
    for lang in ("ja", "en"):
        names = checklist_file_names(out / f"checklist_{lang}.docx")
        assert len(names) > 10
        for label, name in names:
            if label in built_kinds:
                assert name in written, (lang, label, name)
            else:  # supplied by the applicant: named with the attachment's number first, nothing else around it
                assert name.startswith(label) and re.fullmatch(r"\S+\.(?:pdf|docx|xlsx|pptx)", name), (lang, name)


@pytest.mark.parametrize("project", [FY2026, FY2024], ids=["fy2026-1", "fy2024-2"])
def test_the_command_a_checklist_prints_runs_as_pasted(built, project):
    out = built / project.stem
    for lang in ("ja", "en"):
        paragraphs = [p.text for p in Document(str(out / f"checklist_{lang}.docx")).paragraphs]
        command = next(text for text in paragraphs if text.startswith("c3p-docs "))
        argv = shlex.split(command)
        assert argv[:3] == ["c3p-docs", "check-package", "submission"] and "--project" in argv
        usage = run_cli("check-package", "--help").stdout
        assert all(option in usage for option in argv if option.startswith("--"))
        # Run in the checklist's folder, as it says: it finds the folder and the project, and checks them.
        result = subprocess.run([sys.executable, "-m", "c3p_docs", *argv[1:], "--format", "json"], cwd=out,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode in (0, 1), result.stderr
        assert json.loads(result.stdout)["findings"] is not None


def test_measuring_and_writing_stay_linear_in_the_length_of_the_text(monkeypatch):
    """Issue 21.9: a 1.6 M-character title took 70 s. The characters the measuring touches grow with the text, not
    its square (counted, not timed), for a title with many phrase boundaries, a table cell and a slide box."""
    from c3p_docs.documents import measure
    from c3p_docs.documents.slides import render_slides
    from c3p_docs.documents.word import Metadata, render_word

    touched = []
    original = measure._text_width_em.__wrapped__

    def counting(text, face, bold, latin_scale):
        touched.append(len(text))
        return original(text, face, bold, latin_scale)

    monkeypatch.setattr(measure, "_text_width_em", counting)
    metadata = Metadata("t", "a", "s", dt.datetime(2026, 4, 1), "ja")

    def work(size: int) -> int:
        text = ("脱炭素都市形成のための支援事業カーボンニュートラルポートの令和10年3月31日 6,800 t-CO2eq/年の"
                * size)[:size]
        touched.clear()
        doc = ET.fromstring("<doc><title/><table><tr><td/></tr></table></doc>")
        doc[0].text = doc[1][0][0].text = text
        render_word(doc, "ja", metadata)
        deck = ET.fromstring('<slides><slide><box x="8" y="8" w="280" h="190" size="10" min="8"/></slide></slides>')
        deck[0][0].text = text
        render_slides(deck, "ja", metadata)
        return sum(touched)

    small, large = work(20_000), work(80_000)
    assert small > 20_000 and large <= 5 * small  # four times the text: about four times the work
