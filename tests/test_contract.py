"""During the contract: trip plans and reports, session slides, the implementation plan, the settlement."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, ROOT, assert_no_traceback, docx_text, run_cli, shape_words, write_project
from docx import Document
from docx.oxml.ns import qn

KITAKYUSHU = ROOT / "samples" / "kitakyushu-davao-fy2026.yaml"

SAPPORO = ROOT / "tests" / "data" / "sapporo-ulaanbaatar-fy2024.yaml"


def slide_texts(path: Path) -> list[str]:
    from pptx import Presentation

    return ["\n".join([shape_words(shape) for shape in slide.shapes if shape.has_text_frame]
                      + [shape_words(cell) for shape in slide.shapes if shape.has_table  # the JCM pipeline
                         for row in shape.table.rows for cell in row.cells])
            for slide in Presentation(str(path)).slides]


def manifest(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


@pytest.fixture(scope="module")
def trip(tmp_path_factory):
    out = tmp_path_factory.mktemp("trip")
    plan = run_cli("trip", "plan", SAPPORO, "ub-survey-1", "-o", out, "--lang", "ja,en", "--pdf", "never")
    report = run_cli("trip", "report", SAPPORO, "2024-07-08", "-o", out, "--lang", "ja,en", "--pdf", "never")
    implementation = run_cli("plan", SAPPORO, "-o", out, "--lang", "ja,en", "--pdf", "never")
    assert plan.returncode == implementation.returncode == report.returncode == 0, plan.stderr + report.stderr
    return out


def test_the_trip_plan_carries_purpose_days_places_people_and_programme(trip):
    ja = docx_text(trip / "trip_plan_ub-survey-1_ja.docx")
    for fact in ("現地調査計画書", "第4熱電併給所の運転データを収集", "令和6年7月8日（月）", "令和6年7月9日（火）", "令和6年7月10日（水）",
                 "副市長表敬・エネルギー局協議", "ボイラー設備の現地確認", "第4熱電併給所", "高橋 健（北方エネルギー研究所）",
                 "小林 恵（札幌市環境局）", "更新候補の討議", "提出日：令和6年6月20日", "令和6年7月24日頃までに"):
        assert fact in ja, fact
    en = docx_text(trip / "trip_plan_ub-survey-1_en.docx")
    for fact in ("Field survey plan", "Mon 8 July 2024", "Courtesy call on the Deputy Mayor", "Megumi Kobayashi",
                 "Collect operating data"):
        assert fact in en, fact
    assert not any("\u3040" <= ch <= "\u30ff" for ch in en)  # no kana in the English plan


def test_the_trip_report_carries_what_was_done_results_workshop_and_next_steps(trip):
    ja = docx_text(trip / "trip_report_ub-survey-1_ja.docx")
    for fact in ("現地調査報告書", "ボイラー6基の効率を測定した。", "更新候補3件を熱供給公社と合意した。", "参加者数：27名",
                 "ボイラー効率は平均58%", "9月に更新計画の素案を提示する。", "令和6年6月20日"):
        assert fact in ja, fact
    assert "副市長表敬" not in ja  # the report says what was done, not what was planned
    en = docx_text(trip / "trip_report_ub-survey-1_en.docx")
    assert "Measured the efficiency of six boilers." in en and "Attendees: 27" in en and "Next steps" in en


def test_trip_documents_are_a4_with_east_asian_fonts_and_listed_in_the_manifest(trip):
    document = Document(str(trip / "trip_plan_ub-survey-1_ja.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = [run._element.rPr.find(qn("w:rFonts")) for p in document.paragraphs for run in p.runs]
    assert fonts and all(f is not None and f.get(qn("w:eastAsia")) for f in fonts)
    entries = {(f["kind"], f["lang"], f["path"], f.get("activity")) for f in manifest(trip)}
    assert ("trip_plan", "ja", "trip_plan_ub-survey-1_ja.docx", "ub-survey-1") in entries
    assert ("trip_report", "en", "trip_report_ub-survey-1_en.docx", "ub-survey-1") in entries
    assert ("implementation_plan", "ja", "implementation_plan_fy2024_ja.docx", None) in entries  # one shared manifest


def test_an_unknown_activity_lists_the_ids_and_dates(tmp_path):
    result = run_cli("trip", "plan", SAPPORO, "ub-survey-9", "-o", tmp_path)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "ub-survey-1" in result.stderr and "ub-invite" in result.stderr and "2024-11-12" in result.stderr
    assert "Did you mean 'ub-survey-1'?" in result.stderr
    assert not (tmp_path / "manifest.json").exists()


def test_a_date_shared_by_two_activities_asks_for_the_id():
    from c3p_docs.errors import UsageError
    from c3p_docs.model import Activity, Project
    from c3p_docs.trips import find_activity

    base = Project.model_validate(__import__("yaml").safe_load(MINIMAL))
    base.activities = [Activity(id="a", kind="field_survey", date="2026-08-03"),
                       Activity(id="b", kind="workshop", date="2026-08-03"), Activity(kind="invitation", date="2026-09-01")]
    with pytest.raises(UsageError, match="2 activities start on 2026-08-03"):
        find_activity(base, "2026-08-03")
    assert find_activity(base, "2026-09-01")[0] == 2 and find_activity(base, "B")[0] == 1


def test_a_trip_with_nothing_filled_in_still_renders_and_says_what_is_missing(tmp_path):
    project = write_project(tmp_path, MINIMAL + "activities:\n  - {id: s1, kind: field_survey, month: 2026-09}\n")
    result = run_cli("trip", "report", project, "s1", "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    assert "activities[0].purpose" in result.stderr and "trip-not-done" in result.stderr
    assert "（未記入）" in docx_text(tmp_path / "out" / "trip_report_s1_ja.docx")


@pytest.fixture(scope="module")
def interim(tmp_path_factory):
    out = tmp_path_factory.mktemp("session")
    result = run_cli("session", SAPPORO, "interim", "-o", out, "--lang", "ja,en", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    return out, result


def test_interim_slides_show_what_was_done_and_what_comes_next(interim):
    out, result = interim
    text = "\n".join(slide_texts(out / "session_interim_fy2024_ja.pptx"))
    for fact in ("令和6年度 中間報告会", "令和6年10月2日", "第1回ウランバートル現地調査", "ボイラー効率は平均58%",
                 "測定結果を分析し", "熱供給公社の運転データの提供", "熱供給公社職員の札幌招聘", "都市間連携セミナー",
                 "熱供給ボイラーの高効率化", "4,100", "更新計画の優先順位付け", "実施1件／予定2件"):
        assert fact in text, fact
    assert "11月の招聘の準備" not in text  # what comes next is the year's schedule, not August's `next` lines
    assert "契約締結時報告会" not in text.split("前回報告会以降")[1].split("本年度計画")[0]
    english = "\n".join(slide_texts(out / "session_interim_fy2024_en.pptx"))
    assert "What comes next" in english and "Heating company staff visit Sapporo" in english
    assert "text-overflow" not in result.stderr


def test_session_slides_are_a4_landscape_and_long_lists_continue_without_overflow(tmp_path):
    from pptx import Presentation

    lines = ", ".join(f"現地の関係機関と第{i}回の協議を行い、工場の省エネ診断の結果と次回の調査計画を共有した。" for i in range(40))
    project = write_project(tmp_path, MINIMAL + f"""activities:
  - {{kind: report_session, date: 2026-10-05}}
