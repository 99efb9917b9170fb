"""The calls' remaining rules as profile data, where the user looks: true adoption claims, the 7-year pair limit,
energy-origin CO2, the plan over the whole period, R6-2's specifics, the calendar, assumed scores, `calls --rules`."""

from __future__ import annotations

import json
import re

import pytest
from conftest import FY2024, FY2026, MINIMAL, docx_text, run_cli, write_project

openpyxl = pytest.importorskip("openpyxl")

R6_MINIMAL = MINIMAL.replace("fy2026-1", "fy2024-2")


def _loaded(text: str, tmp_path):
    from c3p_docs.project import load_project

    return load_project(write_project(tmp_path, text))


def _findings(text: str, tmp_path, code: str):
    from c3p_docs.checks import validate_project

    return [f for f in validate_project(_loaded(text, tmp_path)) if f.code == code]


def _score(text: str, tmp_path, item_id: str, lang: str = "en"):
    from c3p_docs.scoring import score_project

    loaded = _loaded(text, tmp_path)
    return next(s for s in score_project(loaded.project, loaded.rules, lang) if s.id == item_id)


# 1. True adoption claims (R6-2 §6 3): only this city pair's adoptions count or are called 「本都市間」

KAWASAKI_BATAM = """\
call: fy2024-2
project:
  title: {ja: バタム市工業団地の脱炭素化支援事業, en: Decarbonising Batam's industrial estates}
  status: ongoing
  phase: 1
  year: 2
  period: {start: 2023-06-01, end: 2026-03-31}
  sectors: [energy_efficiency, renewable_energy]
japanese_city: {name: {ja: 川崎市, en: City of Kawasaki}, kind: municipality}
partner_city: {name: {ja: バタム市, en: Batam City}, country: Indonesia}
applicant:
  name: {ja: 川崎環境コンサルタント株式会社, en: "Kawasaki Environment Consultants Co., Ltd."}
jcm:
  adoptions:
    - {fiscal_year: 2023, title: {ja: バタム工業団地の屋根置き太陽光, en: Rooftop solar PV in a Batam estate}, country: Indonesia}
    - {fiscal_year: 2023, title: {ja: タイの冷凍倉庫の省エネ, en: Efficient cold storage in Thailand}, country: Thailand}
    - {fiscal_year: 2022, title: {ja: ベトナムの工場のボイラー更新, en: Boilers at a Vietnamese factory}, country: Vietnam}
    - {fiscal_year: 2022, title: {ja: スラバヤの高効率冷凍機, en: Chillers in Surabaya}, under_this_pair: false}
    - {fiscal_year: 2024, title: {ja: バタムのJCM実現可能性調査, en: JCM feasibility study in Batam}, survey: true}
history:
  - {fiscal_year: 2023, programme: C3P, title: {ja: 本事業1年目, en: Year 1}, results: {ja: [調査を実施], en: [Surveys done]}}
plan:
  - {fiscal_year: 2024, goals: {ja: [案件形成], en: [Form projects]}}
  - {fiscal_year: 2025, goals: {ja: [申請], en: [Apply]}}
"""


def test_an_adoption_in_another_country_is_a_warning_at_its_line(tmp_path):
    found = _findings(KAWASAKI_BATAM, tmp_path, "adoption-other-country")
    assert [(f.path, f.line, f.severity) for f in found] == [("jcm.adoptions[1].country", 16, "warning"),
                                                             ("jcm.adoptions[2].country", 17, "warning")]
    assert "Thailand is not the partner city's country (Indonesia)" in found[0].message
    assert "fy2024-2 · §6 3" in found[0].message and "never as this pair's" in found[0].message
    # FY2026 reads the guidebook's "past adoption records" the same way, and says it is assumed.
    fy2026 = _findings(KAWASAKI_BATAM.replace("fy2024-2", "fy2026-1"), tmp_path, "adoption-other-country")
    assert len(fy2026) == 2 and "assumed from R6-2 §6 3" in fy2026[0].message
    # An adoption listed without a country, or under another pair of the same country, is no such warning.
    assert not _findings(KAWASAKI_BATAM.replace(", country: Thailand", "").replace(", country: Vietnam", ""),
                         tmp_path, "adoption-other-country")


