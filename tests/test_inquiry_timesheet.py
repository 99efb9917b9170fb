"""`inquiry` writes the question mail the call asks for (R6-2 §9); `timesheet` the month's personnel time records
(業務日誌, R6-2 §11(2)①), from a CSV of hours or as a blank form."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json

import pytest
from conftest import FY2024, FY2026, MINIMAL, run_cli, write_project

openpyxl = pytest.importorskip("openpyxl")

CONTACT = """\
contact:
  name: {ja: 山田 花子, en: Hanako Yamada}
  department: {ja: 海外事業部 課長, en: "Manager, Overseas Division"}
  phone: 03-1234-5678
  email: h.yamada@example.co.jp
"""


def _mail(folder):
    (path,) = list(folder.glob("inquiry_*.eml"))
    return path, email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


# inquiry

def test_the_inquiry_mail_has_the_calls_subject_address_question_and_five_items(tmp_path):
    project = write_project(tmp_path, MINIMAL.replace("fy2026-1", "fy2024-2") + CONTACT)
    question = tmp_path / "question.txt"
    question.write_bytes("一般管理費の率について質問します。\r\n内部規定の率でよいでしょうか。\r\n".encode("cp932"))
    out = tmp_path / "out"
    result = run_cli("inquiry", project, "--question", question, "-o", out)
    assert result.returncode == 0, result.stderr
    path, message = _mail(out)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=9))).date()
    assert path.name.startswith(f"inquiry_{today:%Y%m%d}_")
    assert message["To"] == "chikyu-kyoryoku@env.go.jp"
    assert message["Subject"] == "令和6年度脱炭素社会実現のための都市間連携事業委託業務公募に関する問合せ"
    assert message["From"] == "山田 花子 <h.yamada@example.co.jp>" and message["X-Unsent"] == "1"
    body = message.get_content()
    assert "【質問事項】\r\n一般管理費の率について質問します。\r\n内部規定の率でよいでしょうか。\r\n" in body  # Shift_JIS read
    for line in ("[1]事業者名：試験株式会社", "[2]所属部門名/役職名：海外事業部 課長", "[3]担当者氏名：山田 花子",
                 "[4]連絡先電話番号：03-1234-5678", "[5]連絡先電子メールアドレス：h.yamada@example.co.jp"):
        assert line in body, line
    assert body.startswith("環境省地球環境局国際脱炭素移行推進・環境インフラ担当参事官室 御中")
    assert "questions-closed" in result.stderr and "2024-04-25" in result.stderr  # R6-2's questions closed long ago
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert manifest == [{"kind": "inquiry", "lang": "ja", "path": path.name}]
    again = run_cli("inquiry", project, "--question", question, "-o", out)
    assert again.returncode == 0 and path.read_bytes() == _mail(out)[0].read_bytes()


def test_the_fy2026_inquiry_subject_is_assumed_with_reiwa_8(tmp_path):
    project = write_project(tmp_path, MINIMAL + CONTACT)
    question = tmp_path / "q.txt"
    question.write_text("質問です。", encoding="utf-8")
    result = run_cli("inquiry", project, "--question", question, "-o", tmp_path / "out", "--format", "json")
    assert result.returncode == 0, result.stderr
    _, message = _mail(tmp_path / "out")
    assert message["Subject"] == "令和8年度脱炭素社会実現のための都市間連携事業委託業務公募に関する問合せ"
    assert json.loads(result.stdout)["findings"] == []  # no question deadline in the guidebook: nothing to warn


def test_a_missing_item_is_a_warning_and_a_visible_placeholder(tmp_path):
    project = write_project(tmp_path, MINIMAL + CONTACT.replace("  phone: 03-1234-5678\n", ""))
    question = tmp_path / "q.txt"
    question.write_text("質問です。\n", encoding="utf-8")
    result = run_cli("inquiry", project, "--question", question, "-o", tmp_path / "out", "--format", "json")
    assert result.returncode == 0
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "incomplete" and finding["path"] == "contact.phone" and finding["line"] == 11
    assert "[4] phone number" in finding["message"] and "add `phone: …` under `contact:`" in finding["message"]
    assert "[4]連絡先電話番号：（未記入）" in _mail(tmp_path / "out")[1].get_content()


def test_an_empty_or_unreadable_question_writes_nothing(tmp_path):
    project = write_project(tmp_path, MINIMAL + CONTACT)
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    result = run_cli("inquiry", project, "--question", empty, "-o", tmp_path / "out")
    assert result.returncode == 2 and "the question file is empty" in result.stderr
    binary = tmp_path / "q.bin"
    binary.write_bytes(b"\x00\x01question")
    result = run_cli("inquiry", project, "--question", binary, "-o", tmp_path / "out")
    assert result.returncode == 2 and "q.bin:1:1" in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("inquiry", project, "--question", tmp_path / "none.txt", "-o", tmp_path / "out")
    assert missing.returncode == 2 and "no such question file" in missing.stderr
    assert not (tmp_path / "out").exists()


# timesheet

STAFFED = FY2024.read_text(encoding="utf-8") + """\
staff:
  - {name: {ja: 田中 次郎, en: Jiro Tanaka}, role: 管理技術者, planned_days: 3}
  - {name: {ja: 佐藤 花子, en: Hanako Sato}, role: {ja: 技術担当, en: Engineer}, organisation: 横浜市}