monthly:
  2026-07:
    progress:
      ja: [{lines}]
""")
    result = run_cli("session", project, "interim", "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    presentation = Presentation(str(tmp_path / "out" / "session_interim_fy2026_ja.pptx"))
    assert (presentation.slide_width, presentation.slide_height) == (10_692_000, 7_560_000)
    texts = slide_texts(tmp_path / "out" / "session_interim_fy2026_ja.pptx")
    continued = [t for t in texts if "前回報告会以降の実施状況" in t]
    assert len(continued) >= 2 and "（続き）" in continued[1]
    assert all(f"第{i}回" in "\n".join(continued) for i in range(40))
    assert "text-overflow" not in result.stderr


def test_an_unknown_session_names_the_calls_sessions():
    from c3p_docs.documents.session import session_dates
    from c3p_docs.errors import UsageError
    from c3p_docs.project import load_project

    loaded = load_project(SAPPORO)
    with pytest.raises(UsageError, match="kickoff, interim, final"):
        session_dates(loaded.project, loaded.rules, "midterm")
    dates = session_dates(loaded.project, loaded.rules, "kickoff")
    assert (dates.day.isoformat(), dates.previous.isoformat()) == ("2024-05-28", "2024-05-01")  # the project starts in May


def test_the_implementation_plan_shows_structure_months_and_cost(trip):
    path = trip / "implementation_plan_fy2024_ja.docx"
    text = docx_text(path)
    for fact in ("実施計画書", "実施体制", "札幌熱供給サービス株式会社", "熱源設備の診断", "業務管理者：高橋 健",
                 "更新計画の優先順位付け", "JCM案件候補2件の特定", "第4熱電併給所の運転データ", "一般管理費"):
        assert fact in text, fact
    schedule = next(t for t in Document(str(path)).tables if t.rows[0].cells[0].text.startswith("活動"))
    assert [c.text for c in schedule.rows[0].cells[1:]] == [
        "4", "5", "6", "7", "8", "9", "10", "11", "12", "1", "2", "3"]
    survey = next(r for r in schedule.rows if "第1回ウランバートル現地調査" in r.cells[0].text)
    assert [c.text for c in survey.cells[1:]].index("●") == 3  # July
    invitation = next(r for r in schedule.rows if "札幌招聘" in r.cells[0].text)
    assert [c.text for c in invitation.cells[1:]].index("●") == 7  # November
    personnel, travel, meetings, outsourcing = 5_000_000, 2_400_000, 120_000, 1_500_000
    admin = math.floor((personnel + travel + meetings) * 0.1)
    total = (personnel + travel + meetings + outsourcing + admin) * 110 // 100
    assert f"{total:,}円" in text
    english = docx_text(trip / "implementation_plan_fy2024_en.docx")
    assert "Implementation structure" in english and f"JPY\u00a0{total:,}" in english  # the currency bound to it


def test_the_implementation_plan_lists_each_participant_on_a_line_of_its_own(trip):
    """「…、田中 / 美咲（北九州市環境局）」: in one sentence a name was broken between family and given name."""
    for lang, names in (("ja", ["高橋 健（北方エネルギー研究所）", "小林 恵（札幌市環境局）"]),
                        ("en", ["Ken Takahashi (Northern Energy Institute)", "Megumi Kobayashi (Sapporo Environment Bureau)"])):
        cells = [row.cells[1] for table in Document(str(trip / f"implementation_plan_fy2024_{lang}.docx")).tables
                 for row in table.rows if row.cells[0].text in ("参加者", "Participants")]
        assert [cell.text for cell in cells] == ["\n".join(names)], lang


LEDGER = """date,category,description,amount_jpy
2024-07-05,overseas_travel,Flights to Ulaanbaatar,1560000
2024/07/09,会議費,"Workshop venue, lunch","61,500"
2024-08-30,personnel,Staff (July-August),5400000
2024-09-10,Equipment,Ultrasonic flow meter,"75,000"
"""


def test_settle_totals_a_ledger_to_the_yen_and_flags_what_is_over_plan(tmp_path):
    import openpyxl

    ledger = tmp_path / "ledger.csv"
    ledger.write_bytes(b"\xef\xbb\xbf" + LEDGER.encode("utf-8"))  # as Excel's "CSV UTF-8" writes it
    result = run_cli("settle", SAPPORO, "--ledger", ledger, "-o", tmp_path / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr
    assert "over-plan" in result.stderr and "personnel" in result.stderr and "meetings" not in result.stderr
    assert "unplanned-equipment" in result.stderr and "ledger.csv:5:" in result.stderr
    travel, meetings, personnel, equipment = 840_000 + 1_560_000, 61_500, 5_400_000, 75_000
    direct = travel + meetings + personnel + equipment
    admin = math.floor(direct * 0.1)
    tax = math.floor((direct + admin) * 0.1)
    actual_total = direct + admin + tax
    workbook = openpyxl.load_workbook(tmp_path / "out" / "settlement_fy2024_ja.xlsx")
    assert workbook.sheetnames == ["費目別", "明細", "指摘事項"]
    rows = {r[0]: r[1:] for r in workbook["費目別"].iter_rows(values_only=True) if r[0]}
    assert rows["外国旅費"][:2] == (2_400_000, travel) and rows["人件費"][:2] == (5_000_000, personnel)
    assert rows["備品費"][1] == equipment
    assert rows["一般管理費（10%）"][1] == admin and rows["消費税（10%）"][1] == tax
    assert rows["合計"][1] == actual_total
    plan_total = rows["合計"][0]
    assert rows["支払額（いずれか低い額）"][0] == min(plan_total, actual_total)
    ledger_rows = list(workbook["明細"].iter_rows(values_only=True))
    assert len(ledger_rows) == 1 + 5 + 1 and ledger_rows[-1][3] == direct
    summary = docx_text(tmp_path / "out" / "settlement_fy2024_ja.docx")
    assert f"{actual_total:,}円" in summary and "人件費：実績額5,400,000円が計画額5,000,000円を400,000円上回っています" in summary
    kinds = {(f["kind"], f["path"]) for f in manifest(tmp_path / "out")}
    assert kinds == {("settlement", f"settlement_fy2024_{lang}.{suffix}")  # without --lang: both languages
                     for lang in ("ja", "en") for suffix in ("xlsx", "docx")}
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.suffix in (".xlsx", ".docx")}
    again = run_cli("settle", SAPPORO, "--ledger", ledger, "-o", tmp_path / "out", "--pdf", "never")
    assert "0 file(s) written, 4 unchanged" in again.stderr
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir() if p.suffix in (".xlsx", ".docx")} == first


def test_settle_reads_a_shift_jis_ledger_and_leaves_out_unknown_categories_and_other_years(tmp_path):
    import openpyxl

    text = ("date,category,description,amount_jpy\r\n2024-07-11,外国旅費,現地交通費（タクシー）,12000\r\n"
            "2024-07-12,雑役務費,通訳,90000\r\n2024-07-13,タクシー代,移動,3000\r\n2023-12-01,会議費,前年度,2000\r\n")
    ledger = tmp_path / "台帳.csv"
    ledger.write_bytes(text.encode("cp932"))
    result = run_cli("settle", SAPPORO, "--ledger", ledger, "-o", tmp_path / "out", "--pdf", "never", "--lang", "en",
                     "--format", "json")
    assert result.returncode == 1, result.stderr
    codes = {(f["code"], f.get("line")) for f in json.loads(result.stdout)["findings"]}
    assert {("ledger-shift-jis", None), ("unknown-category", 4), ("outside-fiscal-year", 5)} <= codes
    workbook = openpyxl.load_workbook(tmp_path / "out" / "settlement_fy2024_en.xlsx")
    descriptions = [r[2] for r in workbook["Ledger"].iter_rows(values_only=True)]
    assert "現地交通費（タクシー）" in descriptions and "移動" in descriptions
    rows = {r[0]: r[1:] for r in workbook["By category"].iter_rows(values_only=True) if r[0]}
    assert rows["Overseas travel"][1] == 840_000 + 12_000 and rows["Miscellaneous services"][1] == 90_000
    assert "Meetings" not in rows or rows["Meetings"][1] == 0


def test_settle_refuses_a_malformed_ledger_naming_file_line_and_column_and_writes_nothing(tmp_path):
    ledger = tmp_path / "bad.csv"
    ledger.write_text("date,category,description,amount_jpy\n2024-07-05,meetings,ok,100\n2024-07-06,meetings,x,12O0\n"
                      "2024-13-01,meetings,y,100\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("settle", SAPPORO, "--ledger", ledger, "-o", out)
    assert_no_traceback(result)
    assert result.returncode == 1
    assert f"{ledger}:3:23: amount_jpy '12O0'" in result.stderr
    assert f"{ledger}:4:1: date '2024-13-01'" in result.stderr
    assert not out.exists()


def test_settle_without_costs_is_a_usage_error(tmp_path):
    from c3p_docs.contract import run_settle
    from c3p_docs.errors import UsageError
    from c3p_docs.project import load_project

    with pytest.raises(UsageError, match="--ledger"):
        run_settle(load_project(write_project(tmp_path, MINIMAL)), None, tmp_path / "out", ["ja"], "never")
    assert not (tmp_path / "out").exists()


def test_ledger_fields_keep_their_line_and_column_even_across_quoted_line_breaks():
    from c3p_docs.ledger import split_records

    records = split_records('date,description\r\n2024-07-01,"two\nlines, one field"\r\n2024-07-02,"say ""hi"""\n', ",")
    assert [[(v, l, c) for v, l, c in r] for r in records] == [
        [("date", 1, 1), ("description", 1, 6)],
        [("2024-07-01", 2, 1), ("two\nlines, one field", 2, 12)],
        [("2024-07-02", 4, 1), ('say "hi"', 4, 12)]]


