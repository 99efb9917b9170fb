"""What a reviewer sees on the rendered pages (LibreOffice): page counts, whole table rows, numbers and units
on one line, headings with their text, fonts embedded. All documents are converted in one soffice call."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FY2024, FY2026, ROOT, run_cli, shape_words
from docx import Document

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice and poppler-utils not installed")
STRESS = ROOT / "tests" / "data" / "stress-osaka-hcmc.yaml"
REVIEW = ROOT / "tests" / "data" / "review-toyama-danang.yaml"
"""A reviewer's project: four JCM projects with long Japanese names, fifteen budget lines, a long title."""
A4 = (595.3, 841.9)
LANDSCAPE_A4 = (841.9, 595.3)
QUANTITY = re.compile(r"(?:JPY\s)?\d[\d,]*(?:\.\d+)?(?:\s?(?:円/t-CO2eq・年|JPY/t-CO2eq·yr|t-CO2eq/年|t-CO2eq/yr|円|人日|人回|"
                      r"件|名|MW|%))?")
"""A number with its unit as documents print them; each must come out on one line."""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """Source document → its PDF, for the FY2026 sample (every document, and a monthly report) and the
    stress project (long tables), converted together."""
    from c3p_docs.pdf import convert_to_pdf

    out = tmp_path_factory.mktemp("visual")
    for project, folder, only in ((FY2026, "sample", None), (STRESS, "stress", None),
                                  (REVIEW, "review", "application_form,summary,cover,overview,final_summary")):
        result = run_cli("build", project, "-o", out / folder, "--pdf", "never",
                         *(("--only", only, "--lang", "ja") if only else ()))
        assert result.returncode == 0, result.stderr
    assert run_cli("monthly", FY2026, "--month", "2026-07", "-o", out / "monthly", "--pdf", "never",
                   "--lang", "ja,en").returncode == 0
    sources = sorted(p for p in (out / "sample").rglob("*") if p.suffix in (".docx", ".pptx"))
    sources += sorted((out / "monthly").rglob("*.docx"))
    sources += sorted(p for p in (out / "stress").rglob("*.docx") if "応募様式" in p.name or "checklist" in p.name)
    sources += sorted((out / "stress").rglob("*.pptx"))
    sources += sorted(p for p in (out / "review").rglob("*") if p.suffix in (".docx", ".pptx"))
    sources.append(_broken_control(out / "control" / "broken.docx"))
    sources.append(_broken_slide(out / "control" / "broken_slide.pptx"))
    sources.append(_running_text(out / "control" / "running.pptx"))
    converted = convert_to_pdf(sources)
    pdfs = {}
    for source, data in converted.items():
        pdf = source.with_suffix(".pdf")
        pdf.write_bytes(data)
        pdfs[str(source.relative_to(out))] = pdf
    assert len(pdfs) == len(sources)
    return pdfs


def _broken_control(path: Path) -> Path:
    """A table as a careless writer makes it (an empty row, an amount and a word in a column too narrow for
    them): the checks below must find all three, or they prove nothing."""
    from docx.oxml.ns import qn
    from docx.shared import Mm

    document = Document()
    table = document.add_table(rows=3, cols=2)
    table.style = document.styles["Table Grid"]
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "外注費", "150,000,000円"
    table.rows[2].cells[0].text, table.rows[2].cells[1].text = "合計", "Optional"
    table.autofit = False
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(40), Mm(12)
    grid = document.element.body.find(qn("w:tbl")).find(qn("w:tblGrid"))
    for column, width in zip(grid.findall(qn("w:gridCol")), (Mm(40), Mm(12))):
        column.set(qn("w:w"), str(width.twips))  # LibreOffice lays columns out from the grid
    path.parent.mkdir(parents=True)
    document.save(str(path))
    return path


