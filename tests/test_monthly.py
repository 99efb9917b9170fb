"""monthly and calendar: one A4 page, idempotent, edits kept, many projects, a calendar that parses back."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import BROKEN, FY2024, FY2026, MINIMAL, assert_no_traceback, docx_text, run_cli, write_project
from docx import Document

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


def test_a_rich_month_has_progress_activities_and_the_due_date(tmp_path):
    result = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never", "--lang", "ja,en")
    assert result.returncode == 0, result.stderr
    ja = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx")
    for fact in ("月次報告（令和8年7月分）", "提出期限：令和8年8月7日", "食品工場5社の省エネ診断", "令和8年度（2026年度）",
                 "第2回現地調査（太陽光発電サイト調査）", "資金調達スキーム", "北九州市／ダバオ市（フィリピン）"):
        assert fact in ja, fact
    en = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_en.docx")
    assert "Monthly report, July 2026" in en and "Due: 7 August 2026" in en
    import json

    manifest = json.loads((tmp_path / "kitakyushu-davao-fy2026" / "manifest.json").read_text(encoding="utf-8"))
    assert {(f["kind"], f["lang"], f["path"]) for f in manifest["files"]} == {
        ("monthly_report", "ja", "monthly_2026-07_ja.docx"), ("monthly_report", "en", "monthly_2026-07_en.docx")}
    document = Document(str(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx"))
    assert round(document.sections[0].page_width.mm) == 210 and round(document.sections[0].page_height.mm) == 297


def test_an_empty_month_shows_a_placeholder_and_the_coming_events(tmp_path):
    run_cli("monthly", FY2026, "--month", "2026-09", "-o", tmp_path, "--pdf", "never")
    text = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-09_ja.docx")
    assert "（未記入）" in text
    assert "ダバオ市職員の北九州市招聘" in text  # October, among the plans to the end of the fiscal year


def test_reminders_for_advance_plans_and_survey_reports(tmp_path):
    text = MINIMAL + """activities:
  - {kind: field_survey, month: 2026-08, title: {ja: 第1回現地調査, en: First survey}}
  - {kind: field_survey, date: 2026-07-10, status: done, title: {ja: 予備調査, en: Scoping survey}}
"""
    project = write_project(tmp_path, text)
    result = run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 0
    assert "advance-plan-missing" in result.stderr and "survey-report-missing" in result.stderr
    report = docx_text(tmp_path / "out" / tmp_path.name / "monthly_2026-07_ja.docx")
    # Reminders are for the contractor: on stderr and in the calendar, never in the report to the ministry.
    assert "第1回現地調査" in report and "提出してください" not in report and "確認事項" not in report


def test_progress_is_what_was_done_and_plans_reach_the_end_of_the_fiscal_year(tmp_path):
    result = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never", "--lang", "ja,en")
    assert result.returncode == 0, result.stderr
    ja = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx")
    progress, plans = ja.split("1. 今月の進捗")[1].split("2. 翌月以降")
    assert "【予定】" not in ja and "予定】" not in progress
    # The user's line about the first survey and the survey itself are both listed: only an identical line is
    # proof of the same event, and a look-alike never hides an activity.
    assert "第1回現地調査を実施し" in progress and "令和8年7月13日　第1回現地調査（工場省エネ診断）" in progress
    for event in ("中間報告会", "都市間連携セミナーでの発表", "最終報告会"):
        assert event in plans, event
    assert "令和9年3月まで" in plans
    en = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_en.docx")
    assert "Final report session" in en and "planned until March 2027" in en


def test_late_in_the_year_plans_still_look_three_months_ahead(tmp_path):
    result = run_cli("monthly", FY2026, "--month", "2027-01", "-o", tmp_path, "--pdf", "never")
    assert result.returncode == 0, result.stderr
    text = docx_text(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2027-01_ja.docx")
    assert "最終報告会" in text and "令和9年4月まで" in text and "予定なし" not in text


def test_an_activity_left_planned_after_its_month_is_named_on_stderr_not_reported_as_progress(tmp_path):
    project = write_project(tmp_path, MINIMAL + """activities:
  - {kind: workshop, month: 2026-07, title: {ja: 延期されたワークショップ, en: Postponed workshop}}
