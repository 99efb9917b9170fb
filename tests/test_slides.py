"""Slides: measured columns without blank bands, tables and bars for numbers, no one-character title widows,
Latin and East Asian faces on every run."""

from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import xml.etree.ElementTree as ET
import zipfile

import pytest
from conftest import FY2026, ROOT, run_cli, shape_words
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
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
        cells = [cell.text for table in tables for row in table.rows for cell in row.cells]
        assert "6,800\u00a0t-CO2eq/" + ("年" if lang == "ja" else "yr") in cells  # key figures, the unit bound
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


# The reviewer's own project: 12 activities this year, long Japanese texts, technologies with brackets.
TOYAMA = ROOT / "tests" / "data" / "toyama-danang-fy2026.yaml"
FOOTER_TOP_MM = 199.0


@pytest.fixture(scope="module")
def toyama(tmp_path_factory):
    out = tmp_path_factory.mktemp("toyama")
    result = run_cli("build", TOYAMA, "-o", out, "--pdf", "never", "--only", "overview,final_summary")
    assert result.returncode == 0, result.stderr
    return out


def _decks(out):
    return {path.name: Presentation(str(path)) for path in sorted(out.rglob("*.pptx"))}


def _runs(shape):
    frames = ([cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table
              else [shape.text_frame] if shape.has_text_frame else [])
    return [run for frame in frames for paragraph in frame.paragraphs for run in paragraph.runs]


def test_long_projects_stay_on_the_slide_readable_and_off_the_footer(toyama):
    for name, deck in _decks(toyama).items():
        for number_, slide in enumerate(deck.slides, 1):
            for shape in slide.shapes:
                assert shape.left >= 0 and shape.top >= 0, (name, number_, shape.name)
                assert shape.left + shape.width <= deck.slide_width and shape.top + shape.height <= deck.slide_height
                assert all(run.font.size.pt >= 8 for run in _runs(shape)), (name, number_, shape.name)
                if shape.has_table and name.startswith("final_summary"):
                    assert mm(shape.top) + mm(shape.height) <= FOOTER_TOP_MM, (name, number_)
    # All twelve activities of the year are in the table of slide 2 (they fit at a readable size).
    table = next(s.table for s in _decks(toyama)["final_summary_ja.pptx"].slides[1].shapes if s.has_table)
    assert len(table.rows) == 13


def test_the_boxes_of_a_column_share_one_type_size_before_any_reaches_the_floor(toyama):
    slide = _decks(toyama)["(2)_調査事業概要_ja.pptx"].slides[0]
    left = [s for s in slide.shapes if (s.shape_type == MSO_SHAPE_TYPE.TEXT_BOX or s.has_table)
            and abs(mm(s.left) - 8) < 0.5 and 32 < mm(s.top) < 190]
    sizes = {run.font.size.pt for shape in left for run in _runs(shape)}
    assert len(left) == 4 and sum(s.has_table for s in left) == 1  # the JCM projects are a table
    assert len(sizes) == 1 and min(sizes) >= 8


def test_jcm_bullets_name_the_technology_once_without_nested_brackets(toyama):
    for lang in ("ja", "en"):
        slide = _decks(toyama)[f"(2)_調査事業概要_{lang}.pptx"].slides[0]
        text = "\n".join(shape_words(s) for s in slide.shapes if s.has_text_frame)
        assert not re.search(r"[（(][^）)\n]*[（(]", text), lang
        if lang == "ja":
            assert "冷凍冷蔵倉庫群の屋根置き太陽光発電と蓄電池（5.2\u00a0MW" in text
            assert "導入（CO2/NH3二元冷凍機、インバーター制御）" in text
        else:
            # The footer's sentences are separated.
            assert "first call · Period: 1 June 2026" in text and " · phase 1, year 1" in text


def test_a_table_too_long_for_its_column_ends_with_a_row_saying_how_many_were_left_off():
    rows = "".join(f"<tr><td>Row {i}</td><td>Some longer text that wraps in the narrow column {i}</td></tr>"
                   for i in range(60))
    markup = ('<slides><slide><column x="8" y="24" w="120" h="100" gap="1">'
              f'<table size="11" min="8" field="activities" more="… and {{n}} more"><tr><th>When</th><th>What</th></tr>'
              f'{rows}</table></column></slide></slides>')
    data, report = render_slides(ET.fromstring(markup), "en", METADATA)
    table_shape = next(s for s in Presentation(io.BytesIO(data)).slides[0].shapes if s.has_table)
    assert mm(table_shape.top) + sum(mm(row.height) for row in table_shape.table.rows) <= 124.5
    rows_shown = len(table_shape.table.rows)
    last = table_shape.table.rows[rows_shown - 1].cells[0].text
    left_off = 60 - (rows_shown - 2)
    assert last == f"… and {left_off} more" and left_off > 0
    assert table_shape.table.rows[0].cells[0].text == "When"
    assert report.cut == ["activities"] and report.overflow == []
    assert all(run.font.size.pt >= 8 for run in _runs(table_shape))


def test_an_overview_still_too_long_at_8_pt_fails_the_build_naming_the_field(tmp_path):
    text = TOYAMA.read_text(encoding="utf-8")
    long = "富山県の経験を活かした省エネルギー診断と設備更新支援を行う。" * 40
    project = tmp_path / "long.yaml"
    project.write_text(text.replace("  needs:\n    ja: ", f"  needs:\n    ja: {long}", 1), encoding="utf-8")
    result = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--only", "overview", "--lang", "ja")
    assert result.returncode == 1
    assert "エラー[text-overflow]" in result.stderr  # --lang ja: messages in Japanese
    assert "project.needs" in result.stderr and "8 pt" in result.stderr


def test_chart_values_and_key_figures_are_one_line_in_a_box_wide_enough_for_them(toyama):
    from c3p_docs.documents.measure import FALLBACK_LATIN, text_width_pt
    from c3p_docs.documents.slides import SLACKS

    for lang in ("ja", "en"):
        face, latin = ("gothic", FALLBACK_LATIN) if lang == "ja" else ("sans", 1.0)
        slides = _decks(toyama)[f"final_summary_{lang}.pptx"].slides
        figures = [(shape.text_frame, mm(shape.width)) for shape in slides[2].shapes
                   if shape.has_text_frame and re.match(r"[\d,]+", shape.text_frame.text)]
        assert figures
        for s in slides[0].shapes:
            if s.has_table:
                widths = [mm(column.width) for column in s.table.columns]
                figures += [(cell.text_frame, widths[1]) for row in list(s.table.rows)[:-1] for cell in list(row.cells)[1:]
                            if re.match(r"[\d,.]+\s", cell.text)]
        assert len(figures) > 5
        for frame, width in figures:
            text, run = frame.text, frame.paragraphs[0].runs[0]
            assert "\v" not in text and "\n" not in text, text  # one line, not broken by the writer
            needed = text_width_pt(text, run.font.size.pt, face, False, latin) * SLACKS[face] * 25.4 / 72
            assert needed <= width - 2, (text, needed, width)  # nor by the renderer


def test_shapes_of_a_reference_layout_with_a_placeholder_get_ids_after_it_and_text_comes_back_as_written(tmp_path):
    # A user's reference deck without a "Blank" layout: the slides take the layout with fewest placeholders,
    # and the title placeholder it brings keeps its id; every shape we draw gets a new one (PowerPoint repairs
    # a file with two shapes of one id).
    reference = Presentation()
    for layout in reference.slide_layouts:
        if layout.name == "Blank":
            layout.name = "Empty"
            title = next(p for p in reference.slide_layouts.get_by_name("Title Only").placeholders if p.placeholder_format.idx == 0)
            layout.shapes.element.append(copy.deepcopy(title.element))
    reference.save(str(tmp_path / "reference.pptx"))
    markup = ('<slides><slide><rect x="10" y="10" w="80" h="12" name="Tom &amp; Jerry &quot;2&quot;" line="1F3A5F" '
              'fill="dce6f0">A &amp; B &lt;C&gt;</rect><arrow x1="90" y1="30" x2="20" y2="25"/>'
              '<table x="10" y="40" w="120" h="60" size="10"><tr><th span="2">Head</th></tr><tr><td>1</td><td>2</td></tr>'
              '</table></slide></slides>')
    data, _ = render_slides(ET.fromstring(markup), "en", METADATA, str(tmp_path))
    shapes = list(Presentation(io.BytesIO(data)).slides[0].shapes)
    assert [shape.shape_id for shape in shapes] == [2, 3, 4, 5] and shapes[0].is_placeholder
    assert shapes[1].name == 'Tom & Jerry "2"' and shapes[1].text_frame.text == "A & B <C>"
    assert shapes[1].fill.fore_color.rgb == RGBColor(0xDC, 0xE6, 0xF0)
    assert shapes[2].begin_x > shapes[2].end_x  # the arrow runs right to left
    table = shapes[3].table
    assert table.cell(0, 0).is_merge_origin and table.cell(0, 1).is_spanned
    assert shapes[3].height == sum(row.height for row in table.rows)
    assert shapes[3].width == sum(column.width for column in table.columns)


def test_shapes_go_into_the_slide_part_exactly_as_lxml_writes_them():
    # The shapes' XML text is written into the saved part in place of a mark: it must be what serializing the
    # parsed part gives back (escapes in names and text, empty elements closed), or a rebuild of the same slide
    # through the tree would differ.
    markup = ('<slides><slide><rect x="10" y="10" w="80" h="12" name="a&#10;b&#9;c &lt;&gt;&amp;&quot;\'" '
              'round="1" fill="dce6f0">x &#13; y &lt;&amp;&gt; "q" \'s\'</rect><box x="10" y="30" w="80" h="12"></box>'
              '<table x="10" y="50" w="120" h="60" size="10"><tr><th span="2">Head &amp; "tail"</th></tr>'
              '<tr><td>1</td><td></td></tr><tr><td nowrap="1">2 t</td><td bold="1">&lt;3&gt;</td></tr></table>'
              '<arrow x1="90" y1="30" x2="20" y2="25"/></slide><slide><bars x="10" y="10" w="200" h="40" size="10">'
              '<bar label="A &amp; B" value="3" text="3 t"/><bar label="" value="0" text=""/></bars></slide></slides>')
    data, _ = render_slides(ET.fromstring(markup), "en", METADATA)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [package.read(name) for name in package.namelist() if name.startswith("ppt/slides/slide")]
    assert len(parts) == 2
    for part in parts:
        assert etree.tostring(etree.fromstring(part), encoding="UTF-8", standalone=True) == part
    shapes = list(Presentation(io.BytesIO(data)).slides[0].shapes)
    assert shapes[0].name == "a\nb\tc <>&\"'" and shapes[0].text_frame.text == "x y <&> \"q\" 's'"


# Line breaks: running text is wrapped by the application, labels are set on one line or broken between phrases ------

PROJECTS = [FY2026, ROOT / "samples" / "yokohama-surabaya-fy2024.yaml", *sorted((ROOT / "tests" / "data").glob("*.yaml"))]
SENTENCE = re.compile(r"[。．]|[a-z\d)]\.(?:\s|$)")
"""A paragraph holding a sentence: the writer never breaks it (a Japanese full stop, or a Latin one after a word)."""


@pytest.fixture(scope="module")
def every_deck(tmp_path_factory) -> dict[str, Presentation]:
    """The overview, final summary and interim session slides of the samples and the test projects, both languages."""
    out = tmp_path_factory.mktemp("decks")
    for project in PROJECTS:
        target = out / project.stem
        built = run_cli("build", project, "-o", target, "--pdf", "never", "--only", "overview,final_summary",
                        "--lang", "ja,en")
        session = run_cli("session", project, "interim", "-o", target, "--pdf", "never", "--lang", "ja,en")
        assert built.returncode in (0, 1) and session.returncode == 0, built.stderr + session.stderr
    decks = {str(path.relative_to(out)): Presentation(str(path)) for path in sorted(out.rglob("*.pptx"))}
    assert len(decks) == len(PROJECTS) * 6
    return decks


def _paragraphs(deck):
    """Every paragraph of a deck's text boxes, shapes and table cells, as python-pptx reads it (an a:br is "\\v")."""
    for slide in deck.slides:
        for shape in slide.shapes:
            frames = ([cell.text_frame for row in shape.table.rows for cell in row.cells] if shape.has_table
                      else [shape.text_frame] if shape.has_text_frame else [])
            for frame in frames:
                yield from (paragraph.text for paragraph in frame.paragraphs)


def test_running_text_is_one_paragraph_the_application_wraps_without_line_breaks(every_deck):
    sentences = broken_labels = 0
    for name, deck in every_deck.items():
        for text in _paragraphs(deck):
            if SENTENCE.search(text):
                sentences += 1
                assert "\v" not in text, (name, text)  # copied from PowerPoint, a sentence comes out whole
            if "\v" not in text:
                continue
            # Only a Japanese label too long for one line is broken, between phrases: never inside a number, a
            # Latin word or a katakana word (what LibreOffice and PowerPoint would split).
            assert not name.endswith("_en.pptx"), (name, text)
            broken_labels += 1
            joined = text.replace("\v", "")
            ends = [len(part) for part in itertools.accumulate(text.split("\v"))][:-1]
            for end in ends:
                left, right = joined[end - 1], joined[end]
                assert not (left.isascii() and left.isalnum() and right.isascii() and right.isalnum()), (name, text)
                assert not (KATAKANA.match(left) and KATAKANA.match(right)), (name, text)
                assert not (left.isdigit() and right in "円%年月日"), (name, text)
    assert sentences > 150 and broken_labels > 10


def test_the_overview_holds_its_sentences_and_names_whole(every_deck):
    paragraphs = set(_paragraphs(every_deck["kitakyushu-davao-fy2026/submission/(2)_調査事業概要_ja.pptx"]))
    assert ("ダバオ市は2030年までに温室効果ガス排出量を30%削減する地域気候変動行動計画を掲げるが、"
            "産業部門の対策と資金が不足している。") in paragraphs
    assert "公益財団法人アジア低炭素化センター" in paragraphs  # an organisation's name, set to fit on one line
    english = set(_paragraphs(every_deck["kitakyushu-davao-fy2026/submission/(2)_調査事業概要_en.pptx"]))
    assert "Zero-carbon city development in Davao through waste-to-energy and factory energy efficiency" in english


KATAKANA = re.compile(r"[ァ-ヺー]")


def _box_run(markup: str, lang: str = "ja"):
    data, report = render_slides(ET.fromstring(f"<slides><slide>{markup}</slide></slides>"), lang, METADATA)
    paragraph = Presentation(io.BytesIO(data)).slides[0].shapes[0].text_frame.paragraphs[0]
    return paragraph, report


def test_running_text_is_set_at_the_next_size_that_keeps_a_unit_whole():
    from c3p_docs.documents.measure import PT_TO_MM, breaks_badly

    sentence = "市内の食品工場5社を診断し、年間約1,900t-CO2の削減余地を確認した。"
    assert breaks_badly(sentence, 88 / PT_TO_MM, 12) and breaks_badly(sentence, 88 / PT_TO_MM, 11.5)  # …1,900t- / CO2…
    paragraph, report = _box_run(f'<box x="10" y="10" w="90" h="40" size="12" min="8" field="results">{sentence}</box>')
    assert paragraph.text == sentence and paragraph.runs[0].font.size.pt == 11
    assert report.shrunk == ["results"] and report.overflow == []


def test_a_label_is_set_on_one_line_within_its_floor_rather_than_broken():
    name = "公益財団法人アジア低炭素化センター"
    paragraph, _ = _box_run(f'<rect x="10" y="10" w="55" h="22" size="8.5" min="6.5" align="center">{name}</rect>')
    assert paragraph.text == name and paragraph.runs[0].font.size.pt == 8  # READABLE_PT: not down to its min
    # Too long for one line at its floor: a Japanese label breaks between phrases, a Latin one where it wraps.
    long_name = "一般社団法人カーボンニュートラルポート推進協議会"
    paragraph, _ = _box_run(f'<rect x="10" y="10" w="48" h="22" size="10" min="8">{long_name}</rect>')
    assert paragraph.text.replace("\v", "") == long_name and "カーボンニュートラルポート" in paragraph.text.split("\v")
    paragraph, _ = _box_run('<rect x="10" y="10" w="40" h="22" size="10" min="8">Association for Carbon Neutral '
                            'Ports</rect>', "en")
    assert paragraph.text == "Association for Carbon Neutral Ports"


def test_a_box_is_as_tall_as_its_text_needs_and_no_taller():
    writer = SlideWriter("ja", METADATA)
    box = ET.fromstring('<box size="10"><p bold="1" label="1">見出し</p><p>' + "脱炭素社会の実現に向けた都市間連携。" * 6
                        + "</p></box>")
    paragraphs, width, _ = writer._box_measures(box, 80)
    height = writer._height(paragraphs, width, 10)
    assert writer._fits(paragraphs, width, height, 10) and not writer._fits(paragraphs, width, height - 6, 10)