def test_ledger_amounts_dates_and_encodings_as_excel_writes_them():
    from c3p_docs.ledger import decode, parse_amount, parse_day

    assert [parse_amount(t) for t in ("12,345", "¥12,345", "12345円", "１２３４５", "12345.0", "12.5", "1,2a")] == [
        12345, 12345, 12345, 12345, 12345, None, None]
    assert parse_day("2024/7/9").isoformat() == "2024-07-09" and parse_day("2024-02-30") is None
    assert decode("費目".encode("cp932"), "x.csv") == ("費目", "cp932")
    assert decode(b"\xef\xbb\xbf" + "費目".encode(), "x.csv") == ("費目", "utf-8-sig")
    assert decode("費目".encode("utf-16"), "x.csv") == ("費目", "utf-16")


def test_settlement_recomputes_admin_and_tax_like_the_budget_and_pays_the_lower_amount():
    import datetime as dt

    from c3p_docs.budget import compute_budget
    from c3p_docs.calls import load_call
    from c3p_docs.model import Budget, BudgetItem, Project
    from c3p_docs.settlement import Spend, category_names, classify, settle

    project = Project.model_validate(__import__("yaml").safe_load(MINIMAL))
    project.budget = Budget(general_admin_rate=0.15, items=[BudgetItem(category="personnel", description="p",
                                                                       unit_cost_jpy=1_000_001, quantity=1)])
    day = dt.date(2026, 6, 1)
    names = category_names(load_call("fy2026-1"), [{"equipment": "備品費"}])
    assert classify("備品費", names) == classify("EQUIPMENT", names) == "equipment" and classify("旅費", names) is None
    spends = [Spend(day, "personnel", "personnel", "", 333_333, "l.csv", 2),
              Spend(day, "equipment", "備品費", "", 200_000, "l.csv", 3),
              Spend(day, "consumables", "consumables", "", 7, "l.csv", 4)]
    result = settle(project, load_call("fy2026-1"), spends)
    expected = compute_budget(Budget(general_admin_rate=0.15, items=[
        BudgetItem(category=s.category, description="", unit_cost_jpy=s.amount) for s in spends]), load_call("fy2026-1"))
    assert result.actual == expected and result.actual.general_admin == (333_333 + 200_000 + 7) * 15 // 100
    assert result.payable == min(result.contract, result.actual.total) == result.actual.total
    codes = [i.code for i in result.issues]
    assert "unplanned-equipment" in codes  # ¥200,000 is equipment under FY2026 (threshold ¥200,000)
    assert codes.count("over-plan") == 2  # equipment and consumables were not planned; personnel is under plan