def test_score_counts_only_the_pairs_adoptions_and_says_what_it_left_out(tmp_path):
    item = _score(KAWASAKI_BATAM, tmp_path, "jcm_adoptions")
    # Five listed: one is the pair's; two in other countries, one under another pair, one survey.
    assert item.points == 5
    assert item.basis == ("1 JCM adoption(s) under this city pair in the last 3 years (3 in another country or "
                          "under another city pair not counted) (1 survey(s) not counted)")
    japanese = _score(KAWASAKI_BATAM, tmp_path, "jcm_adoptions", "ja")
    assert "（他の国・他の都市間の3件は含めない）" in japanese.basis and "（調査事業1件は含めない）" in japanese.basis
    counted_as_pair = KAWASAKI_BATAM.replace(", under_this_pair: false", "")
    assert _score(counted_as_pair, tmp_path, "jcm_adoptions").points == 10


def test_adoptions_disagree_compares_the_count_with_the_pairs_own(tmp_path):
    text = KAWASAKI_BATAM.replace("jcm:\n", "jcm:\n  adoptions_last_3_years: 1\n")
    assert not _findings(text, tmp_path, "adoptions-disagree")
    assert _findings(text.replace("adoptions_last_3_years: 1", "adoptions_last_3_years: 5"), tmp_path,
                     "adoptions-disagree")


