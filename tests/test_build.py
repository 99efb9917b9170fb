"""build: open every rendered file and check the facts in it, like a reviewer would."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import FY2024, FY2026, MINIMAL, ROOT, assert_built_as_draft, assert_no_traceback, blank_pdf, docx_text, run_cli, write_project
from docx import Document
from docx.oxml.ns import qn
from pptx import Presentation

A4_TWIPS = (11906, 16838)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never")
    assert result.returncode == 0, result.stderr
    return out


def docx(path):
    return Document(str(path))


def test_the_manifest_lists_every_file_and_attachments_are_numbered(built):
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    paths = {f["path"] for f in manifest["files"]}
    for path in paths:
        assert (built / path).is_file(), path
    assert "submission/(2)_調査事業概要_ja.pptx" in paths and "submission/(2)_調査事業概要_en.pptx" in paths
    assert "submission/(3)_応募事業概要書_en.docx" in paths
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"cover", "application_form", "overview", "summary", "pledge", "checklist",
            "final_report_outline", "final_summary"} <= kinds
    overview = [f for f in manifest["files"] if f["kind"] == "overview"]
    assert all(f["attachment"] == "(2)" for f in overview)


def test_word_documents_are_a4_with_east_asian_fonts_and_project_metadata(built):
    for path in sorted(built.rglob("*.docx")):
        document = docx(path)
        section = document.sections[0]
        assert (section.page_width.twips, section.page_height.twips) == A4_TWIPS, path
        defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        fonts = defaults.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "游明朝"
        assert fonts.get(qn("w:eastAsiaTheme")) is None and fonts.get(qn("w:asciiTheme")) is None
        assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")), path
        properties = document.core_properties
        assert properties.author in ("株式会社環境都市総研", "Eco-City Research Institute Co., Ltd.")
        assert properties.last_modified_by == properties.author
        assert "python-docx" not in (properties.author + properties.last_modified_by + properties.comments)


def test_the_application_form_carries_the_budget_and_the_parties(built):
    text = docx_text(built / "(1)_応募様式.docx")
    # 7,200,000 + 5,760,000 + 2,500,000 + G&A 1,296,000 = 16,756,000; tax 1,675,600; total 18,431,600
    for fact in ("株式会社環境都市総研", "北九州市", "ダバオ市（フィリピン）", "18,431,600円", "1,296,000円",
                 "1,675,600円", "令和8年度", "九州エネルギーサービス株式会社", "h.sato@example.co.jp",
                 "令和07・08・09年度", "暴力団排除に関する誓約事項"):
        assert fact in text, fact


def test_ja_and_en_show_the_same_numbers(built):
    ja = docx_text(built / "submission" / "(3)_応募事業概要書_ja.docx")
    en = docx_text(built / "submission" / "(3)_応募事業概要書_en.docx")
    assert "3,200" in ja and "3,200" in en and "3,600" in ja and "3,600" in en
    assert "Davao City" in en and "ダバオ市" in ja


def test_the_summary_has_a_section_per_scoring_item(built):
    document = docx(built / "submission" / "(3)_応募事業概要書_en.docx")
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any(h.startswith("Overall originality") for h in headings)
    assert any(h.startswith("Scale of the local government") for h in headings)
    assert len(headings) == 14


def test_the_overview_is_one_a4_slide_per_language_with_the_structure_drawn(built):
    for lang in ("ja", "en"):
        deck = Presentation(str(built / "submission" / f"(2)_調査事業概要_{lang}.pptx"))
        assert (deck.slide_width, deck.slide_height) == (10_692_000, 7_560_000)
        assert len(deck.slides) == 1
        slide = deck.slides[0]
        texts = " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert ("ダバオ市" if lang == "ja" else "Davao City") in texts
        connectors = [s for s in slide.shapes if s.shape_type == 9 or "Connector" in s.name]
        assert len(connectors) >= 4
        for shape in slide.shapes:
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        ea = run._r.rPr.find(qn("a:ea"))
                        assert ea is not None and ea.get("typeface") == "游ゴシック"


def test_the_final_summary_has_three_slides(built):
    assert len(Presentation(str(built / "final_summary_ja.pptx")).slides) == 3


def test_the_checklist_lists_every_attachment_with_its_status(built):
    text = docx_text(built / "checklist_ja.docx")
    for label in ("(0)", "(1)", "(5)", "(8)", "(10)"):
        assert label in text
    assert "(6)_環境マネジメント認証.pdf" in text  # ISO14001 held: (6) required
    assert "(8)_関心表明レター_和訳.pdf" in text


def test_a_rebuild_of_unchanged_input_is_byte_identical_and_rewrites_nothing(built, tmp_path):
    before = {p: p.read_bytes() for p in built.rglob("*") if p.is_file()}
    mtimes = {p: p.stat().st_mtime_ns for p in before}
    result = run_cli("build", FY2026, "-o", built, "--pdf", "never")
    assert result.returncode == 0
    assert "0 file(s) written" in result.stderr
    for path, data in before.items():
        assert path.read_bytes() == data, path
        assert path.stat().st_mtime_ns == mtimes[path], path
    other = tmp_path / "other"
    run_cli("build", FY2026, "-o", other, "--pdf", "never")
    for path in built.rglob("*.docx"):
        assert (other / path.relative_to(built)).read_bytes() == path.read_bytes()


def test_a_file_a_person_edited_is_kept(tmp_path):
    out = tmp_path / "out"
    run_cli("build", FY2024, "-o", out, "--pdf", "never", "--only", "summary")
    edited = out / "submission" / "⑤_応募事業概要書_ja.docx"
    document = docx(edited)
    document.add_paragraph("担当者が追記した段落")
    document.save(str(edited))
    mine = edited.read_bytes()
    result = run_cli("build", FY2024, "-o", out, "--pdf", "never", "--only", "summary")
    assert result.returncode == 0
    assert edited.read_bytes() == mine
    rendition = out / "drafts" / "submission" / "⑤_応募事業概要書_ja.new.docx"
    assert "担当者が追記した段落" not in docx_text(rendition) and "担当者が追記した段落" in docx_text(edited)
    assert not [p.name for p in (out / "submission").iterdir() if ".new." in p.name]  # never in the package
    assert "kept" in result.stderr and str(rendition) in result.stderr


def test_a_draft_builds_with_visible_placeholders(tmp_path):
    result = run_cli("build", write_project(tmp_path, MINIMAL), "-o", tmp_path / "out", "--pdf", "never")
    assert_built_as_draft(result)
    assert not (tmp_path / "out" / "mail").exists()  # a draft is not mailed
    text = docx_text(tmp_path / "out" / "(1)_応募様式.docx")
    assert "（未記入）" in text
    en = docx_text(tmp_path / "out" / "submission" / "(3)_応募事業概要書_en.docx")
    assert "(to be completed)" in en


def test_user_text_is_data_not_template_and_cannot_break_the_xml(tmp_path):
    title = "    en: Zero-carbon city development in Davao through waste-to-energy and factory energy efficiency\n"
    text = FY2026.read_text(encoding="utf-8").replace(title, '    en: "{{ 7*7 }} <b>&amp; </doc> {% raw %}"\n')
    result = run_cli("build", write_project(tmp_path, text), "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    body = docx_text(tmp_path / "out" / "submission" / "(3)_応募事業概要書_en.docx")
    assert "{{ 7*7 }} <b>&amp; </doc> {% raw %}" in body and "49" not in body


def test_an_overlong_field_is_reported_not_overflowed(tmp_path):
    text = MINIMAL + "  # \n".replace("  # \n", "")
    text = text.replace("project:\n", "project:\n  needs: {ja: " + "長い説明" * 900 + ", en: long}\n")
    result = run_cli("build", write_project(tmp_path, text), "-o", tmp_path / "out", "--pdf", "never",
                     "--only", "overview", "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    assert any(f["code"] == "text-overflow" and f.get("path") == "project.needs" for f in findings)


def test_a_user_template_overrides_one_file(tmp_path):
    templates = tmp_path / "tpl" / "ja"
    templates.mkdir(parents=True)
    (templates / "pledge.xml.j2").write_text("<doc><title>独自の誓約書 {{ applicant.name }}</title></doc>", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--templates", tmp_path / "tpl", "--only", "pledge,summary")
    assert result.returncode == 0, result.stderr
    assert "独自の誓約書 株式会社環境都市総研" in docx_text(out / "submission" / "(4)_誓約書.docx")
    assert "応募事業概要書" in docx_text(out / "submission" / "(3)_応募事業概要書_ja.docx")


def test_pdf_always_without_libreoffice_exits_2(tmp_path, monkeypatch):
    import os

    env_path = os.environ.get("PATH", "")
    monkeypatch.setenv("PATH", str(tmp_path))
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "always")
    monkeypatch.setenv("PATH", env_path)
    assert result.returncode == 2 and "LibreOffice" in result.stderr


needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


@needs_soffice
def test_pdfs_are_a4_one_page_overview_with_every_japanese_character_and_embedded_fonts(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "always")
    assert result.returncode == 0, result.stderr
    application_pdf = out / "submission" / "(1)_応募様式.pdf"
    assert application_pdf.is_file()
    convert = [shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
               "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf")]
    overviews = sorted((out / "submission").glob("(2)_*.pptx"))
    import os
    from pathlib import Path

    from c3p_docs.data import __file__ as data_init

    env = {**os.environ, "FONTCONFIG_FILE": str(Path(data_init).parent / "fonts.conf")}
    subprocess.run(convert + [str(p) for p in overviews], check=True, capture_output=True, env=env, timeout=300)
    for pdf in [application_pdf] + sorted((tmp_path / "pdf").glob("*.pdf")):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in info, pdf
        if "調査事業概要" in pdf.name:
            assert "Pages:           1" in info, pdf
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
        assert fonts and all(" yes " in line for line in fonts), fonts
    text = subprocess.run(["pdftotext", str(tmp_path / "pdf" / "(2)_調査事業概要_ja.pdf"), "-"],
                          capture_output=True, text=True).stdout
    flat = "".join(text.split())
    for source in ("ダバオ市における廃棄物発電と工場省エネによる脱炭素都市形成支援事業", "北九州市", "株式会社環境都市総研",
                   "九州エネルギーサービス株式会社", "食品工場への高効率貫流ボイラー導入"):
        assert "".join(source.split()) in flat, source
    form = subprocess.run(["pdftotext", str(application_pdf), "-"], capture_output=True, text=True).stdout
    assert "18,431,600" in form


def test_a_project_breaking_the_rules_is_still_rendered_but_the_build_fails(tmp_path):
    text = MINIMAL + """budget:
  general_admin_rate: 0.1
  items:
    - {category: personnel, description: staff, unit_cost_jpy: 1000000, quantity: 25}