def test_reminders_and_calendar_events_count_as_done_once_sent():
    import datetime as dt

    from c3p_docs.calendar_ics import project_events
    from c3p_docs.calls import load_call
    from c3p_docs.model import Activity, Project
    from c3p_docs.monthly import reminders

    rules = load_call("fy2026-1")
    project = Project.model_validate(__import__("yaml").safe_load(MINIMAL))
    survey = Activity(kind="field_survey", date=dt.date(2026, 9, 10))
    done = Activity(kind="invitation", date=dt.date(2026, 8, 3), end_date=dt.date(2026, 8, 5), status="done")
    project.activities = [survey, done]
    found = {(r.code, r.due.isoformat()) for r in reminders(project, rules, "2026-08")}
    assert found == {("advance-plan-missing", "2026-08-27"), ("survey-report-missing", "2026-08-19")}
    survey.plan_submitted, done.report_submitted = dt.date(2026, 8, 20), True
    assert reminders(project, rules, "2026-08") == []
    summaries = [e.summary for e in project_events(project, rules, "en") if e.key.endswith(("+plan", "+report"))]
    assert "Advance plan sent: Field survey" in summaries and "Summary report sent: Invitation to Japan" in summaries


def test_lists_are_cut_into_slides_that_fit_and_a_heading_never_ends_one():
    from c3p_docs.documents.measure import fits
    from c3p_docs.documents.session import FULL_BOX, paginate

    items = []
    for month in range(12):
        items.append({"text": f"{month + 1}月", "bold": True, "bullet": False})
        items += [{"text": "現地の関係機関と協議し、診断結果を共有した。" * 2, "bold": False, "bullet": True}] * 4
    pages = paginate(items, FULL_BOX, 12.0, "・")
    assert len(pages) > 1 and sum(len(p) for p in pages) == len(items)
    for page in pages:
        assert not page[-1]["bold"]
        assert fits("\n".join(("・" if i["bullet"] else "") + i["text"] for i in page), FULL_BOX["w"], FULL_BOX["h"], 12.0)