@pytest.fixture(scope="module")
def batam(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batam")
    out = folder / "out"
    result = run_cli("build", write_project(folder, KAWASAKI_BATAM), "-o", out, "--pdf", "never",
                     "--only", "application_form,summary,jcm_adoptions,track_record,multi_year_plan")
    assert "Traceback" not in result.stderr, result.stderr
    return out


def test_the_application_form_counts_the_pairs_adoptions_and_labels_the_others(batam):
    japanese = docx_text(batam / "①_応募様式.docx")
    assert "過去3年以内のJCM事業採択実績（本都市間）：1件" in japanese
    assert "（参考）本都市間以外のJCM事業採択実績等：4件（他の国、同じ国の他の都市間、調査事業。本都市間の実績には含めない）" \
        in japanese


def test_the_adoptions_document_is_headed_by_what_it_lists(batam):
    from docx import Document

    path = batam / "submission" / "⑦_JCM事業採択実績.docx"
    document = Document(str(path))
    text = docx_text(path)
    assert "JCM事業採択実績（過去3年以内）" in text and "本都市間連携による採択実績" in text
    pair = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert pair == [["No.", "採択年度", "事業名", "国"], ["1", "令和5年度", "バタム工業団地の屋根置き太陽光", "インドネシア"]]
    assert "計 1 件" in text
    others = [[c.text for c in row.cells] for row in document.tables[2].rows][1:]
    assert [(row[2], row[3], row[4]) for row in others] == [
        ("スラバヤの高効率冷凍機", "インドネシア", "同じ国の他の都市間"),
        ("ベトナムの工場のボイラー更新", "ベトナム", "他の国"),
        ("タイの冷凍倉庫の省エネ", "タイ", "他の国"),
        ("バタムのJCM実現可能性調査", "インドネシア", "調査事業")]
    assert "本都市間以外の採択実績等（参考）" in text and "上記の件数には含めない" in text


def test_the_track_record_holds_only_the_pairs_adoption(batam):
    sheet = openpyxl.load_workbook(batam / "submission" / "③_取組実績_ja.xlsx").active
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "バタム工業団地の屋根置き太陽光" in text
    for other in ("タイの冷凍倉庫", "ベトナムの工場", "スラバヤの高効率冷凍機", "実現可能性調査"):
        assert other not in text


def test_the_summary_never_calls_other_adoptions_this_pairs(batam):
    japanese = docx_text(batam / "submission" / "⑤_応募事業概要書_ja.docx")
    assert "過去3年以内のJCM事業採択実績（本都市間）：1件" in japanese
    pair_line = japanese.index("（本都市間）：1件")
    others_line = japanese.index("（参考）本都市間以外のJCM事業採択実績等（本都市間の実績には含めない）：4件")
    assert japanese.index("バタム工業団地の屋根置き太陽光") > pair_line
    assert japanese.index("タイの冷凍倉庫の省エネ") > others_line > pair_line
    english = docx_text(batam / "submission" / "⑤_応募事業概要書_en.docx")
    assert "JCM model projects adopted under this city pair in the last 3 years: 1" in english
    assert "Efficient cold storage in Thailand (Thailand, another country)" in english


def test_the_fy2026_summary_counts_the_pairs_adoptions_only(tmp_path):
    text = FY2026.read_text(encoding="utf-8").replace(
        "  adoptions:\n", "  adoptions:\n    - {fiscal_year: 2025, title: {ja: タイの冷凍倉庫, en: Cold storage in Thailand}, "
        "country: Thailand}\n", 1)
    out = tmp_path / "out"
    result = run_cli("build", write_project(tmp_path, text), "-o", out, "--pdf", "never", "--only", "summary")
    assert "Traceback" not in result.stderr, result.stderr
    japanese = docx_text(out / "submission" / "(3)_応募事業概要書_ja.docx")
    assert "過去3年以内のJCM事業採択実績（本都市間）：1件" in japanese
    assert "（参考）本都市間以外のJCM事業採択実績等（本都市間の実績には含めない）：1件" in japanese
    assert japanese.index("タイの冷凍倉庫") > japanese.index("（参考）本都市間以外")
    assert "adoption-other-country" in run_cli("validate", write_project(tmp_path, text)).stderr


# 2. The 7-year limit for a city pair (guidebook 2.1 note 1; FY2026 only)

def _with_history(call: str, years: list[int], period: str) -> str:
    history = "".join(f"  - {{fiscal_year: {year}, programme: C3P}}\n" for year in years)
    return MINIMAL.replace("fy2026-1", call).replace(
        "  title: {ja: 試験事業, en: Test project}\n",
        f"  title: {{ja: 試験事業, en: Test project}}\n  period: {period}\n") + "history:\n" + history


def test_more_than_seven_c3p_years_for_one_pair_is_an_error(tmp_path):
    text = _with_history("fy2026-1", [2019, 2020, 2021, 2022, 2023], "{start: 2026-04-01, end: 2029-03-31}")
    (finding,) = _findings(text, tmp_path, "pair-years-exceeded")
    assert finding.severity == "error" and finding.path == "project.period" and finding.line == 4
    assert "8 fiscal years (FY2019–FY2023, FY2026–FY2028" in finding.message
    assert "guidebook 2.1 note 1" in finding.message and "may run to FY2027 at most" in finding.message
    result = run_cli("validate", write_project(tmp_path, text))
    assert result.returncode == 1 and "pair-years-exceeded" in result.stderr
    # Seven in all is allowed.
    assert not _findings(_with_history("fy2026-1", [2020, 2021, 2022, 2023],
                                       "{start: 2026-04-01, end: 2029-03-31}"), tmp_path, "pair-years-exceeded")


def test_an_interruption_of_six_years_lets_the_pair_start_again(tmp_path):
    restart = _with_history("fy2026-1", [2014, 2015, 2016, 2017, 2018, 2019], "{start: 2026-04-01, end: 2029-03-31}")
    assert not _findings(restart, tmp_path, "pair-years-exceeded")  # FY2020–FY2025 without C3P: six years
    five_years = _with_history("fy2026-1", [2015, 2016, 2017, 2018, 2019, 2020], "{start: 2026-04-01, end: 2029-03-31}")
    (finding,) = _findings(five_years, tmp_path, "pair-years-exceeded")
    assert "9 fiscal years" in finding.message and "interruption of 6 fiscal years or more" in finding.message


def test_the_r6_call_has_no_pair_limit(tmp_path):
    text = _with_history("fy2024-2", [2016, 2017, 2018, 2019, 2020, 2021, 2022], "{start: 2024-06-01, end: 2027-03-31}")
    assert not _findings(text, tmp_path, "pair-years-exceeded")


# 3. Energy-origin CO2 (R6-2 §2(2); guidebook 2.2, Table 3)

def _sectors(call: str, sectors: str) -> str:
    return MINIMAL.replace("fy2026-1", call).replace(
        "  title: {ja: 試験事業, en: Test project}\n", f"  title: {{ja: 試験事業, en: Test project}}\n  sectors: {sectors}\n")


@pytest.mark.parametrize("call, source", [("fy2024-2", "assumed from §2(2)"),
                                          ("fy2026-1", "assumed from guidebook 2.2, Table 3 Sectors")])
def test_sectors_that_cannot_cut_energy_co2_are_warned(tmp_path, call, source):
    (finding,) = _findings(_sectors(call, "[waste, cfc_destruction]"), tmp_path, "no-energy-co2")
    assert finding.severity == "warning" and finding.path == "project.sectors" and finding.line == 4
    assert "none of waste, cfc_destruction cuts energy-origin CO2" in finding.message and source in finding.message
    assert not _findings(_sectors(call, "[waste, renewable_energy]"), tmp_path, "no-energy-co2")
    assert not _findings(MINIMAL.replace("fy2026-1", call), tmp_path, "no-energy-co2")  # no sectors yet: incomplete


def test_r6_scores_cost_effectiveness_and_reduction_only_with_energy_co2(tmp_path):
    projects = """\
jcm:
  projects:
    - {name: {ja: 焼却発電, en: Waste to energy}, subsidy_jpy: 100000000, annual_reduction_t: 20000, useful_life_years: 15}
"""
    waste = _sectors("fy2024-2", "[waste, cfc_destruction]") + projects
    item = _score(waste, tmp_path, "ghg_reduction")
    assert item.points == 0 and "only projects whose reduction includes energy-origin CO2" in item.basis
    assert _score(waste, tmp_path, "cost_effectiveness").points == 0
    energy = _sectors("fy2024-2", "[waste, renewable_energy]") + projects
    assert _score(energy, tmp_path, "ghg_reduction").points == 3
    assert _score(energy, tmp_path, "cost_effectiveness").points == 5


# 4. The multi-year plan covers the period (R6-2 §8(1)④, §4)

PLAN_PROJECT = R6_MINIMAL.replace(
    "  title: {ja: 試験事業, en: Test project}\n",
    "  title: {ja: 試験事業, en: Test project}\n  status: new\n  period: {start: 2024-06-01, end: 2027-03-31}\n")


def test_a_plan_without_a_year_of_the_period_is_warned(tmp_path):
    text = PLAN_PROJECT + "plan:\n  - {fiscal_year: 2024}\n  - {fiscal_year: 2025}\n"
    (finding,) = _findings(text, tmp_path, "plan-incomplete")
    assert finding.severity == "warning" and finding.path == "plan" and finding.line == 13
    assert "no entry for FY2026" in finding.message and "FY2024–FY2026" in finding.message
    assert "§8(1)④, §4" in finding.message
    assert not _findings(text + "  - {fiscal_year: 2026}\n", tmp_path, "plan-incomplete")
    # FY2026 has no multi-year plan attachment: no such rule.
    fy2026 = text.replace("fy2024-2", "fy2026-1").replace("2024", "2026").replace("2025", "2027").replace(
        "end: 2027-03-31", "end: 2029-03-31")
    assert not _findings(fy2026, tmp_path, "plan-incomplete")


def test_a_new_project_without_a_plan_shows_every_year_of_the_period(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", write_project(tmp_path, PLAN_PROJECT), "-o", out, "--pdf", "never",
                     "--only", "multi_year_plan")
    assert "Traceback" not in result.stderr, result.stderr
    sheet = openpyxl.load_workbook(out / "submission" / "④_事業計画_ja.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(["年度", "目標", "主な活動（当初予定）", "期待される成果", "実績"])
    years = [row[0] for row in rows[header + 1:] if row[0]]
    assert years == ["令和6年度（応募年度）", "令和7年度", "令和8年度"]
    assert all(row[1] == "（未記入）" for row in rows[header + 1:] if row[0])


# 5. R6-2 specifics: letters from year 2, the criteria's own words, the seminar footage

def _checklist(tmp_path, text: str, lang: str = "ja") -> str:
    out = tmp_path / "out"
    result = run_cli("build", write_project(tmp_path, text), "-o", out, "--pdf", "never", "--only", "checklist",
                     "--lang", lang)
    assert "Traceback" not in result.stderr, result.stderr
    return docx_text(out / f"checklist_{lang}.docx")


def test_the_checklist_reminds_an_ongoing_project_of_letters_from_other_stakeholders(tmp_path):
    ongoing = R6_MINIMAL.replace("  title: {ja: 試験事業, en: Test project}\n",
                                 "  title: {ja: 試験事業, en: Test project}\n  status: ongoing\n  year: 2\n")
    text = _checklist(tmp_path, ongoing)
    assert "本邦都市・パートナー都市以外のステークホルダー" in text and "§3(9)" in text
    assert "紹介動画の素材となる映像" in text and "§2(1)③" in text  # the seminar footage, R6-2 only
    assert "確認メールが返信されない場合は、電子メールは不達" in text
    new = _checklist(tmp_path, R6_MINIMAL)
    assert "本邦都市・パートナー都市以外のステークホルダー" not in new
    assert "共同実施者との協定書" not in new  # no joint implementers
    english = _checklist(tmp_path, ongoing, "en")
    assert "letters of interest from other stakeholders" in english
    fy2026 = _checklist(tmp_path, MINIMAL)
    assert "紹介動画" not in fy2026


def test_r6_criteria_keep_the_calls_own_detail(tmp_path):
    from c3p_docs.calls import load_call

    rules = load_call("fy2024-2")
    technology, benefits = rules.criterion("technology"), rules.criterion("multi_benefit")
    assert technology is not None and technology.criterion is not None
    assert "脱炭素技術の導入とは、国内メーカーのEPC受注、地域商社の事業参画、地方銀行の海外事業への投資等を含む。" \
        in (technology.criterion.ja or "")
    assert benefits is not None and benefits.criterion is not None
    assert "「デジタル田園都市国家構想」の下に推進されている先進的なデジタル技術実装の海外展開がある場合は加点する。" \
        in (benefits.criterion.ja or "")
    assert "regional banks investing" in (technology.criterion.en or "")
    seminar = next(a for a in rules.activities if a.id == "seminar")
    assert seminar.note is not None and "映像" in seminar.note


# 8. The calendar: application stage, inspections, deliverables with counts, the joint implementers' agreement

def _events(text: str, tmp_path, lang: str = "ja") -> list[dict]:
    from c3p_docs.calendar_ics import project_calendar

    loaded = _loaded(text, tmp_path)
    return project_calendar(loaded.project, loaded.rules, lang)[1]


def test_the_calendar_has_the_application_stage_with_the_deadlines_hour(tmp_path):
    from icalendar import Calendar

    target = tmp_path / "r6.ics"
    result = run_cli("calendar", FY2024, "-o", target, "--lang", "ja")
    assert result.returncode == 0, result.stderr
    events = {str(e["summary"]): e for e in Calendar.from_ical(target.read_bytes()).walk("VEVENT")}
    close = events["応募締切（16:00・日本時間）"]
    assert close.decoded("dtstart").isoformat() == "2024-05-16T07:00:00+00:00"  # 16:00 JST
    assert events["質問受付締切"].decoded("dtstart").isoformat() == "2024-04-25"
    assert events["質問への回答"].decoded("dtstart").isoformat() == "2024-05-01"
    results = events["選考結果通知（予定）"]
    assert (results.decoded("dtstart").isoformat(), results.decoded("dtend").isoformat()) == ("2024-06-01", "2024-06-11")
    english = [e["summary"] for e in _events(FY2024.read_text(encoding="utf-8"), tmp_path, "en")]
    assert "Applications close (16:00 JST)" in english and "Questions close" in english


def test_the_calendar_reminds_of_inspections_deliverables_and_the_agreement(tmp_path):
    events = _events(FY2024.read_text(encoding="utf-8"), tmp_path)
    by_summary: dict[str, list[str]] = {}
    for event in events:
        by_summary.setdefault(event["summary"], []).append(event["start"])
    inspections = by_summary["会計帳票の検査への協力（年2回程度、時期は目安）：支出の証拠書類と業務日誌を整理する"]
    assert inspections == ["2023-10-01", "2024-02-01", "2024-10-01", "2025-02-01", "2025-10-01", "2026-02-01"]
    assert by_summary["成果物提出：報告書日本語版（ワークショップ資料含む、紙媒体）：100枚程度、8部"] == \
        ["2024-03-14", "2025-03-14", "2026-03-14"]
    assert "成果物提出：上記2つを含めた電子媒体（DVD-R等）：1部" in by_summary
    # The sample has joint implementers: the agreement at the start of each contract year; the footage once.
    assert by_summary["共同実施者との協定書を業務委託契約とあわせて提出する"] == ["2023-06-01", "2024-06-10", "2025-04-01"]
    assert len(by_summary["都市間連携セミナー及びCOP29で放映する紹介動画の素材となる映像を、環境省担当官の要請に応じ撮影する"]) == 1
    alone = [e["summary"] for e in _events(R6_MINIMAL, tmp_path)]
    assert not any("協定書" in s for s in alone)


def test_the_fy2026_calendar_has_the_guidebooks_dates_and_assumed_inspections(tmp_path):
    events = _events(FY2026.read_text(encoding="utf-8"), tmp_path, "en")
    starts = {e["summary"]: e["start"] for e in events}
    assert starts["Call published"] == "2026-02-02" and starts["Applications close (about one month)"] == "2026-03-02"
    inspections = [e["start"] for e in events if e["summary"].startswith("Accounting inspection")]
    assert inspections == ["2025-10-01", "2026-02-01", "2026-10-01", "2027-02-01", "2027-10-01", "2028-02-01"]
    assert "Deliverable due: Japanese version of the report (hard copy): about 100 pages, 8 copies" in starts
    assert not [e for e in events if "footage" in e["summary"]]  # R6-2's COP29 video is not the guidebook's


def test_the_contract_end_of_later_years_is_profile_data(tmp_path):
    profile = (FY2024.parent.parent / "c3p_docs" / "calls" / "fy2024-2.yaml").read_text(encoding="utf-8")
    mine = tmp_path / "next-year.yaml"
    mine.write_text(profile.replace('value: "03-14"', 'value: "03-10"'), encoding="utf-8")
    text = FY2024.read_text(encoding="utf-8").replace("call: fy2024-2", f"call: {mine}")
    ends = [e["start"] for e in _events(text, tmp_path) if e["summary"] == "契約期間終了"]
    assert ends == ["2024-03-10", "2025-03-14", "2026-03-10"]  # the call's own year keeps the call's date


# 9. Assumptions made visible

def test_score_says_which_items_are_assumed(tmp_path):
    result = run_cli("score", FY2024, "--format", "json")
    items = {item["id"]: item for item in json.loads(result.stdout)["items"]}
    assert items["cost_effectiveness"]["assumed"] is True
    assert "the call gives no formula" in items["cost_effectiveness"]["note"]
    assert items["environmental_certification"]["assumed"] is True
    assert items["jcm_adoptions"]["assumed"] is True and "過去3年以内" in items["jcm_adoptions"]["note"]
    assert items["ghg_reduction"]["assumed"] is False and items["ghg_reduction"]["note"] is None
    assert items["work_life_balance"]["assumed"] is False
    fy2026 = {item["id"]: item for item in json.loads(run_cli("score", FY2026, "--format", "json").stdout)["items"]}
    assert fy2026["work_life_balance"]["assumed"] is False  # the guidebook prints Kurumin and Youth Yell points
    text = run_cli("score", FY2024).stdout
    assert re.search(r"1-7 Cost-effectiveness +5/5 +\*", text) and "* Assumed where the call is silent" in text
    assert not re.search(r"1-8 GHG reduction +\d/5 +\*", text)


def test_the_fy2026_report_length_is_marked_as_taken_from_r6(tmp_path):
    from c3p_docs.calls import load_call

    report = next(d for d in load_call("fy2026-1").deliverables if d.id == "report")
    assert report.pages is not None and report.pages.assumed and report.pages.source == "R6-2 §2(1)⑤"
    r6 = next(d for d in load_call("fy2024-2").deliverables if d.id == "report")
    assert r6.pages is not None and not r6.pages.assumed
    out = tmp_path / "out"
    run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "final_report_outline")
    outline = docx_text(out / "final_report_outline_ja.docx")
    assert "日本語版100枚程度（枚数は令和6年度第2回公募 §2(1)⑤に倣った想定）" in outline


# 10. The call's rules on one page

NEW_RULES = {"adoption_scope", "surveys_count", "energy_sectors", "inspection_months", "hours_per_day",
             "end_of_later_years", "stakeholder_letters", "time_records", "inspections", "joint_agreement",
             "confirmation_mail"}


@pytest.mark.parametrize("call", ["fy2024-2", "fy2026-1"])
def test_calls_rules_lists_every_rule_with_its_source(call):
    result = run_cli("calls", call, "--rules", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rules"]
    ids = {row["id"] for row in rows}
    assert {"cap_jpy", "general_admin_rate_cap", "general_admin_base", "outsourcing_max_share", "outsourcing_base",
            "equipment_threshold_jpy", "tax_rate", "subject", "limit_bytes", "inquiry_subject", "archives", "macros",
            "viewable_on", "attachment-2", "deliverable-report", "application_close"} <= ids
    assert NEW_RULES <= ids
    assert all(row["source"] and isinstance(row["assumed"], bool) for row in rows)
    honoraria = next(row for row in rows if row["id"] == "honoraria")
    assert honoraria["value"]["ja"] == "諸謝金" and honoraria["value"]["en"] == "Honoraria"
    assert "謝金" in honoraria["value"]["also"]
    if call == "fy2024-2":
        assert "extra_jpy" in ids and "max_years_per_city_pair" not in ids and "plan_covers_period" in ids
    else:
        assert "max_years_per_city_pair" in ids and "new_after_interruption_years" in ids and "extra_jpy" not in ids
        assert next(row for row in rows if row["id"] == "archives")["assumed"] is True


def test_calls_rules_reads_in_both_languages():
    japanese = run_cli("calls", "fy2024-2", "--rules", "--lang", "ja")
    assert japanese.returncode == 0, japanese.stderr
    text = japanese.stdout
    for words in ("契約金額の上限（1事業・年、税込）：20,000,000円", "上限の増額（JCM申請に必要な実地調査）：5,000,000円",
                  "一般管理費率の上限：15%", "備品費とする取得価格：50,000円以上", "圧縮ファイル（自動解凍ファイルを含む）：不可",
                  "honoraria：諸謝金／Honoraria（業務費）。別名：謝金、Remuneration", "応募締切：令和6年5月16日　16:00（日本時間）",
                  "【想定】出典：§11(2)①", "出典：§6 3"):
        assert words in text, words
    english = run_cli("calls", "fy2026-1", "--rules").stdout
    for words in ("C3P years of one Japanese city–partner city pair in total: 7 fiscal years at most",
                  "Source: guidebook 2.1 note 1", "[assumed] Source: assumed from R6-2 §8(3)",
                  "Equipment is an item costing: JPY 200,000 or more"):
        assert words in english, words
    refused = run_cli("calls", "--rules")
    assert refused.returncode == 2 and "name it" in refused.stderr


def test_budget_categories_may_be_named_in_japanese_or_english(tmp_path):
    text = MINIMAL + """\
budget:
  general_admin_rate: 0.1
  items:
    - {category: 謝金, description: x, unit_cost_jpy: 10000}
    - {category: Honoraria, description: x, unit_cost_jpy: 10000}
    - {category: 外国旅費, description: x, unit_cost_jpy: 10000}
    - {category: Overseas travel costs, description: x, unit_cost_jpy: 10000}
actuals:
  - {date: 2026-05-01, category: 諸謝金, amount_jpy: 5000}
"""
    loaded = _loaded(text, tmp_path)
    assert [item.category for item in loaded.project.budget.items] == ["honoraria", "honoraria", "overseas_travel",
                                                                       "overseas_travel"]
    assert loaded.project.actuals[0].category == "honoraria"
    wrong = write_project(tmp_path, text.replace("category: 謝金", "category: 旅費"))
    result = run_cli("validate", wrong)
    assert result.returncode == 1
    assert "budget.items[0].category" in result.stderr and "Japanese or English name works too" in result.stderr


@pytest.mark.parametrize("call, assumed", [("fy2024-2", False), ("fy2026-1", True)])
def test_calls_rules_lists_the_report_session_and_seminar_months_and_the_reporting_days(call, assumed):
    rows = {row["id"]: row for row in json.loads(run_cli("calls", call, "--rules", "--format", "json").stdout)["rules"]}
    sessions = [rows[f"report_session_{name}"] for name in ("kickoff", "interim", "final")]
    assert [row["value"] for row in sessions] == [[4, 5], [9, 10, 11], [2, 3]]
    assert all(row["section"] == "sessions" and "§2(1)④" in row["source"] and row["assumed"] is assumed
               for row in sessions)
    assert rows["seminar"]["value"] == [1, 2] and rows["seminar"]["assumed"] is assumed
    assert (rows["monthly_report_due_day"]["value"], rows["plan_lead_days"]["value"], rows["report_days"]["value"]) \
        == (7, 14, 14)
    assert all(rows[name]["note"] for name in ("report_session_kickoff", "seminar")) is assumed
    english = run_cli("calls", call, "--rules").stdout
    assert "Interim report session: September to November, each fiscal year" in english
    assert "Monthly report to the ministry: by day 7 of the next month" in english
    japanese = run_cli("calls", call, "--rules", "--lang", "ja").stdout
    assert "中間報告会：毎年度9月〜11月" in japanese and "現地調査・招聘の事前計画の提出：初日の14日前まで" in japanese
    lines = japanese.splitlines()
    basis = lines[lines.index("  中間報告会：毎年度9月〜11月") + 1]
    assert basis.startswith("    【想定】出典：" if assumed else "    出典：")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_rules_page_speaks_of_the_calls_sources_never_of_our_own_files(lang):
    """A note once cited RULES.md, our internal summary, which means nothing to an applicant."""
    for call in ("fy2024-2", "fy2026-1"):
        result = run_cli("calls", call, "--rules", "--lang", lang)
        assert result.returncode == 0
        assert not re.search(r"RULES\.md|TECH-NOTES|PRODUCT\.md|\bseeds?/", result.stdout + result.stderr)