"""
    out = tmp_path / "out"
    result = run_cli("build", write_project(tmp_path, text), "-o", out, "--pdf", "never")
    assert result.returncode == 1
    assert "budget-over-cap" in result.stderr
    assert "30,250,000円" in docx_text(out / "(1)_応募様式.docx")


# -- the package: drafts out of it, PDFs never older than their source, mailed only when ready (issue 18) -------

@pytest.fixture
def fake_libreoffice(monkeypatch) -> list[str]:
    """LibreOffice replaced by a stub making a valid one-page PDF; returns the names it converted."""
    from c3p_docs import pdf

    converted: list[str] = []

    def convert(sources):
        converted.extend(source.name for source in sources)
        return {source: blank_pdf() for source in sources}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "convert_to_pdf", convert)
    return converted


def test_a_rendition_an_earlier_version_left_in_the_package_is_moved_to_drafts(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "summary").returncode == 0
    stale = out / "submission" / "(3)_応募事業概要書_ja.new.docx"  # where versions before drafts/ put it
    stale.write_bytes((out / "submission" / "(3)_応募事業概要書_ja.docx").read_bytes() + b"\0")
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "summary")
    assert result.returncode == 0, result.stderr
    assert not [p.name for p in (out / "submission").iterdir() if ".new." in p.name]
    assert (out / "drafts" / "submission" / stale.name).is_file() and "draft-moved" in result.stderr


def test_build_pdf_never_after_a_yaml_change_leaves_no_stale_pdf(tmp_path, fake_libreoffice, monkeypatch):
    import hashlib

    from c3p_docs.build import run_build
    from c3p_docs.project import load_project

    out = tmp_path / "out"
    run_build(load_project(FY2026), out, {"application_form"}, ["ja"], "auto")
    form, made = out / "(1)_応募様式.docx", out / "submission" / "(1)_応募様式.pdf"
    [entry] = [f for f in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
               if f["path"] == "submission/(1)_応募様式.pdf"]
    assert entry["source"] == "(1)_応募様式.docx"
    assert entry["source_sha256"] == hashlib.sha256(form.read_bytes()).hexdigest() and made.is_file()
    project = tmp_path / FY2026.name
    project.write_text(FY2026.read_text(encoding="utf-8").replace("北九州市", "北九州市役所"), encoding="utf-8")
    result, files = run_build(load_project(project), out, {"application_form"}, ["ja"], "never")
    assert "北九州市役所" in docx_text(form) and not made.exists()
    assert {"stale-pdf-removed", "missing-attachment"} <= {f.code for f in result.findings}
    assert not [f for f in files if f["path"].endswith(".pdf")]


def test_an_edited_submitted_file_stays_its_rendition_goes_to_drafts_and_force_replaces_it(tmp_path):
    out = tmp_path / "out"
    run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "pledge")
    pledge = out / "submission" / "(4)_誓約書.docx"
    ours = pledge.read_bytes()
    pledge.write_bytes(ours + b"\0")
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "pledge").returncode == 0
    rendition = out / "drafts" / "submission" / "(4)_誓約書.new.docx"
    assert pledge.read_bytes() == ours + b"\0" and rendition.read_bytes() == ours
    assert sorted(p.name for p in (out / "submission").iterdir()) == ["(4)_誓約書.docx"]
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "pledge", "--force").returncode == 0
    assert pledge.read_bytes() == ours and not rendition.exists()


OVER_THE_CAP = FY2026.read_text(encoding="utf-8").replace("general_admin_rate: 0.10\n", "general_admin_rate: 0.2\n")


def test_a_project_breaking_a_rule_gets_no_mail_drafts_unless_asked_then_named_draft(tmp_path):
    project = write_project(tmp_path, OVER_THE_CAP)
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--pdf", "never", "--format", "json")
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and payload["ok"] is False
    assert "admin-rate-over-cap" in {f["code"] for f in payload["findings"]}
    [withheld] = [f for f in payload["findings"] if f["code"] == "drafts-not-written"]
    assert "--drafts-anyway" in withheld["message"] and not (out / "mail").exists()
    assert (out / "submission" / "(3)_応募事業概要書_ja.docx").is_file()  # the documents are still there to read
    anyway = run_cli("build", project, "-o", out, "--pdf", "never", "--drafts-anyway")
    assert anyway.returncode == 1
    [draft] = list((out / "mail").iterdir())
    assert draft.name == "DRAFT_mail_1_of_1.eml"
    import email
    import email.policy

    subject = run_cli("subject", "make", project).stdout.strip()
    assert email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)["subject"] == subject
    fixed = write_project(tmp_path, OVER_THE_CAP.replace("0.2\n", "0.1\n"))
    assert run_cli("build", fixed, "-o", out, "--pdf", "never").returncode == 0
    assert sorted(p.name for p in (out / "mail").iterdir()) == ["mail_1_of_1.eml"]  # the DRAFT one is gone


def test_a_file_in_the_package_that_breaks_a_rule_fails_the_build_and_withholds_the_drafts(tmp_path):
    out = tmp_path / "out"
    assert run_cli("build", FY2026, "-o", out, "--pdf", "never").returncode == 0
    assert (out / "mail" / "mail_1_of_1.eml").is_file()
    (out / "submission" / "(10)_参考資料.pdf").write_bytes(b"")  # added by hand, empty
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--format", "json")
    payload = json.loads(result.stdout)
    assert result.returncode == 1 and payload["ok"] is False
    [empty] = [f for f in payload["findings"] if f["code"] == "empty-file"]
    assert empty["file"].endswith("(10)_参考資料.pdf")
    assert "drafts-not-written" in {f["code"] for f in payload["findings"]} and not list((out / "mail").iterdir())


def test_a_hand_edited_mail_draft_is_kept(tmp_path):
    out = tmp_path / "out"
    run_cli("build", FY2026, "-o", out, "--pdf", "never")
    draft = out / "mail" / "mail_1_of_1.eml"
    edited = draft.read_bytes().replace(b"X-Unsent: 1", b"X-Unsent: 1\r\nCc: kacho@example.jp")
    draft.write_bytes(edited)
    project = tmp_path / FY2026.name
    project.write_text(FY2026.read_text(encoding="utf-8").replace("北九州市", "北九州市役所"), encoding="utf-8")
    result = run_cli("build", project, "-o", out, "--pdf", "never")
    assert result.returncode == 0 and draft.read_bytes() == edited
    assert (out / "drafts" / "mail" / "mail_1_of_1.new.eml").is_file() and "kept" in result.stderr


posix_only = pytest.mark.skipif(__import__("sys").platform == "win32", reason="symlinks, FIFOs and byte names")


@posix_only
@pytest.mark.parametrize("folder", ["submission", "mail", "drafts"])
def test_a_linked_subfolder_is_refused_never_written_through_or_attached(tmp_path, folder):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "id_rsa").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / folder).symlink_to(elsewhere)
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 2 and f"{out / folder}: is a symbolic link" in json.loads(result.stdout)["findings"][0]["message"]
    assert sorted(p.name for p in elsewhere.iterdir()) == ["id_rsa"]
    assert not (out / "mail").is_dir() or (out / "mail").is_symlink()


@posix_only
@pytest.mark.parametrize("where", ["form", "template", "reference"])
def test_a_4_gb_input_is_a_usage_error_naming_it_not_read(tmp_path, where):
    big = {"form": tmp_path / "forms" / "別添1.docx", "template": tmp_path / "tpl" / "ja" / "pledge.xml.j2",
           "reference": tmp_path / "tpl" / "reference.docx"}[where]
    big.parent.mkdir(parents=True)
    (tmp_path / "tpl").mkdir(exist_ok=True)
    with open(big, "wb") as sparse:
        sparse.truncate(4 * 1024**3)
    extra = ["--form", f"application_form={big}"] if where == "form" else []
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--templates", tmp_path / "tpl", *extra)
    assert_no_traceback(result)
    assert result.returncode == 2 and str(big) in result.stderr and "too large" in result.stderr


@posix_only
def test_shift_jis_file_names_never_stop_a_build(tmp_path):
    import os

    folder = os.fsencode(tmp_path)
    project = folder + b"/" + "案件.yaml".encode("cp932")
    with open(project, "wb") as stream:
        stream.write(FY2026.read_bytes())
    templates = folder + b"/tpl/ja"
    os.makedirs(templates)
    with open(templates + b"/" + "注記.xml.j2".encode("cp932"), "w") as stream:
        stream.write("<doc/>")
    form = folder + b"/" + "別添1.docx".encode("cp932")  # an official form saved from a Windows zip
    with open(form, "wb") as stream:
        stream.write((ROOT / "templates" / "common" / "reference.docx").read_bytes())
    out = folder + b"/out"
    first = run_cli("build", os.fsdecode(project), "-o", os.fsdecode(out), "--pdf", "never", "--templates",
                    os.fsdecode(folder + b"/tpl"), "--form", f"pledge={os.fsdecode(form)}", "--format", "json")
    assert_no_traceback(first)
    assert first.returncode == 0 and json.loads(first.stdout)["ok"] is True
    with open(out + b"/submission/" + "(10)_参考資料.pdf".encode("cp932"), "wb") as stream:
        stream.write(blank_pdf())  # added by hand from a Windows zip
    for _ in range(2):  # and every later build still runs
        result = run_cli("build", os.fsdecode(project), "-o", os.fsdecode(out), "--pdf", "never", "--format", "json")
        assert_no_traceback(result)
        payload = json.loads(result.stdout)
        assert result.returncode == 1 and "filename-encoding" in {f["code"] for f in payload["findings"]}


@posix_only
@pytest.mark.parametrize("name", [".c3p-docs-state.json", ".c3p-docs-state.journal", "manifest.json"])
def test_a_pipe_as_one_of_our_own_files_in_out_is_named_not_waited_on(tmp_path, name):
    import os

    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / name)
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "pledge", "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 2
    assert f"{out / name}: is a pipe" in json.loads(result.stdout)["findings"][0]["message"]