def test_the_manifest_keeps_other_commands_entries_in_place(tmp_path):
    from c3p_docs.pipeline import merge_manifest

    (tmp_path / "manifest.json").write_text(json.dumps({"files": [
        {"kind": "trip_plan", "lang": "ja", "path": "a.docx"}, {"kind": "overview", "lang": "ja", "path": "b.pptx"}]}))
    merge_manifest(tmp_path, [{"kind": "trip_plan", "lang": "ja", "path": "a.docx", "activity": "x"}], {"a.docx"})
    assert [f["path"] for f in manifest(tmp_path)] == ["a.docx", "b.pptx"] and manifest(tmp_path)[0]["activity"] == "x"


def test_build_keeps_the_contract_commands_entries_in_the_manifest(tmp_path):
    from c3p_docs.build import run_build
    from c3p_docs.project import load_project

    (tmp_path / "manifest.json").write_text(json.dumps({"files": [
        {"kind": "settlement", "lang": "ja", "path": "settlement_fy2024_ja.xlsx"},
        {"kind": "cover", "lang": "ja", "path": "old-cover.docx"}]}))
    run_build(load_project(SAPPORO), tmp_path, {"cover"}, ["ja"], "never")
    paths = [f["path"] for f in manifest(tmp_path)]
    assert "settlement_fy2024_ja.xlsx" in paths and "old-cover.docx" not in paths


