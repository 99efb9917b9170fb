"""One language per document: no Japanese in English documents, no English in Japanese ones; units and dates
written one way, as the call writes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FY2024, FY2026, ROOT, docx_text, run_cli, write_project
from leaks import scan, scan_build

from c3p_docs.project import load_project
from c3p_docs.scoring import score_project
from c3p_docs.subject import make_subject

GREGORIAN_DATE = re.compile(r"\d{4}年\d{1,2}月")
TOYAMA = ROOT / "tests" / "data" / "toyama-danang-fy2026.yaml"


def build(tmp_path_factory, sample: Path) -> Path:
    out = tmp_path_factory.mktemp(sample.stem)
    result = run_cli("build", sample, "-o", out, "--pdf", "never")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def fy2026(tmp_path_factory) -> Path:
    return build(tmp_path_factory, FY2026)


@pytest.fixture(scope="module")
def fy2024(tmp_path_factory) -> Path:
    return build(tmp_path_factory, FY2024)


@pytest.mark.parametrize("sample", [FY2026, FY2024])
def test_the_bundled_samples_have_no_language_leaks(sample, fy2026, fy2024):
    out = fy2026 if sample == FY2026 else fy2024
    loaded = load_project(sample)
    # The English checklist quotes the subject in Japanese, as the call requires, and says so.
    leaks = scan_build(out, sample, extra_allowed={make_subject(loaded.project, loaded.rules)})
    assert leaks == []


def test_the_scanner_finds_leaks_both_ways(tmp_path):
    from docx import Document

    english, japanese = Document(), Document()
    english.add_paragraph("Place: オンライン")
    japanese.add_paragraph("場所：Davao City、JCM案件、3,200 t-CO2eq/年、ISO14001")
    english.save(tmp_path / "en.docx")
    japanese.save(tmp_path / "ja.docx")
    assert [leak.text for leak in scan(tmp_path / "en.docx", "en")] == ["オンライン"]
    assert [leak.text for leak in scan(tmp_path / "ja.docx", "ja")] == ["Davao", "City"]


def test_english_documents_gloss_the_japanese_subject(fy2026):
    text = docx_text(fy2026 / "checklist_en.docx")
    assert "Subject, in Japanese as the call requires (copy it exactly): （北九州市-ダバオ市）令和8年度" in text


def test_the_japanese_checklist_cites_the_call_in_japanese(fy2026):
    text = docx_text(fy2026 / "checklist_ja.docx")
    assert "ガイドブック 3.4 (6)、表 6 項目 4" in text and "guidebook" not in text


# The reviewer's Toyama–Da Nang project names its people in Japanese only; here a JCM technology and a place are
# given in one language too.
NAMES_ONLY_IN_JAPANESE = TOYAMA.read_text(encoding="utf-8").replace("""\
  projects:
""", """\
  projects:
    - name: {ja: 水産加工団地の屋根置き太陽光発電, en: Rooftop solar PV at the fisheries estate}
      technology: 屋根置き太陽光発電
      capex_jpy: 260000000
      subsidy_jpy: 100000000
      annual_reduction_t: 2000
      useful_life_years: 17
""", 1).replace("""\
activities:
""", """\
activities:
  - kind: field_survey
    month: 2026-06
    title: {ja: 事前現地調査（水産加工団地の視察）, en: Preliminary survey of the fisheries estate}
    place: Da Nang
""", 1)


def test_values_given_in_one_language_are_used_as_given_and_validate_names_them(tmp_path):
    project = write_project(tmp_path, NAMES_ONLY_IN_JAPANESE)
    result = run_cli("validate", project, "--format", "json")
    import json

    paths = {f["path"] for f in json.loads(result.stdout)["findings"] if f["code"] == "missing-translation"}
    assert {"project_manager.name", "contact.name", "contact.department", "jcm.projects[0].technology",
            "activities[0].place"} <= paths
    assert run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never").returncode == 0
    form = docx_text(tmp_path / "out" / "(1)_応募様式.docx")
    assert "屋根置き太陽光発電" in form and "Da Nang" in form  # as given, in the one language there is
    loaded = load_project(project)
    leaks = scan_build(tmp_path / "out", project, extra_allowed={make_subject(loaded.project, loaded.rules)})
    assert leaks == []


def test_units_are_spelled_as_the_call_writes_them(fy2026, fy2024):
    for out in (fy2026, fy2024):
        form = next(p for p in out.glob("*応募様式.docx"))
        text = docx_text(form)
        assert "t-CO2eq/年" in text and "円/t-CO2eq・年" in text
        assert "t-CO2/" not in text and "tCO2" not in text
    overview = (fy2026 / "submission").glob("*調査事業概要_en.pptx")
    from pptx import Presentation

    shapes = Presentation(str(next(overview))).slides[0].shapes
    slide_text = " ".join([shape.text_frame.text for shape in shapes if shape.has_text_frame]
                          + [cell.text for shape in shapes if shape.has_table for row in shape.table.rows
                             for cell in row.cells])  # the JCM projects are a table
    assert "t-CO2eq/yr" in slide_text and "t-CO2/" not in slide_text


def test_japanese_application_documents_date_by_the_reiwa_era(fy2026):
    for name in ("(1)_応募様式.docx", "submission/(0)_表紙.docx", "submission/(4)_誓約書.docx"):
        text = docx_text(fy2026 / name)
        assert "令和" in text
        assert not GREGORIAN_DATE.search(text.replace("年度", "")), name


def test_scoring_bases_are_worded_in_the_language_asked_for():
    loaded = load_project(FY2024)
    japanese = {s.id: s.basis for s in score_project(loaded.project, loaded.rules, "ja")}
    english = {s.id: s.basis for s in score_project(loaded.project, loaded.rules, "en")}
    assert "円/t-CO2eq・年" in japanese["cost_effectiveness"] and "subsidy" not in japanese["cost_effectiveness"]
    assert "JPY/t-CO2eq·yr" in english["cost_effectiveness"]
    assert re.search(r"[a-z]{3,}", japanese["work_life_balance"]) is None
