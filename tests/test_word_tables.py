"""Word tables and inline text: header rows repeat, rows never split, widths come from what columns hold."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

from docx import Document
from docx.oxml.ns import qn

from c3p_docs.documents.measure import NO_BREAK_SPACE, bind_units, chunks, text_width_pt
from c3p_docs.documents.word import Metadata, render_word

METADATA = Metadata("t", "a", "s", dt.datetime(2026, 4, 1, 9), "ja")


def render(markup: str, lang: str = "ja"):
    data = render_word(ET.fromstring(markup), lang, METADATA)
    return Document(io.BytesIO(data))


def long_table(rows: int) -> str:
    body = "".join(f"<tr><td>案件{i}</td><td align='right'>150,000,000円</td><td>120人日</td></tr>" for i in range(rows))
    return f"<table><tr><th>案件名</th><th>補助金額</th><th>数量</th></tr>{body}</table>"


def test_header_rows_repeat_and_no_row_splits_across_pages():
    document = render(f"<doc><h2>2. 想定するJCM案件</h2>{long_table(30)}</doc>")
    rows = document.tables[0]._tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(row.find(qn("w:trPr")).find(qn("w:tblHeader")) is None for row in rows[1:])
    assert all(row.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for row in rows)
    # The header keeps with the first data row; a long table may break between later rows.
    assert all(p.paragraph_format.keep_with_next for p in document.tables[0].rows[0].cells[0].paragraphs)
    assert not document.tables[0].rows[5].cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_a_short_table_stays_on_one_page_with_the_paragraph_before_it():
    document = render(f"<doc><p>次の表のとおり。</p>{long_table(3)}</doc>")
    assert document.paragraphs[0].paragraph_format.keep_with_next
    table = document.tables[0]
    assert all(row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in table.rows[:-1])
    assert not table.rows[-1].cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_headings_keep_with_the_text_that_follows():
    document = render("<doc><h1>第1章</h1><h2>1.1 目的</h2><p>本文</p></doc>")
    assert [p.paragraph_format.keep_with_next for p in document.paragraphs] == [True, True, None]


def test_rows_without_text_are_left_out():
    document = render("<doc><table><tr><th>a</th><td>b</td></tr><tr><th></th><td> </td></tr>"
                      "<tr><th>c</th><td>d</td></tr></table></doc>")
    assert [row.cells[0].text for row in document.tables[0].rows] == ["a", "c"]


def test_column_widths_give_every_unbreakable_token_room_and_fill_the_page():
    long_text = "現地コンサルタントによる工場調査の結果を踏まえ、" * 6
    document = render("<doc><table><tr><th>費目</th><th>内容</th><th>金額</th></tr>"
                      f"<tr><td>外注費</td><td>{long_text}</td><td align='right'>150,000,000円</td></tr></table></doc>")
    grid = [int(c.get(qn("w:w"))) / 20 for c in document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(grid) - 166 / 25.4 * 72) < 2  # the A4 text width
    assert grid[2] >= text_width_pt("150,000,000円", 9.5, "mincho") + 8
    assert grid[0] >= text_width_pt("外注費", 9.5, "mincho") + 8  # a short label on one line
    assert grid[1] == max(grid)


def test_template_widths_are_a_hint_widened_where_content_needs_it():
    document = render("<doc><table widths='5,95'><tr><td>150,000,000円</td><td>text</td></tr></table></doc>")
    grid = [int(c.get(qn("w:w"))) / 20 for c in document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[0] >= text_width_pt("150,000,000円", 9.5, "mincho") + 8


def test_a_cell_spanning_rows_is_merged_vertically():
    document = render("<doc><table><tr><th rowspan='2'>応募者</th><td>法人名</td><td>株式会社</td></tr>"
                      "<tr><td>代表者</td><td>山田</td></tr></table></doc>")
    rows = document.tables[0]._tbl.findall(qn("w:tr"))
    first = rows[0].findall(qn("w:tc"))[0].find(qn("w:tcPr")).find(qn("w:vMerge"))
    below = rows[1].findall(qn("w:tc"))[0].find(qn("w:tcPr")).find(qn("w:vMerge"))
    assert first.get(qn("w:val")) == "restart" and below is not None and below.get(qn("w:val")) is None
    assert [len(row.findall(qn("w:tc"))) for row in rows] == [3, 3]


def test_japanese_is_never_set_in_italic():
    document = render("<doc><p><i>評価の観点：JCM feasibility</i></p></doc>")
    runs = document.paragraphs[0].runs
    assert [(run.text, bool(run.italic)) for run in runs] == [("評価の観点：", False), ("JCM feasibility", True)]


def test_every_run_names_its_east_asian_face_and_says_its_languages():
    for lang in ("ja", "en"):
        document = render("<doc><p>A<b>太字</b><br/>B 250,000,000円 令和8年度</p><table><tr><td>x</td></tr></table>"
                          "<p><code>c3p-docs</code></p></doc>", lang)
        runs = list(document.element.body.iter(qn("w:r")))
        assert all(run.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")) for run in runs)
        # Japanese text is Japanese and Latin text English on every run, never "no language" (zxx), which turns
        # proofing off for the reviewer; the document's defaults say the same.
        languages = {(lang_.get(qn("w:val")), lang_.get(qn("w:eastAsia"))) for lang_ in document.element.body.iter(qn("w:lang"))}
        assert languages == {("en-GB", "ja-JP")}
        assert len(list(document.element.body.iter(qn("w:lang")))) == len(runs)
        default = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        assert (default.find(qn("w:lang")).get(qn("w:val")), default.find(qn("w:lang")).get(qn("w:eastAsia"))) == (
            "en-GB", "ja-JP")


def test_numbers_are_measured_with_their_units_and_bound_only_to_latin_ones():
    assert chunks("120人日") == ["120人日"]
    assert len(chunks("3,205円/t-CO2eq・年")) == 1
    assert bind_units("3,200 t-CO2eq/年") == f"3,200{NO_BREAK_SPACE}t-CO2eq/年"
    assert bind_units("JPY 150,000,000") == f"JPY{NO_BREAK_SPACE}150,000,000"
    assert bind_units("28 May 2024, 3 件, 令和 8 年") == "28 May 2024, 3 件, 令和 8 年"  # not units, or Japanese ones
    # Ordinary words keep their breaks: a Japanese word after a counter, English words after a number.
    assert chunks("第1回現地調査")[1:3] == ["1回", "現"]
    assert chunks("in 2024 the cities") == ["in ", "2024 ", "the ", "cities"]


def test_text_is_written_as_the_reader_copies_it():
    """No joiner, no no-break hyphen: a phone number, a unit and a file name come out of Word exactly as typed;
    the measuring keeps them whole, so columns are made wide enough for them instead."""
    typed = "電話 093-000-1234、t-CO2eq、once-through、①_応募様式.pdf、令和8年度"
    document = render(f"<doc><p>{typed}</p><table><tr><td>{typed}</td></tr></table></doc>")
    assert document.paragraphs[0].text == typed and document.tables[0].rows[0].cells[0].text == typed
    body = document.element.body
    assert not body.xpath(".//w:noBreakHyphen") and not body.xpath(".//w:lang[@w:eastAsia='zxx']")
    assert "093-000-1234、" in chunks(typed) and "t-CO2eq、" in chunks(typed)


def test_invisible_characters_in_user_text_do_not_reach_the_document():
    document = render("<doc><p>令\u2060和\u200b8年\u00ad度\ufeff 4\u202fMW 03\u2011000</p></doc>")
    assert document.paragraphs[0].text == f"令和8年度 4{NO_BREAK_SPACE}MW 03-000"


def test_literal_text_is_exact_unproofed_and_a_literal_line_is_set_to_fit():
    command = "c3p-docs check-package submission --project " + "../very-long-folder-name" * 6 + "/project.yaml"
    document = render(f"<doc><p>件名：<code>（北九州市-ダバオ市） 4 MW</code></p><p size='9'><code>{command}</code></p></doc>")
    first, second = document.paragraphs
    assert first.text == "件名：（北九州市-ダバオ市） 4 MW"  # no unit binding inside a literal
    assert first.runs[-1].element.rPr.find(qn("w:noProof")) is not None
    assert first.runs[0].element.rPr.find(qn("w:noProof")) is None
    assert second.text == command
    size = second.runs[0].font.size.pt
    assert 7 <= size < 9 and text_width_pt(command, 7, "gothic", latin_scale=1.2) > 166 / 25.4 * 72 * 0.9


def test_text_that_looks_like_xml_appears_as_written():
    """The writer writes XML text straight into the part: markup characters, quotes and spaces at a run's edges in
    user text (and in a template's colour) stay as written, in the body, in table cells and in the footer."""
    odd = 'A &amp; B &lt;w:p/&gt; "quoted" \'single\' ]]&gt;'
    document = render(f"<doc><p colour='&quot;&lt;&amp;'>{odd}</p><p>x\u2011y <b> z </b></p>"
                      f"<table><tr><th>{odd}</th></tr><tr><td>{odd}</td></tr></table><footer>{odd}</footer></doc>")
    shown = 'A & B <w:p/> "quoted" \'single\' ]]>'
    assert document.paragraphs[0].text == shown
    assert document.paragraphs[0].runs[0].element.rPr.find(qn("w:color")).get(qn("w:val")) == '"<&'
    assert document.paragraphs[1].text == "x-y  z"  # a no-break hyphen in user text becomes the hyphen it looks like
    assert [row.cells[0].text for row in document.tables[0].rows] == [shown, shown]
    assert document.sections[0].footer.paragraphs[0].text == shown


def test_a_reference_whose_main_part_uses_another_prefix_still_gets_the_text(tmp_path):
    """Word writes `w:`, but XML allows any prefix: with another one, the body's blocks are parsed into place."""
    import zipfile

    from c3p_docs.jinja_env import template_dir

    source = zipfile.ZipFile(template_dir("common") / "reference.docx")
    with zipfile.ZipFile(tmp_path / "reference.docx", "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = data.replace(b"<w:", b"<m:").replace(b"</w:", b"</m:").replace(b" w:", b" m:")
                data = data.replace(b"xmlns:w=", b"xmlns:m=")
            target.writestr(name, data)
    data = render_word(ET.fromstring("<doc><h1>見出し</h1><p>A &amp; B</p><table><tr><td>c</td></tr></table></doc>"),
                       "ja", METADATA, templates=str(tmp_path))
    document = Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs][:2] == ["見出し", "A & B"]
    assert document.tables[0].rows[0].cells[0].text == "c"
    assert b"<m:body><m:p>" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def test_a_table_marked_keep_next_stays_with_the_note_after_it():
    kept = long_table(20).replace("<table>", "<table keep='next'>")
    document = render(f"<doc>{kept}<p>note</p></doc>")
    last = document.tables[0].rows[-1].cells[0].paragraphs[0]
    spacer = document.paragraphs[-2]  # the thin paragraph every table is followed by
    assert last.paragraph_format.keep_with_next and spacer.paragraph_format.keep_with_next
    plain = render(f"<doc>{long_table(20)}<p>note</p></doc>")
    assert not plain.tables[0].rows[-1].cells[0].paragraphs[0].paragraph_format.keep_with_next


def test_a_label_is_given_breaks_only_where_the_renderer_would_break_it_inside_a_word():
    """LibreOffice breaks Japanese wherever a line is full: a label it breaks only between phrases, whatever its
    metrics, is left to it, so it copies whole; one it would break inside a word (賃上|げ, セミ|ナー) is broken
    between phrases."""
    from c3p_docs.documents.measure import line_count

    plain, katakana, whole = "企業等の賃上げの実施に関する表明書の写し", "都市間連携セミナーでの発表の準備", "実施計画書の写し"
    note = "現地コンサルタントによる工場調査の結果を踏まえ、対象工場の設備更新計画を作成する。" * 4
    document = render(f"<doc><table widths='15,85'><tr><th>書類</th><th>注意</th></tr><tr><td>{plain}</td><td>{note}</td></tr>"
                      f"<tr><td>{katakana}</td><td>{note}</td></tr><tr><td>{whole}</td><td>{note}</td></tr></table></doc>")
    table = document.tables[0]
    width, size = table.columns[0].width.pt - 8, table.rows[1].cells[0].paragraphs[0].runs[0].font.size.pt
    assert line_count(plain, width, size, "mincho") > 1 and line_count(whole, width, size, "mincho") > 1  # they wrap
    assert table.rows[1].cells[0].text == "企業等の\n賃上げの\n実施に関する\n表明書の写し"
    assert table.rows[3].cells[0].text == whole
    assert table.rows[2].cells[0].text == "都市間連携\nセミナーでの\n発表の準備"


def test_a_label_breaks_after_a_slash_and_keeps_a_place_name_whole():
    """「大阪市／ホーチミン / 市人民委員会」: ／ ends a phrase, and a katakana place keeps its 市."""
    note = "現地コンサルタントによる工場調査の結果を踏まえ、対象工場の設備更新計画を作成する。" * 4
    document = render(f"<doc><table widths='20,80'><tr><th>区分</th><th>注意</th></tr><tr><td>大阪市／ホーチミン市人民委員会"
                      f"</td><td>{note}</td></tr><tr><td>本邦自治体</td><td>{note}</td></tr></table></doc>")
    assert document.tables[0].rows[1].cells[0].text == "大阪市／\nホーチミン市\n人民委員会"