GREGORIAN_DATE = re.compile(r"(?<![0-9])[0-9]{4}年[0-9]{1,2}月")


def test_japanese_contract_documents_date_in_reiwa_and_english_ones_in_their_own_format(trip, interim):
    out, _ = interim
    texts = {p.name: docx_text(p) for p in trip.glob("*_ja.docx")}
    texts["session"] = "\n".join(slide_texts(out / "session_interim_fy2024_ja.pptx"))
    assert len(texts) == 4
    for name, text in texts.items():
        assert "令和6年" in text and not GREGORIAN_DATE.search(text), (name, GREGORIAN_DATE.search(text))
    assert "令和6年4月～令和7年3月" in texts["implementation_plan_fy2024_ja.docx"]
    assert "Mon 8 July 2024" in docx_text(trip / "trip_report_ub-survey-1_en.docx")
    assert "(April 2024 – March 2025)" in docx_text(trip / "implementation_plan_fy2024_en.docx")


def test_the_schedule_legend_explains_only_the_marks_the_chart_draws(trip):
    ja = docx_text(trip / "implementation_plan_fy2024_ja.docx")
    schedule = next(t for t in Document(str(trip / "implementation_plan_fy2024_ja.docx")).tables
                    if t.rows[0].cells[0].text.startswith("活動"))
    hollow = any(c.text == "○" for r in schedule.rows for c in r.cells[1:])
    assert ("○：公募要領に示された時期の目安" in ja) == hollow


