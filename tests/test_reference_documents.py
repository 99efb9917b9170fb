"""Every document starts from a small reference .docx/.pptx; a user's own in --templates restyles them all."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

from conftest import FY2026, ROOT, assert_no_traceback, run_cli
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor
from pptx import Presentation

REFERENCE = ROOT / "templates" / "common"


def _summary_with_reference(tmp_path, document, lang: str):
    """Save `document` as the reference.docx of --templates, build the summaries, and open the one in `lang`."""
    (tmp_path / "tpl").mkdir(exist_ok=True)
    document.save(str(tmp_path / "tpl" / "reference.docx"))
    out = tmp_path / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--templates", tmp_path / "tpl", "--only", "summary")
    assert result.returncode == 0, result.stderr
    return Document(str(out / "submission" / f"(3)_応募事業概要書_{lang}.docx"))


def test_the_references_are_small_a4_and_hold_only_what_we_use():
    with zipfile.ZipFile(REFERENCE / "reference.docx") as archive:
        names = set(archive.namelist())
        assert "word/stylesWithEffects.xml" not in names and not any(n.startswith("customXml") for n in names)
        assert archive.getinfo("word/styles.xml").file_size < 10_000
    document = Document(str(REFERENCE / "reference.docx"))
    assert (document.sections[0].page_width.twips, document.sections[0].page_height.twips) == (11906, 16838)
    assert {s.name for s in document.styles} >= {"Normal", "Heading 1", "Heading 2", "Heading 3", "Table Grid"}
    assert len(document.styles) < 15
    deck = Presentation(str(REFERENCE / "reference.pptx"))
    assert (deck.slide_width, deck.slide_height) == (10_692_000, 7_560_000)
    assert [layout.name for layout in deck.slide_layouts] == ["Blank"]
    for path in REFERENCE.glob("reference.*"):
        assert path.stat().st_size < 12_000, path


def test_the_generator_script_reproduces_the_committed_references(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "make_reference.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in ("reference.docx", "reference.pptx"):
        assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes(), name


def test_a_users_reference_docx_restyles_every_word_document_fonts_and_a4_kept(tmp_path):
    document = Document(str(REFERENCE / "reference.docx"))
    document.styles["Heading 2"].font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    section = document.sections[0]
    section.left_margin = Mm(30)
    section.page_width, section.page_height = Mm(216), Mm(279)  # US Letter: the call wants A4 regardless
    built = _summary_with_reference(tmp_path, document, "en")
    assert built.styles["Heading 2"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert round(built.sections[0].left_margin.mm) == 30
    assert (built.sections[0].page_width.twips, built.sections[0].page_height.twips) == (11906, 16838)
    defaults = built.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "游明朝"
    # an edited reference is an input: the next build is not skipped as unchanged
    document.styles["Heading 2"].font.color.rgb = RGBColor(0x00, 0x80, 0x00)
    built = _summary_with_reference(tmp_path, document, "en")
    assert built.styles["Heading 2"].font.color.rgb == RGBColor(0x00, 0x80, 0x00)


def test_an_unusable_reference_is_a_clear_usage_error(tmp_path):
    (tmp_path / "tpl" / "ja").mkdir(parents=True)
    (tmp_path / "tpl" / "ja" / "reference.pptx").write_bytes(b"not a presentation")
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--templates", tmp_path / "tpl",
                     "--only", "overview")
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "reference.pptx" in result.stderr and "PowerPoint" in result.stderr


def test_a_reference_deck_whose_master_has_no_theme_is_a_clear_usage_error(tmp_path):
    # A presentation python-pptx opens, but with no theme for the slides' faces (read when each deck is made).
    with zipfile.ZipFile(REFERENCE / "reference.pptx") as source:
        members = {name: source.read(name) for name in source.namelist()}
    rels = "ppt/slideMasters/_rels/slideMaster1.xml.rels"
    members[rels] = re.sub(rb'<Relationship [^>]*/theme"[^>]*/>', b"", members[rels])
    (tmp_path / "tpl").mkdir()
    with zipfile.ZipFile(tmp_path / "tpl" / "reference.pptx", "w") as target:
        for name, data in members.items():
            target.writestr(name, data)
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--templates", tmp_path / "tpl",
                     "--only", "overview", "--lang", "en")
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "reference.pptx" in result.stderr and "cannot be used" in result.stderr


def test_a_reference_saved_by_japanese_word_without_heading_styles_still_has_headings(tmp_path):
    document = Document(str(REFERENCE / "reference.docx"))
    styles = document.styles.element
    for style in list(styles.iterchildren(qn("w:style"))):
        if style.get(qn("w:styleId")).startswith("Heading"):
            styles.remove(style)
        elif style.get(qn("w:styleId")) == "Normal":
            style.set(qn("w:styleId"), "a")  # Japanese Word's id for 標準
    built = _summary_with_reference(tmp_path, document, "ja")
    headings = [p for p in built.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(p.style.base_style.style_id == "a" for p in headings)
