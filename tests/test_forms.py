"""Official forms: tagged .docx/.pptx made here, filled from a sample, originals' styling kept."""

from __future__ import annotations

import io
import json
import struct
import zlib

from conftest import FY2026, assert_no_traceback, docx_text, invoke, run_cli
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor
from pptx import Presentation
from pptx.util import Mm as PMm


def png_logo() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def make_docx_form(path, mistakes: bool = False):
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    header = section.header.paragraphs[0]
    header.add_run().add_picture(io.BytesIO(png_logo()), width=Mm(10))
    header.add_run("環境省 様式1")
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("応募様式　")
    run.bold = True
    # A placeholder split across three runs, as Word does after editing.
    for part in ("{{ project.", "title.ja", " }}"):
        piece = title.add_run(part)
        piece.font.size = Pt(14)
        piece.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    table = document.add_table(rows=4, cols=3)
    table.style = document.styles["Light Grid Accent 1"]
    table.cell(0, 0).text = "費目"
    table.cell(0, 1).text = "内容"
    table.cell(0, 2).text = "金額"
    table.cell(1, 0).text = "{%tr for item in budget.items %}"
    table.cell(2, 0).text = "{{ item.category }}"
    table.cell(2, 1).text = "{{ item.description.ja }}"
    table.cell(2, 2).text = "{{ item.amount | yen }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    document.add_paragraph("合計（税込）：{{ budget.total | yen }}　提出日：{{ date | era_date }}")
    document.add_paragraph("応募者：{{ applicant.name.ja }}（{{ partner_city.country_ja }}）")
    if mistakes:
        document.add_paragraph("代表者：{{ applicant.represntative.ja }}")
        document.add_paragraph("総額：{{ budget.total | yenn }}")
        document.add_paragraph("{% if project.status %}継続")
    document.save(str(path))


def make_pptx_form(path, mistakes: bool = False):
    deck = Presentation()
    deck.slide_width, deck.slide_height = 10_692_000, 7_560_000
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(PMm(10), PMm(10), PMm(200), PMm(20))
    paragraph = box.text_frame.paragraphs[0]
    for part in ("{{ project.ti", "tle.en }}", " / {{ partner_city.name.en }}"):
        run = paragraph.add_run()
        run.text = part
        run.font.size = Pt(20)
        run.font.bold = True
    group = slide.shapes.add_group_shape()
    inner = group.shapes.add_textbox(PMm(10), PMm(40), PMm(100), PMm(20))
    inner.name = "Structure"
    inner.text_frame.text = "{{ applicant.name.en }}"
    rows = slide.shapes.add_table(2, 2, PMm(10), PMm(80), PMm(150), PMm(20)).table
    rows.cell(0, 0).text = "Total"
    rows.cell(0, 1).text = "{{ budget.total | yen('en') }}"
    rows.cell(1, 0).text = "Projects"
    rows.cell(1, 1).text = "{% for p in jcm.projects %}{{ p.name.en }}\n{% endfor %}"
    if mistakes:
        extra = slide.shapes.add_textbox(PMm(10), PMm(120), PMm(100), PMm(20))
        extra.name = "Broken"
        extra.text_frame.text = "{{ partner_city.nmae.en }}"
    deck.save(str(path))


def test_a_tagged_word_form_is_filled_keeping_style_header_and_logo(tmp_path):
    form = tmp_path / "別添1.docx"
    make_docx_form(form)
    out = tmp_path / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "application_form",
                     "--form", f"application_form={form}")
    assert result.returncode == 0, result.stderr
    filled = out / "(1)_応募様式.docx"
    text = docx_text(filled)
    assert "ダバオ市における廃棄物発電と工場省エネによる脱炭素都市形成支援事業" in text
    assert "18,431,600円" in text and "令和8年3月2日" in text and "フィリピン" in text
    assert "7,200,000円" in text and "2,500,000円" in text and "{%" not in text and "{{" not in text
    document = Document(str(filled))
    table = document.tables[0]
    assert table.style.name == "Light Grid Accent 1"
    assert len(table.rows) == 1 + 8  # header + one row per budget item
    header = document.sections[0].header
    assert "環境省 様式1" in header.paragraphs[0].text
    assert header.part.related_parts and any("image" in p.content_type for p in header.part.related_parts.values())
    title_runs = [r for r in document.paragraphs[0].runs if "ダバオ" in r.text]
    assert title_runs and title_runs[0].font.size == Pt(14)
    assert document.core_properties.author == "株式会社環境都市総研"
    again = tmp_path / "again"
    run_cli("build", FY2026, "-o", again, "--pdf", "never", "--only", "application_form",
            "--form", f"application_form={form}")
    assert (again / "(1)_応募様式.docx").read_bytes() == filled.read_bytes()