""")
    result = run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never")
    assert "activity-status" in result.stderr and "activities[0].status" in result.stderr
    assert "延期されたワークショップ" not in docx_text(tmp_path / "out" / tmp_path.name / "monthly_2026-07_ja.docx")


def test_a_rerun_rewrites_nothing_and_an_edited_report_survives(tmp_path):
    run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never")
    report = tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx"
    before, mtime = report.read_bytes(), report.stat().st_mtime_ns
    again = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never")
    assert "unchanged" in again.stdout
    assert report.read_bytes() == before and report.stat().st_mtime_ns == mtime
    document = Document(str(report))
    document.add_paragraph("担当者の追記")
    document.save(str(report))
    edited = report.read_bytes()
    third = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never")
    assert third.returncode == 0 and "kept" in third.stderr
    assert report.read_bytes() == edited
    assert (report.parent / "drafts" / "monthly_2026-07_ja.new.docx").read_bytes() == before
    forced = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "never", "--force")
    assert forced.returncode == 0 and report.read_bytes() == before


def test_many_projects_one_broken_still_writes_the_others_and_fails(tmp_path):
    result = run_cli("monthly", FY2026, BROKEN, FY2024, "--month", "2026-03", "-o", tmp_path, "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert "FAILED" in result.stdout and result.stdout.count("ok ") == 2
    assert (tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-03_ja.docx").is_file()
    assert (tmp_path / "yokohama-surabaya-fy2024" / "monthly_2026-03_ja.docx").is_file()


def test_monthly_json_is_one_object_with_a_line_per_project(tmp_path):
    import json

    result = run_cli("monthly", FY2026, BROKEN, "--month", "2026-07", "-o", tmp_path, "--pdf", "never",
                     "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["month"] == "2026-07"
    good, broken = payload["projects"]
    report = tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx"  # without --lang: both languages
    assert good == {"project": str(FY2026), "ok": True, "message": None,
                    "files": [str(report), str(report.with_name("monthly_2026-07_en.docx"))]}
    assert broken["project"] == str(BROKEN) and broken["ok"] is False and broken["message"]


def test_a_bad_month_is_a_usage_error(tmp_path):
    result = run_cli("monthly", FY2026, "--month", "2026-13", "-o", tmp_path)
    assert result.returncode == 2 and "YYYY-MM" in result.stderr


@needs_soffice
def test_an_overlong_month_is_fitted_to_one_page_or_named(tmp_path):
    items = ", ".join(f"項目{i}：現地の関係機関と協議し、工場の省エネ診断結果を共有した上で、次回の調査計画を調整した。" for i in range(28))
    text = MINIMAL + f"monthly:\n  2026-07:\n    progress:\n      ja: [{items}]\n"
    project = write_project(tmp_path, text)
    result = run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "always")
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "out" / tmp_path.name / "monthly_2026-07_ja.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    if "Pages:           1" not in info:
        assert "monthly-too-long" in result.stderr and "monthly.2026-07.progress" in result.stderr
    huge = ", ".join(["とても長い報告文" * 12] * 60)
    project = write_project(tmp_path, MINIMAL + f"monthly:\n  2026-07:\n    progress:\n      ja: [{huge}]\n", "huge.yaml")
    result = run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "always")
    assert "monthly-too-long" in result.stderr and "monthly.2026-07.progress" in result.stderr


@needs_soffice
def test_the_sample_month_is_one_a4_page(tmp_path):
    result = run_cli("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "always")
    assert result.returncode == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.pdf")],
                          capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "(A4)" in info


def test_the_calendar_parses_back_and_matches_the_yaml(tmp_path):
    from icalendar import Calendar

    target = tmp_path / "deadlines.ics"
    result = run_cli("calendar", FY2026, "-o", target, "--lang", "ja")
    assert result.returncode == 0, result.stderr
    calendar = Calendar.from_ical(target.read_bytes())
    events = list(calendar.walk("VEVENT"))
    summaries = [str(e["summary"]) for e in events]
    assert any("月次報告提出期限（2026-07分）" in s for s in summaries)
    survey = next(e for e in events if "第1回現地調査（工場省エネ診断）" in str(e["summary"]) and "事前" not in str(e["summary"]))
    assert survey.decoded("dtstart").isoformat() == "2026-07-13"
    assert survey.decoded("dtend").isoformat() == "2026-07-18"  # exclusive end of a 13–17 July trip
    assert any("事前計画の提出" in s for s in summaries)
    assert any("契約期間終了" in s for s in summaries) and any("成果物提出" in s for s in summaries)
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    first = target.read_bytes()
    run_cli("calendar", FY2026, "-o", target, "--lang", "ja")
    assert target.read_bytes() == first


def test_many_projects_are_reported_in_their_order(tmp_path):
    paths = []
    for index in range(5):
        copy = tmp_path / f"p{index}.yaml"
        shutil.copy(BROKEN if index == 2 else FY2026, copy)
        paths.append(copy)
    result = run_cli("monthly", *paths, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["ok", "ok", "FAILED", "ok", "ok"]
    assert all(str(p) in line for p, line in zip(paths, lines))
    for index in (0, 1, 3, 4):
        assert "食品工場5社" in docx_text(tmp_path / "out" / f"p{index}" / "monthly_2026-07_ja.docx")


# -- one pipeline: the edit is what is converted; each project on its own (issues 18, 21) ------------------------

@needs_soffice
def test_the_pdf_of_an_edited_report_is_converted_from_the_edit(tmp_path):
    from pypdf import PdfReader

    args = ("monthly", FY2026, "--month", "2026-07", "-o", tmp_path, "--pdf", "always")
    assert run_cli(*args).returncode == 0
    report = tmp_path / "kitakyushu-davao-fy2026" / "monthly_2026-07_ja.docx"
    document = Document(str(report))
    document.add_paragraph("担当者による追記：監査法人の確認済み")
    document.save(str(report))
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    text = "".join(page.extract_text() for page in PdfReader(report.with_suffix(".pdf")).pages)
    assert "監査法人の確認済み" in "".join(text.split())
    assert "pdf-from-edited-file" in result.stderr


def test_a_project_file_named_dot_dot_yaml_reports_inside_out(tmp_path):
    (tmp_path / "projects").mkdir()
    project = write_project(tmp_path / "projects", MINIMAL, "...yaml")
    result = run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "projects" / "out", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "projects" / "out" / "_.." / "monthly_2026-07_ja.docx").is_file()
    assert sorted(p.name for p in (tmp_path / "projects").iterdir()) == ["...yaml", "out"]  # nothing in the parent


def test_a_blocked_project_folder_fails_that_project_only(tmp_path):
    paths = [write_project(tmp_path, MINIMAL, f"{name}.yaml") for name in ("a", "b", "c")]
    out = tmp_path / "out"
    out.mkdir()
    (out / "b").write_text("a file where b's folder goes")
    result = run_cli("monthly", *paths, "--month", "2026-07", "-o", out, "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ok", "FAILED", "ok"]
    assert (out / "a" / "monthly_2026-07_ja.docx").is_file() and (out / "c" / "monthly_2026-07_ja.docx").is_file()


def test_a_pdf_libreoffice_could_not_make_fails_its_project_and_the_run(tmp_path, monkeypatch):
    from conftest import invoke

    from c3p_docs import pdf

    def convert(sources):  # as LibreOffice did for 14 of 260 reports: some PDFs never appear
        return {source: b"%PDF-1.4\n%%EOF\n" for source in sources if source.parent.name != "b"}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "convert_to_pdf", convert)
    paths = [write_project(tmp_path, MINIMAL, f"{name}.yaml") for name in ("a", "b", "c")]
    result = invoke("monthly", *paths, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "auto")
    assert result.returncode == 1
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["ok", "FAILED", "ok"]
    assert "could not convert" in result.stdout.splitlines()[1]
    assert (tmp_path / "out" / "c" / "monthly_2026-07_ja.pdf").is_file()


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="FIFOs are POSIX")
def test_a_pipe_as_a_project_folders_manifest_fails_that_project_without_waiting(tmp_path):
    import os

    paths = [write_project(tmp_path, MINIMAL, f"{name}.yaml") for name in ("a", "b")]
    (tmp_path / "out" / "a").mkdir(parents=True)
    os.mkfifo(tmp_path / "out" / "a" / "manifest.json")
    result = run_cli("monthly", *paths, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 1
    failed = result.stdout.splitlines()[0]
    assert failed.startswith("FAILED") and "manifest.json: is a pipe" in failed
    assert (tmp_path / "out" / "b" / "monthly_2026-07_ja.docx").is_file()


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="FIFOs are POSIX")
def test_calendar_refuses_a_pipe_or_a_folder_and_writes_a_250_byte_name(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.ics")
    (tmp_path / "folder.ics").mkdir()
    for target in ("pipe.ics", "folder.ics"):
        result = run_cli("calendar", FY2026, "-o", tmp_path / target, "--format", "json")
        assert_no_traceback(result)
        assert result.returncode == 2 and "not a file c3p-docs can write" in result.stdout
    long_name = tmp_path / ("締切" * 41 + ".ics")  # 250 bytes
    assert len(long_name.name.encode()) == 250
    assert run_cli("calendar", FY2026, "-o", long_name).returncode == 0
    assert long_name.read_bytes().startswith(b"BEGIN:VCALENDAR")


# -- cron can alarm; a month outside the period; projects named by their folder (issue 19) ----------------------

def test_a_month_without_an_entry_is_month_empty_and_strict_makes_it_cron_s_alarm(tmp_path):
    import json

    project = write_project(tmp_path, MINIMAL + """monthly:
  2026-07:
    progress: {ja: [現地調査を実施した], en: [Field survey done]}