def _broken_slide(path: Path) -> Path:
    """A label as a careless writer makes it: one run in a box too narrow for it, left to LibreOffice to break (it
    breaks Japanese anywhere): the slide check must find the katakana word it splits."""
    from pptx import Presentation
    from pptx.util import Mm, Pt

    deck = Presentation()
    box = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_textbox(Mm(10), Mm(10), Mm(38), Mm(40))
    box.text_frame.word_wrap = True
    run = box.text_frame.paragraphs[0].add_run()
    run.text, run.font.size = "都市間連携セミナーでの発表", Pt(14)
    run.font._rPr.set("lang", "ja-JP")
    deck.save(str(path))
    return path


RUNNING_SENTENCE = "市内の食品工場5社を診断し、年間約1,900t-CO2の削減余地を確認した。"


def _running_text(path: Path) -> Path:
    """A sentence in a 90 mm box that LibreOffice breaks after 1,900t- at 12 pt: on slide 1 the writer may choose its
    size (8 to 12 pt), on slide 2 it may not (12 pt only), as a control."""
    import datetime as dt
    import xml.etree.ElementTree as ET

    from c3p_docs.documents.slides import render_slides
    from c3p_docs.documents.word import Metadata

    box = '<slide><box x="10" y="10" w="90" h="40" size="12" min="{}">' + RUNNING_SENTENCE + "</box></slide>"
    markup = f"<slides>{box.format(8)}{box.format(12)}</slides>"
    data, _ = render_slides(ET.fromstring(markup), "ja", Metadata("t", "a", "s", dt.datetime(2026, 4, 1), "ja"))
    path.write_bytes(data)
    return path


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    from pypdf import PdfReader

    return [(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in PdfReader(pdf).pages]


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def documents(rendered) -> dict[str, Path]:
    return {name: pdf for name, pdf in rendered.items() if not name.startswith("control/")}


def test_the_checks_find_what_they_look_for(rendered):
    from pypdf import PdfReader

    pdf = rendered["control/broken.docx"]
    assert _PageDrawing(PdfReader(pdf).pages[0]).empty_rows()
    assert _split_quantities(pdf, pdf.with_suffix(".docx")) == ["150,000,000円"]
    assert _broken_words(pdf, pdf.with_suffix(".docx")) == ["Optional"]
    slide = rendered["control/broken_slide.pptx"]
    lines = [re.sub(r"\s+", "", line) for page in page_texts(slide) for line in page.splitlines()]
    assert not any("セミナー" in line for line in lines) and "セミナー" in _slide_words(slide.with_suffix(".pptx"))


def test_page_counts_and_paper(rendered):
    for name, pdf in documents(rendered).items():
        sizes = page_sizes(pdf)
        paper = LANDSCAPE_A4 if name.endswith(".pptx") else A4
        assert all(abs(w - paper[0]) < 3 and abs(h - paper[1]) < 3 for w, h in sizes), name
        if "調査事業概要" in name or "表紙" in name or "monthly_" in name:
            assert len(sizes) == 1, name
        if "final_summary" in name:
            assert len(sizes) == 3, name
        if "Project_Idea_Note" in name:
            assert len(sizes) <= 3, name
    assert len(page_sizes(rendered["sample/(1)_応募様式.docx"])) <= 3


class _PageDrawing:
    """Table borders and text baselines on one PDF page, read from its content stream."""

    def __init__(self, page) -> None:
        self.horizontal: list[tuple[float, float, float]] = []  # (y, x1, x2)
        self.vertical: list[tuple[float, float, float]] = []  # (x, y1, y2)
        self.baselines: list[float] = []
        self._start: tuple[float, float] | None = None
        page.extract_text(visitor_operand_before=self._operator, visitor_text=self._text)

    def _operator(self, operator, operands, cm, tm) -> None:
        if operator == b"m":
            self._start = (float(operands[0]), float(operands[1]))
        elif operator == b"l" and self._start is not None:
            (x1, y1), (x2, y2) = self._start, (float(operands[0]), float(operands[1]))
            if abs(y1 - y2) < 0.5 and abs(x2 - x1) > 5:
                self.horizontal.append((y1, min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) < 0.5 and abs(y2 - y1) > 3:
                self.vertical.append((x1, min(y1, y2), max(y1, y2)))

    def _text(self, text, cm, tm, font, size) -> None:
        if text.strip():
            self.baselines.append(tm[5] * cm[3] + cm[5])

    def empty_rows(self) -> list[tuple[float, float]]:
        """Bands between two horizontal borders, inside the table's vertical borders, with no text in them."""
        empty = []
        lines = sorted({round(y, 1) for y, _, _ in self.horizontal}, reverse=True)
        for top, bottom in zip(lines, lines[1:]):
            inside = any(y1 - 1 <= bottom and top <= y2 + 1 for _, y1, y2 in self.vertical)
            if inside and top - bottom > 3 and not any(bottom < y < top for y in self.baselines):
                empty.append((top, bottom))
        return empty


def test_no_table_row_is_left_empty_or_split_across_pages(rendered):
    from pypdf import PdfReader

    for name, pdf in documents(rendered).items():
        if not name.endswith(".docx"):
            continue
        for number, page in enumerate(PdfReader(pdf).pages, 1):
            assert _PageDrawing(page).empty_rows() == [], (name, number)


def _document_text(source: Path) -> str:
    document = Document(str(source))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _split_quantities(pdf: Path, source: Path) -> list[str]:
    """Numbers with their units that the PDF does not show whole on one line."""
    lines = [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
    quantities = sorted({m.group(0) for m in QUANTITY.finditer(_document_text(source))})
    return [q for q in quantities if len(q) >= 3 and not any(re.sub(r"\s+", "", q) in line for line in lines)]


def test_numbers_and_units_are_never_split_across_lines(rendered):
    for name, pdf in documents(rendered).items():
        if name.endswith(".docx"):
            assert _split_quantities(pdf, pdf.with_suffix(".docx")) == [], name


def _broken_words(pdf: Path, source: Path) -> list[str]:
    """Latin words of four letters or more that the PDF does not show whole on one line."""
    lines = [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
    words = set(re.findall(r"[A-Za-z][A-Za-z']{3,}", _document_text(source)))
    return sorted(w for w in words if not any(w in line for line in lines))


def test_latin_words_are_never_broken_inside(rendered):
    """"Davao Cit/y" and "Require/d" came from columns too narrow for their words."""
    for name, pdf in documents(rendered).items():
        if name.endswith(".docx"):
            assert _broken_words(pdf, pdf.with_suffix(".docx")) == [], name


KATAKANA_WORD = re.compile(r"[ァ-ヺー]{3,}")


RUNNING_TEXT = re.compile(r"^[・•→]|[、。．]|[a-z\d)]\.(?:\s|$)")
"""A text box's paragraph that is running text (templates/README.md): a bullet, a sentence or a list. LibreOffice
and PowerPoint may break it between any two Japanese characters (ガイド / ライン), as Japanese typesetting allows."""


def _slide_words(source: Path) -> set[str]:
    """What must come out whole on a slide: Latin words and numbers with their units everywhere, katakana words in
    labels (titles, headers, names, table entries: all but a text box's running text). A label's text is read
    across the line breaks slides.py lays it out with (they fall between phrases)."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    texts, labels = [], []
    for slide in Presentation(str(source)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                paragraphs = shape_words(shape).splitlines()
                texts += paragraphs
                labels += [p for p in paragraphs
                           if shape.shape_type != MSO_SHAPE_TYPE.TEXT_BOX or not RUNNING_TEXT.search(p)]
            if shape.has_table:
                cells = [shape_words(cell) for row in shape.table.rows for cell in row.cells]
                texts += cells
                labels += cells
    text = "\n".join(texts)
    words = set(KATAKANA_WORD.findall("\n".join(labels))) | set(re.findall(r"[A-Za-z][A-Za-z']{3,}", text))
    return words | {m.group(0) for m in QUANTITY.finditer(text) if len(m.group(0)) >= 3}


def test_no_slide_label_title_or_figure_breaks_inside_a_word(rendered):
    """「都市間連携セミ / ナー」, 「高効率チ / ラー導入」, 「令和 / 10年」 and 「1,900t- / CO2」 were on the slides."""
    checked = 0
    for name, pdf in documents(rendered).items():
        if not name.endswith(".pptx"):
            continue
        lines = [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
        words = _slide_words(pdf.with_suffix(".pptx"))
        assert sorted(w for w in words if not any(re.sub(r"\s+", "", w) in line for line in lines)) == [], name
        checked += len(words)
    assert checked > 300


def test_running_text_is_set_at_a_size_where_libreoffice_keeps_its_numbers_and_units_whole(rendered):
    chosen, stuck = ([re.sub(r"\s+", "", line) for line in page.splitlines() if line.strip()]
                     for page in page_texts(rendered["control/running.pptx"]))
    assert "".join(chosen) == "".join(stuck) == RUNNING_SENTENCE  # one paragraph, wrapped by LibreOffice
    assert len(chosen) > 1 and any("1,900t-CO2" in line for line in chosen)
    assert not any("1,900t-CO2" in line for line in stuck)  # where the size cannot change, the unit is split


def test_no_heading_is_the_last_line_of_a_page(rendered):
    for name, pdf in documents(rendered).items():
        if not name.endswith(".docx"):
            continue
        document = Document(str(pdf.with_suffix(".docx")))
        headings = {re.sub(r"\s+", "", p.text) for p in document.paragraphs
                    if p.style.name.startswith("Heading") and p.text.strip()}
        pages = page_texts(pdf)
        for number, page in enumerate(pages[:-1], 1):
            last = [line for line in page.splitlines() if line.strip()]
            assert not last or re.sub(r"\s+", "", last[-1]) not in headings, (name, number, last[-1])


def test_fonts_are_embedded_and_none_falls_back(rendered):
    for name, pdf in documents(rendered).items():
        listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
        assert rows, name
        for row in rows:
            assert "yes" == row[-5], (name, row)  # the emb column
            face = row[0].split("+")[-1]
            assert face.startswith(("NotoSansCJK", "NotoSerifCJK", "Liberation")), (name, face)


def test_yen_never_starts_a_line_and_header_words_stay_whole(rendered):
    """「250,000,000 / 円」, 「法定耐用年 / 数（年）」 and 「JCM補助金（想 / 定）」 were on the reviewer's pages."""
    from c3p_docs.documents.measure import HEADER_WORD_EM, is_wide

    for name, pdf in documents(rendered).items():
        if not name.endswith(".docx"):
            continue
        lines = [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
        assert not [line for line in lines if line.startswith("円")], name
        document = Document(str(pdf.with_suffix(".docx")))
        headers = {cell.text for table in document.tables for cell in table.rows[0].cells}
        words = {re.sub(r"\s+", "", word) for header in headers
                 for word in re.findall(r"[（(][^）)]*[）)]|[^\s（(]+", header)
                 if sum(1.0 if is_wide(c) else 0.55 for c in word) <= HEADER_WORD_EM}
        assert sorted(w for w in words if not any(w in line for line in lines)) == [], name


def test_the_jcm_totals_stay_on_the_page_of_their_table(rendered):
    """「削減量合計：…」 opened page 2 of the R6 application form while its table ended page 1: the table keeps with it."""
    for name in ("sample/(1)_応募様式.docx", "review/(1)_応募様式.docx"):
        document = Document(str(rendered[name].with_suffix(".docx")))
        table = next(t for t in document.tables if t.rows[0].cells[0].text == "案件名")
        assert all(p.paragraph_format.keep_with_next for p in table.rows[-1].cells[0].paragraphs), name
        pages = page_texts(rendered[name])
        last = re.sub(r"\s+", "", table.rows[-1].cells[2].text)  # its subsidy, an amount on one line
        assert any("削減量合計" in page and last in re.sub(r"\s+", "", page) for page in pages), name


def test_the_sheets_lines_end_between_phrases(tmp_path):
    """③ ④ as printed: 「…廃棄物管理改善 / 」」, 「…太陽光発電の導 / 入」 and 「…確 / 認」 were lines of one character, the
    columns' fixed shares a character short of the text beside a column with room to spare."""
    from openpyxl import load_workbook

    from c3p_docs.pdf import convert_to_pdf

    result = run_cli("build", FY2024, "-o", tmp_path, "--only", "track_record,multi_year_plan", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    sheets = sorted((tmp_path / "submission").glob("*.xlsx"))
    assert len(sheets) == 4
    broken = 0
    for sheet, data in convert_to_pdf(sheets).items():
        pdf = sheet.with_suffix(".pdf")
        pdf.write_bytes(data)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        lines = [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()]
        assert [line for line in lines if len(line) == 1] == [], sheet.name
        cells = [str(cell.value) for worksheet in load_workbook(sheet).worksheets for row in worksheet.iter_rows()
                 for cell in row if cell.value is not None]
        for part in (part for cell in cells if "\n" in cell for part in cell.split("\n")):
            broken += 1
            assert any(re.sub(r"\s+", "", part) in line for line in lines), (sheet.name, part)
        assert "6\u00a0MW" in "".join(cells) and not any("6 MW" in cell for cell in cells)
    assert broken > 0  # some labels were laid out between phrases, and LibreOffice kept each line whole


def test_a_short_list_in_a_cell_and_the_summary_intro_leave_no_character_alone_on_a_line(rendered):
    """「…海外環境協 / 力」 (a list of 36 characters was left to the renderer as prose) and 「…記載す / る。」."""
    lines = {name: [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
             for name, pdf in documents(rendered).items()}
    overview = next(v for k, v in lines.items() if k.endswith("(5)_団体概要_1.docx"))
    assert any(line.endswith("海外環境協力") for line in overview)
    summary = next(v for k, v in lines.items() if k.endswith("(3)_応募事業概要書_ja.docx"))
    assert any(line.startswith("以下、") and line.endswith("評価項目ごとに記載する。") for line in summary)


def test_an_address_keeps_its_block_and_lot_on_one_line(rendered):
    """「福岡県北九州市小倉北区浅野三丁目8番 / 1号」: the address now breaks before 三丁目, if anywhere."""
    lines = [re.sub(r"\s+", "", line) for page in page_texts(rendered["sample/(1)_応募様式.docx"])
             for line in page.splitlines()]
    assert any("三丁目8番1号" in line for line in lines)


def test_the_outline_keeps_its_appendix_list_together(rendered):
    """Its last item alone opened page 3. Word keeps the chain together; LibreOffice keeps only the last pair of a
    chain of paragraphs kept with the next (measured), so the PDF may still part it."""
    document = Document(str(rendered["sample/final_report_outline_ja.docx"].with_suffix(".docx")))
    texts = [p.text for p in document.paragraphs]
    appendix = document.paragraphs[texts.index("巻末資料"):]
    assert len(appendix) > 3 and all(p.paragraph_format.keep_with_next for p in appendix[:-1])


def test_a_fiscal_year_ends_a_phrase_of_a_label(rendered):
    """「令和07・08・09年度環 / 境省競争参加資格」 was in both calls' checklists."""
    lines = [re.sub(r"\s+", "", line) for page in page_texts(rendered["sample/checklist_ja.docx"])
             for line in page.splitlines()]
    assert any("環境省競争参加資格" in line for line in lines)


def test_a_sessions_short_items_break_between_phrases(tmp_path):
    """「・JICA現地事務所との協議（年1回）：実 / 施0件／予定1件」 was on the kick-off slides: a short item that is no
    sentence is a label."""
    from c3p_docs.pdf import convert_to_pdf

    result = run_cli("session", FY2026, "kickoff", "-o", tmp_path, "--lang", "ja", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    deck = next(tmp_path.glob("session_kickoff_*_ja.pptx"))
    pdf = tmp_path / "session.pdf"
    pdf.write_bytes(convert_to_pdf([deck])[deck])
    lines = [re.sub(r"\s+", "", line) for page in page_texts(pdf) for line in page.splitlines()]
    assert any("実施0件／予定1件" in line for line in lines) and not any(line.endswith("実") for line in lines)