def test_forms_named_in_the_project_are_used(tmp_path):
    make_pptx_form(tmp_path / "overview_en.pptx")
    project = tmp_path / "project.yaml"
    project.write_text(FY2026.read_text(encoding="utf-8") + "forms:\n  overview_en: overview_en.pptx\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--pdf", "never", "--only", "overview")
    assert result.returncode == 0, result.stderr
    deck = Presentation(str(out / "submission" / "(2)_調査事業概要_en.pptx"))
    slide = deck.slides[0]
    texts = []
    for shape in slide.shapes:
        if shape.shape_type == 6:
            texts += [s.text_frame.text for s in shape.shapes]
        elif shape.has_table:
            texts += [c.text for row in shape.table.rows for c in row.cells]
        elif shape.has_text_frame:
            texts.append(shape.text_frame.text)
            if "Davao City" in shape.text_frame.text:
                run = shape.text_frame.paragraphs[0].runs[0]
                assert run.font.size == Pt(20) and run.font.bold
    joined = "\n".join(texts)
    assert "Zero-carbon city development in Davao" in joined and "Davao City" in joined
    assert "Eco-City Research Institute Co., Ltd." in joined  # inside the group shape
    assert "JPY 18,431,600" in joined and "Rooftop solar PV in an industrial park" in joined
    assert any(s.shape_type == 6 for s in slide.shapes)
    builtin = Presentation(str(out / "submission" / "(2)_調査事業概要_ja.pptx"))
    assert len(builtin.slides[0].shapes) > 10  # the Japanese overview is still our own rendition


def test_data_is_escaped_and_never_evaluated(tmp_path):
    form = tmp_path / "form.docx"
    make_docx_form(form)
    project = tmp_path / "project.yaml"
    text = FY2026.read_text(encoding="utf-8").replace(
        "ja: ダバオ市における廃棄物発電と工場省エネによる脱炭素都市形成支援事業",
        "ja: \"A&B <x> {{ 7*7 }} ダバオ\"")
    project.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--pdf", "never", "--only", "application_form",
                     "--form", f"application_form={form}")
    assert result.returncode == 0, result.stderr
    assert "A&B <x> {{ 7*7 }} ダバオ" in docx_text(out / "(1)_応募様式.docx")