"""

HOURS = """\
date,person,hours,activity,memo
2024-07-31,田中 次郎,8,準備,
2024-08-01,田中 次郎,7.5,現地調査（スラバヤ）,
2024-08-02,Jiro Tanaka,8,現地調査,
2024-08-02,田中 次郎,1,報告書作成,
2024-08-05,佐藤 花子,4:30,資料作成,
2024-09-02,田中 次郎,8,次の月,
"""


def _sheets(path):
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in workbook}


def test_a_month_of_hours_becomes_one_sheet_per_person_with_totals(tmp_path):
    project = write_project(tmp_path, STAFFED)
    hours = tmp_path / "hours.csv"
    hours.write_bytes(b"\xef\xbb\xbf" + HOURS.encode("utf-8"))  # as Excel's "CSV UTF-8" writes it
    out = tmp_path / "out"
    result = run_cli("timesheet", project, "--month", "2024-08", "--hours", hours, "-o", out, "--format", "json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["files"] == [{"kind": "timesheet", "lang": "ja", "path": "timesheet_2024-08_ja.xlsx",
                                 "month": "2024-08"}]
    sheets = _sheets(out / "timesheet_2024-08_ja.xlsx")
    assert list(sheets) == ["田中 次郎", "佐藤 花子"]
    tanaka = sheets["田中 次郎"]
    assert tanaka[0][0] == "業務日誌（令和6年8月）" and ["従事者", "田中 次郎（管理技術者）", None, None] in tanaka
    header = tanaka.index(["日付", "曜日", "従事時間", "業務内容"])
    days = tanaka[header + 1:header + 32]
    assert [d[0].date() for d in (days[0], days[-1])] == [dt.date(2024, 8, 1), dt.date(2024, 8, 31)]
    assert days[0][1:] == ["木", 7.5, "現地調査（スラバヤ）"]
    assert days[1][1:] == ["金", 9, "現地調査、報告書作成"]  # the same person by either name, hours added up
    assert days[2][2] is None  # a day without hours stays blank
    total, person_days = tanaka[header + 32], tanaka[header + 33]
    assert total[0] == "合計（時間）" and total[2] == f"=SUM(C{header + 2}:C{header + 32})"
    assert person_days[2] == f"=C{header + 33}/8" and "1人日＝8時間" in person_days[3]
    sato = sheets["佐藤 花子"]
    assert ["所属", "横浜市", None, None] in sato and ["従事者", "佐藤 花子（技術担当）", None, None] in sato
    assert sato[header + 5][2] == 4.5  # 4:30 is four and a half hours
    # Tanaka worked 0.94 + 1.13 days in July–August… 24.5 h of FY2024 so far = 3.06 person-days over 3 planned.
    (over,) = [f for f in payload["findings"] if f["code"] == "personnel-over-plan"]
    assert over["severity"] == "warning" and over["path"] == "staff[0].planned_days"
    assert "3.1 person-days in FY2024 up to 2024-08" in over["message"] and "the 3 planned" in over["message"]
    # The budget plans 130 person-days of personnel: the staff's days are well within it.
    assert not [f for f in payload["findings"] if f.get("path") == "budget.items"]


def test_bad_lines_are_named_and_nothing_is_written(tmp_path):
    project = write_project(tmp_path, STAFFED)
    hours = tmp_path / "hours.csv"
    hours.write_text("date,person,hours,activity\n"
                     "2024-08-01,田中 次郎,7.5,調査\n"
                     "2024-08-32,田中 次郎,8,x\n"
                     "2024-08-03,田中 次郎,25,x\n"
                     "2024-08-04,鈴木 一郎,3,x\n"
                     "2024-08-05,佐藤 花子,20,x\n"
                     "2024-08-05,佐藤 花子,5,y\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("timesheet", project, "--month", "2024-08", "--hours", hours, "-o", out)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith(str(hours))]
    assert lines[0] == f"{hours}:3:1: date '2024-08-32' is not a date; write YYYY-MM-DD (or YYYY/MM/DD)."
    assert lines[1].startswith(f"{hours}:4:18: hours '25' is not a number of hours")
    assert lines[2].startswith(f"{hours}:5:12: '鈴木 一郎' is not among the project's staff (田中 次郎, 佐藤 花子).")
    assert lines[3] == f"{hours}:7:18: 佐藤 花子 has 25 hours on 2024-08-05 in all; a day has 24."
    assert "nothing was written" in result.stderr and not out.exists()


def test_without_hours_a_blank_form_lists_the_staff_and_the_months_activities(tmp_path):
    text = FY2024.read_text(encoding="utf-8").replace("activities:\n", "activities:\n  - {kind: workshop, date: 2024-08-20, "
                                                      "end_date: 2024-08-21, title: {ja: 港湾ワークショップ, en: Port workshop}}\n", 1)
    project = write_project(tmp_path, text)
    out = tmp_path / "out"
    result = run_cli("timesheet", project, "--month", "2024-08", "-o", out)
    assert result.returncode == 0, result.stderr
    assert "staff-not-listed" in result.stderr  # no `staff:`: the project manager and the contact (one person here)
    sheets = _sheets(out / "timesheet_2024-08_ja.xlsx")
    assert list(sheets) == ["田中 次郎"]
    rows = sheets["田中 次郎"]
    header = rows.index(["日付", "曜日", "従事時間", "業務内容"])
    assert all(row[2] is None for row in rows[header + 1:header + 32])
    workshop = [row[0].day for row in rows[header + 1:header + 32] if row[3] == "港湾ワークショップ"]
    assert workshop == [20, 21]  # a dated activity on each of its days
    notes = [row[0] for row in rows if str(row[0]).startswith("今月の活動（日付未定）：")]
    assert notes == ["今月の活動（日付未定）：第1回現地調査、JICAインドネシア事務所・在スラバヤ総領事館との協議"]  # month only
    assert rows[header + 32][0] == "合計（時間）" and rows[header + 32][2] == f"=SUM(C{header + 2}:C{header + 32})"
    assert run_cli("timesheet", project, "--month", "2024-13", "-o", out).returncode == 2


def test_a_month_outside_the_period_is_warned(tmp_path):
    project = write_project(tmp_path, FY2024.read_text(encoding="utf-8"))
    result = run_cli("timesheet", project, "--month", "2027-04", "-o", tmp_path / "out", "--format", "json")
    assert result.returncode == 0
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert "month-outside-period" in codes


def test_the_fy2026_sample_gets_a_form_for_the_manager_and_the_contact_with_the_profiles_hours(tmp_path):
    out = tmp_path / "out"
    result = run_cli("timesheet", FY2026, "--month", "2026-07", "-o", out)
    assert result.returncode == 0, result.stderr
    sheets = _sheets(out / "timesheet_2026-07_ja.xlsx")
    rows = next(iter(sheets.values()))
    header = rows.index(["日付", "曜日", "従事時間", "業務内容"])
    survey = [row[0].day for row in rows[header + 1:header + 32] if "第1回現地調査" in (row[3] or "")]
    assert survey == [13, 14, 15, 16, 17]  # the sample's 13–17 July survey
    days = rows[header + 33]
    assert days[2] == f"=C{header + 33}/8" and "令和6年度第2回公募 §11(2)①" in days[3] and "想定" in days[3]