""", "osaka.yaml")
    args = ("monthly", project, "--month", "2026-08", "-o", tmp_path / "out", "--pdf", "never")
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "month-empty" in line]
    assert line.startswith(f"{project}:11:1  warning[month-empty] monthly.2026-08: there is no entry for 2026-08")
    strict = run_cli(*args, "--strict")
    assert strict.returncode == 1 and "month-empty" in strict.stderr and "--strict" in strict.stderr
    assert "（未記入）" in docx_text(tmp_path / "out" / "osaka" / "monthly_2026-08_ja.docx")  # still written
    payload = json.loads(run_cli(*args, "--strict", "--format", "json").stdout)
    assert payload["ok"] is False and payload["projects"][0]["ok"] is True
    assert [(f["code"], f["line"]) for f in payload["findings"]] == [("month-empty", 11)]
    assert run_cli("monthly", project, "--month", "2026-07", "-o", tmp_path / "out", "--pdf", "never",
                   "--strict").returncode == 0  # a month with its entry: nothing to alarm about
    assert "--strict" in run_cli("monthly", "--help").stdout and "month-empty" in run_cli("monthly", "--help").stdout


def test_a_project_without_monthly_entries_is_month_empty_at_the_file(tmp_path):
    import json

    project = write_project(tmp_path, MINIMAL, "bare.yaml")
    result = run_cli("monthly", project, "--month", "2026-08", "-o", tmp_path / "out", "--pdf", "never",
                     "--format", "json", "--strict")
    assert result.returncode == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["code"] == "month-empty" and finding["file"] == str(project) and finding.get("line") is None
    assert "add `2026-08:` under `monthly:`" in finding["message"]


def test_an_entry_without_a_line_is_month_empty_at_its_line(tmp_path):
    project = write_project(tmp_path, MINIMAL + "monthly:\n  2026-08:\n    progress: {ja: [], en: []}\n", "empty.yaml")
    result = run_cli("monthly", project, "--month", "2026-08", "-o", tmp_path / "out", "--pdf", "never")
    assert result.returncode == 0
    assert f"{project}:12:3  warning[month-empty] monthly.2026-08: the entry for 2026-08 has no line" in result.stderr


def test_a_month_outside_the_period_is_refused_for_that_project_and_the_others_are_written(tmp_path):
    ended = write_project(tmp_path, MINIMAL.replace("  title: {ja: 試験事業, en: Test project}\n",
                                                    "  title: {ja: 試験事業, en: Test project}\n"
                                                    "  period: {start: 2023-04-01, end: 2026-03-31}\n"), "ended.yaml")
    running = write_project(tmp_path, MINIMAL, "running.yaml")
    result = run_cli("monthly", ended, running, "--month", "2026-11", "-o", tmp_path / "out", "--pdf", "never")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert (f"{ended}:4:3  error[month-outside-period] project.period: 2026-11 is outside the project period "
            "2023-04-01 – 2026-03-31") in result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["FAILED", "ok"]
    assert "2023-04-01 – 2026-03-31" in result.stdout.splitlines()[0]
    assert not (tmp_path / "out" / "ended").exists()
    assert (tmp_path / "out" / "running" / "monthly_2026-11_ja.docx").is_file()
    inside = run_cli("monthly", ended, "--month", "2026-03", "-o", tmp_path / "out", "--pdf", "never")
    assert inside.returncode == 0 and (tmp_path / "out" / "ended" / "monthly_2026-03_ja.docx").is_file()


def test_two_init_projects_in_the_readme_layout_report_in_one_call(tmp_path):
    projects = tmp_path / "projects"
    for name, lang in (("osaka-hcmc", "ja"), ("kobe-danang", "en")):
        assert run_cli("init", projects / name, "--lang", lang).returncode == 0
    result = run_cli("monthly", projects / "osaka-hcmc" / "project.yaml", projects / "kobe-danang" / "project.yaml",
                     "--month", "2026-07", "-o", tmp_path / "reports", "--pdf", "never", "--lang", "ja,en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok ") == 2 and "FAILED" not in result.stdout
    assert sorted(p.relative_to(tmp_path / "reports").as_posix() for p in (tmp_path / "reports").rglob("*.docx")) == [
        "kobe-danang/monthly_2026-07_en.docx", "kobe-danang/monthly_2026-07_ja.docx",
        "osaka-hcmc/monthly_2026-07_en.docx", "osaka-hcmc/monthly_2026-07_ja.docx"]
    # The starter's examples are still there: warnings each month, and cron's alarm under --strict.
    assert "警告[placeholder] applicant.name.ja: '株式会社○○'" in result.stderr  # --lang ja,en: messages in Japanese
    strict = run_cli("monthly", projects / "osaka-hcmc" / "project.yaml", "--month", "2026-07", "-o",
                     tmp_path / "reports", "--pdf", "never", "--strict")
    assert strict.returncode == 1 and "ok " in strict.stdout


def test_projects_that_would_still_share_a_folder_fail_the_second_with_both_names(tmp_path):
    (tmp_path / "osaka").mkdir()
    folder_project = write_project(tmp_path / "osaka", MINIMAL)
    file_project = write_project(tmp_path, MINIMAL, "OSAKA.yaml")  # one folder where names ignore case
    result = run_cli("monthly", folder_project, file_project, "--month", "2026-07", "-o", tmp_path / "out",
                     "--pdf", "never")
    assert result.returncode == 1
    first, second = result.stdout.splitlines()
    assert first.startswith("ok ")
    assert second.startswith(f"FAILED {file_project}: {folder_project} in the same run also writes to")
    assert "rename one of the files or folders" in second
    assert [p.name for p in (tmp_path / "out").iterdir() if p.is_dir()] == ["osaka"]


def test_the_calendar_spans_a_trip_by_its_itinerary_as_the_trip_plan_does(tmp_path):
    from icalendar import Calendar

    project = write_project(tmp_path, MINIMAL + """activities:
  - id: survey-1
    kind: field_survey
    date: 2026-07-13
    end_date: 2026-07-15
    title: {ja: 第1回現地調査, en: First field survey}
    itinerary:
      - {date: 2026-07-13, place: ハノイ, visit: {ja: 市役所, en: City hall}}
      - {date: 2026-07-17, place: ハノイ, visit: {ja: 工場, en: Factory}}
""")
    assert run_cli("calendar", project, "-o", tmp_path / "deadlines.ics").returncode == 0
    events = {str(e["uid"]).split("@")[0]: e for e in Calendar.from_ical((tmp_path / "deadlines.ics").read_bytes()).walk("VEVENT")}
    survey = next(e for uid, e in events.items() if "survey-1" in uid and "+" not in uid)
    assert (survey.decoded("dtstart").isoformat(), survey.decoded("dtend").isoformat()) == ("2026-07-13", "2026-07-18")
    report = next(e for uid, e in events.items() if "survey-1+report" in uid)
    assert report.decoded("dtstart").isoformat() == "2026-07-31"  # 14 days after the itinerary's last day
    assert run_cli("trip", "plan", project, "survey-1", "-o", tmp_path / "out", "--pdf", "never").returncode == 0
    plan = docx_text(tmp_path / "out" / "trip_plan_survey-1_ja.docx")
    assert "令和8年7月13日（月）～令和8年7月17日（金）（5日間）" in plan and "令和8年7月31日頃までに" in plan