def test_check_form_finds_planted_mistakes_at_their_places(tmp_path):
    form = tmp_path / "bad.docx"
    make_docx_form(form, mistakes=True)
    result = invoke("check-form", form, "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert findings[0]["code"] == "form-syntax"  # the unclosed {% if %} stops the parse
    form2 = tmp_path / "bad2.docx"
    make_docx_form(form2)
    document = Document(str(form2))
    document.add_paragraph("代表者：{{ applicant.represntative.ja }}")
    document.add_paragraph("総額：{{ budget.total | yenn }}")
    document.tables[0].cell(2, 1).text = "{{ item.descripton.ja }}"
    document.save(str(form2))
    findings = json.loads(invoke("check-form", form2, "--format", "json", "--kind", "application_form").stdout)["findings"]
    by_code = {}
    for f in findings:
        by_code.setdefault(f["code"], []).append(f)
    unknown = {f["path"]: f["message"] for f in by_code["unknown-variable"]}
    assert "paragraph 4" in unknown and "applicant.representative" in unknown["paragraph 4"]
    assert any(p.startswith("table 1 row 3 cell 2") and "budget.items[].description" in m for p, m in unknown.items())
    assert by_code["unknown-filter"][0]["path"] == "paragraph 5" and "'yen'" in by_code["unknown-filter"][0]["message"]
    untagged = {f["message"].split(" ")[0] for f in by_code["untagged-field"]}
    assert untagged == {"japanese_city.name", "partner_city.name"}  # the form shows neither city


def test_check_form_on_slides_names_the_slide_and_shape(tmp_path):
    form = tmp_path / "bad.pptx"
    make_pptx_form(form, mistakes=True)
    result = invoke("check-form", form, "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert result.returncode == 1
    assert findings[0]["path"] == "slide 1, Broken" and "partner_city.name" in findings[0]["message"]
    good = tmp_path / "good.pptx"
    make_pptx_form(good)
    assert invoke("check-form", good, "--kind", "overview_en").returncode == 0


def test_a_broken_form_gives_a_clear_error(tmp_path):
    form = tmp_path / "broken.docx"
    form.write_bytes(b"PK\x03\x04 not really a zip")
    result = run_cli("check-form", form)
    assert_no_traceback(result)
    assert result.returncode == 2 and "broken.docx" in result.stderr
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--form", f"pledge={form}")
    assert_no_traceback(result)
    assert result.returncode in (1, 2) and "broken.docx" in result.stderr


def test_fields_lists_variables_with_examples():
    result = invoke("fields", "--format", "json")
    payload = json.loads(result.stdout)
    paths = {f["path"]: f for f in payload["fields"]}
    assert paths["budget.total"]["example"] == 18431600 and paths["budget.total"]["type"] == "int"
    assert "budget.items[].amount" in paths and "project.title.ja" in paths
    assert "yen" in payload["filters"]


def test_a_form_reaching_for_python_internals_is_refused(tmp_path):
    form = tmp_path / "evil.docx"
    document = Document()
    document.add_paragraph("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    document.save(str(form))
    checked = invoke("check-form", form, "--format", "json")
    assert checked.returncode == 1
    assert {f["code"] for f in json.loads(checked.stdout)["findings"]} == {"unsafe-attribute"}
    built = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "pledge", "--form", f"pledge={form}")
    assert_no_traceback(built)
    assert built.returncode == 1 and "unsafe" in built.stderr
    assert not (tmp_path / "out" / "submission" / "(4)_誓約書.docx").exists()


# -- every name the templates see is described, in both languages (issue 19) ---------------------------------------

def test_every_top_level_name_of_the_build_context_is_described_in_both_languages():
    from conftest import FY2024

    from c3p_docs.documents.context import build_context
    from c3p_docs.init_file import field_descriptions
    from c3p_docs.jinja_env import template_dir
    from c3p_docs.loading import safe_load
    from c3p_docs.project import load_project

    tables = {lang: safe_load((template_dir(lang) / "fields.yaml").read_text(encoding="utf-8")) for lang in ("ja", "en")}
    assert set(tables["en"]) <= set(tables["ja"])  # what English describes beside the docstrings, Japanese does too
    for sample in (FY2026, FY2024):
        loaded = load_project(sample)
        for lang in ("ja", "en"):
            descriptions = field_descriptions(lang)
            names = build_context(loaded.project, loaded.rules, lang)
            assert [name for name in names if not descriptions.get(name)] == [], (sample.name, lang)


def test_fields_describes_every_name_it_lists_and_check_form_knows_the_new_ones(tmp_path):
    for lang in ("ja", "en"):
        listed = json.loads(invoke("fields", "--lang", lang, "--format", "json").stdout)["fields"]
        assert [f["path"] for f in listed if not f["description"]] == [], lang
        paths = {f["path"] for f in listed}
        assert {"overview.policy", "required_activities[].name", "jcm.pair_adoptions[].title.ja",
                "jcm.other_adoptions[].title.en", "reminders[].text", "report_pages.pages", "deliverables",
                "subject"} <= paths
    document = Document()
    for line in ("{{ overview.policy }}", "{{ report_pages.pages }}", "{{ subject }}",
                 "{% for a in jcm.other_adoptions %}{{ a.fiscal_year_label }} {{ a.title.ja }}{% endfor %}",
                 "{% for r in required_activities %}{{ r.name }}{% endfor %}",
                 "{% for d in deliverables %}{{ d }}{% endfor %}"):
        document.add_paragraph(line)
    form = tmp_path / "form.docx"
    document.save(str(form))
    result = invoke("check-form", form, "--format", "json")
    assert result.returncode == 0 and json.loads(result.stdout)["findings"] == [], result.stdout