@pytest.fixture(scope="module")
def kitakyushu(tmp_path_factory):
    """The sample with two adoptions listed and no bare count, a ledger beside the project's own actual costs."""
    folder = tmp_path_factory.mktemp("kitakyushu")
    text = KITAKYUSHU.read_text(encoding="utf-8").replace("  adoptions_last_3_years: 1\n", "")
    text = text.replace("  adoptions:\n", "  adoptions:\n    - {fiscal_year: 2025, title: {ja: 二件目, en: Second}}\n", 1)
    project = folder / "kitakyushu.yaml"
    project.write_text(text, encoding="utf-8")
    ledger = folder / "ledger.csv"
    ledger.write_text("date,category,description,amount_jpy\n2026-08-03,meetings,Venue,30000\n", encoding="utf-8")
    out = folder / "out"
    session = run_cli("session", project, "interim", "-o", out, "--lang", "ja,en", "--pdf", "never")
    settle = run_cli("settle", project, "--ledger", ledger, "-o", out, "--lang", "ja,en", "--pdf", "never")
    assert session.returncode == 0 and settle.returncode in (0, 1), session.stderr + settle.stderr
    return out


def test_session_slides_count_the_adoptions_and_word_the_period_as_the_application_does(kitakyushu):
    ja = slide_texts(kitakyushu / "session_interim_fy2026_ja.pptx")
    text = "\n".join(ja)
    assert "過去3年間のJCM採択件数：2件" in text
    assert "{" not in text and "fiscal_year" not in text and "二件目" not in text
    period = next(t for t in ja if "事業期間" in t)
    assert "令和7年4月1日～令和10年3月31日（フェーズ1・2年目）" in period and "–" not in period
    english = "\n".join(slide_texts(kitakyushu / "session_interim_fy2026_en.pptx"))
    assert "JCM adoptions in the last 3 years: 2" in english and "{" not in english
    assert "phase 1, year 2" in english


def test_the_japanese_settlement_names_its_sources_in_words_and_dates_the_ledger_in_reiwa(kitakyushu):
    import openpyxl

    summary = docx_text(kitakyushu / "settlement_fy2026_ja.docx")
    assert "プロジェクトファイルの支出実績（3件）、台帳 ledger.csv（1件）" in summary
    assert ".yaml" not in summary and "actuals" not in summary and "令和8年4月1日～令和9年3月31日" in summary
    workbook = openpyxl.load_workbook(kitakyushu / "settlement_fy2026_ja.xlsx")
    notes = [r[1] for r in workbook["費目別"].iter_rows(values_only=True)]
    assert "プロジェクトファイルの支出実績（3件）、台帳 ledger.csv（1件）" in notes
    sheet = workbook["明細"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))[:-1]
    assert [r[4] for r in rows] == ["実績 1", "実績 2", "実績 3", "ledger.csv 2行目"]
    assert sheet["A2"].is_date and "ggge" in sheet["A2"].number_format  # shown in 令和, still a date to sort by
    english = openpyxl.load_workbook(kitakyushu / "settlement_fy2026_en.xlsx")["Ledger"]
    assert [r[4] for r in english.iter_rows(min_row=2, values_only=True)][0] == "Actual cost 1"
    assert english["A2"].number_format == "yyyy-mm-dd"


