"""Slides: measured columns without blank bands, tables and bars for numbers, no one-character title widows,
Latin and East Asian faces on every run."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from conftest import FY2026, plain, run_cli
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from c3p_docs.documents.slides import SlideWriter, render_slides
from c3p_docs.documents.word import Metadata

METADATA = Metadata("t", "a", "s", dt.datetime(2026, 4, 1, 9), "ja")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "overview,final_summary").returncode == 0
    return out


def mm(length) -> float:
    return Emu(length).mm


def test_the_final_summary_shows_numbers_as_tables_and_bars(built):
    for lang in ("ja", "en"):
        slides = Presentation(str(built / f"final_summary_{lang}.pptx")).slides
        assert len(slides) == 3
        tables = [shape.table for slide in slides for shape in slide.shapes if shape.has_table]
        cells = [plain(cell.text) for table in tables for row in table.rows for cell in row.cells]
        assert "6,800 t-CO2eq/" + ("年" if lang == "ja" else "yr") in cells  # key figures
        assert any("3,200" == cell for cell in cells)  # a JCM project's reduction
        # Reductions by project as bars: one bar per project, the longer for the larger reduction.
        bars = [shape for shape in slides[2].shapes
                if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE and not shape.text_frame.text]
        assert len(bars) >= 2 + 3  # two projects, at least three budget lines
        # The reductions chart (left column) draws 3,200 and 3,600 t-CO2eq in proportion.
        reductions = sorted(mm(shape.width) for shape in bars if mm(shape.left) < 188)
        assert len(reductions) == 2 and reductions[0] / reductions[1] == pytest.approx(3200 / 3600, rel=0.01)


def test_no_box_in_a_column_overlaps_the_next_and_text_clears_header_bars(built):
    for lang in ("ja", "en"):
        slide = Presentation(str(built / "submission" / f"(2)_調査事業概要_{lang}.pptx")).slides[0]
        for left in (8, 152):
            shapes = sorted((s for s in slide.shapes if abs(mm(s.left) - left) < 0.6 and mm(s.top) > 30),
                            key=lambda s: s.top)
            column = [s for s in shapes if abs(mm(s.width) - (140 if left == 8 else 137)) < 0.6]
            for upper, lower in zip(column, column[1:]):
                assert mm(upper.top) + mm(upper.height) <= mm(lower.top) + 0.05, (lang, upper.name, lower.name)


def test_text_boxes_grow_into_spare_room_instead_of_leaving_a_blank_band():
    writer = SlideWriter("en", METADATA)
    column = ET.fromstring('<column x="0" y="0" w="140" h="150" gap="1"><rect h="7">Needs</rect>'
                           '<box size="11">Short text.</box><rect h="7">Sectors</rect><box size="11">Energy</box></column>')
    children = writer._lay_out_column(column)
    boxes = [c for c in children if c.tag == "box"]
    assert all(float(b.get("size")) == 13 for b in boxes)  # grown by the 2 pt allowed
    # Each box is as tall as its text; the room left goes before the second header, not under the text.
    assert float(boxes[0].get("h")) < 15
    assert float(children[2].get("y")) > float(boxes[0].get("y")) + float(boxes[0].get("h")) + 20


def test_a_title_is_set_smaller_rather_than_leave_one_character_on_its_last_line():
    title = "ダバオ市における廃棄物発電と工場省エネによる脱炭素都市形成支援事業"
    markup = (f'<slides><slide><rect x="0" y="0" w="297" h="24" size="24" min="14" inset="10" field="title">{title}</rect>'
              '</slide></slides>')
    data, report = render_slides(ET.fromstring(markup), "ja", METADATA)
    run = Presentation(io.BytesIO(data)).slides[0].shapes[0].text_frame.paragraphs[0].runs[0]
    assert run.font.size.pt < 24 and report.overflow == []


def test_every_run_names_its_latin_and_east_asian_faces(built):
    for name in ("final_summary_ja.pptx", "final_summary_en.pptx", "submission/(2)_調査事業概要_ja.pptx"):
        for slide in Presentation(str(built / name)).slides:
            for properties in slide.element.iter(qn("a:rPr"), qn("a:endParaRPr")):
                latin, east_asian = properties.find(qn("a:latin")), properties.find(qn("a:ea"))
                assert latin is not None and east_asian is not None, name
                assert east_asian.get("typeface") == "游ゴシック"
                assert latin.get("typeface") == ("Arial" if name.endswith("_en.pptx") else "游ゴシック")