# -- the contract commands publish through the one pipeline (issue 18) --------------------------------------------

@pytest.fixture(scope="module")
def restyled(tmp_path_factory):
    """plan, trip, session and settle run with --templates holding a reference.docx with 40 mm margins and a
    reference.pptx whose master carries a logo."""
    from docx.shared import Mm
    from pptx import Presentation
    from pptx.util import Mm as SlideMm

    folder = tmp_path_factory.mktemp("restyled")
    templates = folder / "tpl"
    templates.mkdir()
    document = Document(str(ROOT / "templates" / "common" / "reference.docx"))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(document.sections[0], side, Mm(40))
    document.save(str(templates / "reference.docx"))
    deck = Presentation(str(ROOT / "templates" / "common" / "reference.pptx"))
    scratch = deck.slides.add_slide(deck.slide_layouts[0])  # python-pptx adds shapes to slides only: move one
    logo = scratch.shapes.add_textbox(SlideMm(5), SlideMm(5), SlideMm(40), SlideMm(10))
    logo.text = "札幌市ロゴ"
    deck.slide_masters[0].shapes._spTree.append(logo._element)
    slide_id = deck.slides._sldIdLst[0]
    deck.part.drop_rel(slide_id.rId)
    deck.slides._sldIdLst.remove(slide_id)
    deck.save(str(templates / "reference.pptx"))
    out = folder / "out"
    ledger = folder / "ledger.csv"
    ledger.write_text(LEDGER, encoding="utf-8")
    for command in (("plan", SAPPORO), ("trip", "plan", SAPPORO, "ub-survey-1"), ("session", SAPPORO, "interim"),
                    ("settle", SAPPORO, "--ledger", ledger)):
        result = run_cli(*command, "-o", out, "--pdf", "never", "--templates", templates)
        assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name", ["implementation_plan_fy2024_ja.docx", "trip_plan_ub-survey-1_ja.docx",
                                  "settlement_fy2024_ja.docx"])
def test_contract_documents_honour_the_users_reference_docx(restyled, name):
    section = Document(str(restyled / name)).sections[0]
    assert [round(getattr(section, side).mm) for side in ("left_margin", "right_margin", "top_margin",
                                                          "bottom_margin")] == [40, 40, 40, 40]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)


def test_session_slides_honour_the_users_reference_pptx(restyled):
    from pptx import Presentation

    deck = Presentation(str(restyled / "session_interim_fy2024_ja.pptx"))
    master_texts = [shape.text_frame.text for shape in deck.slide_masters[0].shapes if shape.has_text_frame]
    assert "札幌市ロゴ" in master_texts and (deck.slide_width, deck.slide_height) == (10_692_000, 7_560_000)


def test_session_slides_report_text_cut_from_a_list(tmp_path):
    templates = tmp_path / "tpl" / "ja"
    templates.mkdir(parents=True)
    (templates / "session_slides.xml.j2").write_text(
        '<slides><slide><box x="20" y="20" w="80" h="20" size="12" min="10" field="activities" more="ほか{n}件">'
        '<p>活動</p>{% for i in range(40) %}<p>現地の関係機関との協議 第{{ i }}回</p>{% endfor %}</box></slide></slides>',
        encoding="utf-8")
    result = run_cli("session", SAPPORO, "interim", "-o", tmp_path / "out", "--pdf", "never", "--templates",
                     tmp_path / "tpl", "--format", "json")
    assert result.returncode == 0, result.stderr
    [cut] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "text-cut"]
    assert cut["path"] == "activities" and cut["file"].endswith("session_interim_fy2024_ja.pptx")
    assert "ほか" in "\n".join(slide_texts(tmp_path / "out" / "session_interim_fy2024_ja.pptx"))
