"""What the documents say: sessions, trips, organisations, JICA/embassy, monthly plans, placeholders, wording."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import docx_text, docx_words, run_cli, write_project

CALLS = {"fy2024-2": 2024, "fy2026-1": 2026}


def project_text(call: str, body: str, header: str = "") -> str:
    """A small project of `call`: the names every project needs, then `body` (YAML, top level)."""
    year = CALLS[call]
    return f"""\
call: {call}
project:
  title: {{ja: 試験事業, en: Test project}}
  period: {{start: {year}-04-01, end: {year + 2}-03-31}}
{header}japanese_city:
  name: {{ja: 試験市, en: Test City}}
partner_city:
  name: {{ja: 相手市, en: Partner City}}
  country: Vietnam
applicant:
  name: {{ja: 試験株式会社, en: Test Co.}}
{body}"""


def slides_text(path: Path) -> list[str]:
    """The text of each slide of a deck."""
    from pptx import Presentation

    return ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in Presentation(str(path)).slides]


def findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


# 1. Session windows follow the project ------------------------------------------------------------------------------

def session_project(call: str) -> str:
    year = CALLS[call]
    return project_text(call, f"""\
activities:
  - {{kind: report_session, date: {year}-06-12, title: {{ja: 契約締結時の報告会, en: Kick-off meeting}}, status: done}}
  - kind: field_survey
    date: {year}-07-08
    title: {{ja: 第1回現地調査, en: First survey}}
    results: {{ja: [工場5社を診断した。], en: [Audited five factories.]}}
  - {{kind: field_survey, date: {year}-08-20, title: {{ja: 工場再訪, en: Factory revisit}}, status: done}}
  - {{kind: report_session, date: {year}-10-02, title: {{ja: 中間の報告会, en: Interim meeting}}}}
  - {{kind: field_survey, month: {year}-11, title: {{ja: 第2回現地調査, en: Second survey}}}}
monthly:
  {year}-06:
    next: {{ja: [7月の調査の準備を進める。], en: [Prepare the July survey.]}}
""")


@pytest.mark.parametrize("call", list(CALLS))
def test_a_kickoff_held_in_june_is_the_kickoff_and_the_interim_counts_from_it(tmp_path, call):
    year = CALLS[call]
    project = write_project(tmp_path, session_project(call))
    out = tmp_path / "out"
    kickoff = run_cli("session", project, "kickoff", "-o", out, "--lang", "ja,en", "--pdf", "never")
    interim = run_cli("session", project, "interim", "-o", out, "--lang", "ja,en", "--pdf", "never")
    assert kickoff.returncode == interim.returncode == 0, kickoff.stderr + interim.stderr
    era = year - 2018
    slides = slides_text(out / f"session_kickoff_fy{year}_ja.pptx")
    assert f"開催日：令和{era}年6月12日" in slides[0]
    done = next(s for s in slides if s.startswith("本年度の実施状況"))  # no session before the kickoff
    assert f"（令和{era}年4月1日～）" in done  # since the contract's start, not last year's final session
    coming = next(s for s in slides if s.startswith("今後の予定"))
    assert "契約締結時の報告会" not in coming and "中間の報告会" in coming
    assert "7月の調査の準備" not in "\n".join(slides)  # June's `next` lines are not the year's plan
    english = slides_text(out / f"session_kickoff_fy{year}_en.pptx")
    assert "Date: 12 June" in english[0] and "Kick-off meeting" not in next(s for s in english if s.startswith("What comes"))
    interim_slides = slides_text(out / f"session_interim_fy{year}_ja.pptx")
    since = next(s for s in interim_slides if s.startswith("前回報告会以降"))
    assert f"（令和{era}年6月12日～）" in since and "工場再訪" in since
    assert "第1回現地調査" not in since  # results without `status: done` are not counted as done …
    warning = next(line for line in kickoff.stderr.splitlines() if "session-outside-window" in line)
    assert "project.yaml:" in warning and "（4月、5月。" in warning  # --lang ja,en: messages in Japanese
    status = next(line for line in interim.stderr.splitlines() if "activity-status" in line)
    assert "activities[1].results" in status and "status: done" in status  # … and the user is told what to set


def test_a_session_named_by_id_is_that_session_wherever_it_falls(tmp_path):
    project = write_project(tmp_path, project_text("fy2026-1", """\
activities:
  - {id: interim, kind: report_session, date: 2026-12-03, title: {ja: 中間報告会（延期）, en: Interim (postponed)}}
  - {kind: report_session, date: 2026-09-10, title: {ja: 臨時の報告会, en: Extra meeting}}
"""))
    from c3p_docs.documents.session import session_dates
    from c3p_docs.project import load_project

    loaded = load_project(project)
    dates = session_dates(loaded.project, loaded.rules, "interim")
    assert dates.day.isoformat() == "2026-12-03" and dates.outside_window


def test_validate_warns_at_the_line_of_results_on_a_planned_activity(tmp_path):
    project = write_project(tmp_path, session_project("fy2026-1"))
    result = run_cli("validate", project, "--format", "json")
    found = [f for f in findings(result) if f["code"] == "activity-status"]
    assert len(found) == 1 and found[0]["path"] == "activities[1].results" and found[0]["line"] == 17


# 3. Trips: one source of days, and what counts as a trip --------------------------------------------------------------

def trip_project(call: str) -> str:
    year = CALLS[call]
    return project_text(call, f"""\
activities:
  - id: survey-1
    kind: field_survey
    date: {year}-08-19
    title: {{ja: 第1回現地調査, en: First survey}}
    itinerary:
      - {{date: {year}-08-19, place: 相手市, visit: {{ja: 市役所訪問, en: City hall}}}}
      - {{date: {year}-08-20, place: 相手市, visit: {{ja: 工場訪問, en: Factory}}}}
      - {{date: {year}-08-22, place: 相手市, visit: {{ja: 報告会, en: Debriefing}}}}
  - {{kind: workshop, date: {year}-08-20, title: {{ja: 現地ワークショップ, en: Local workshop}}}}
""")


@pytest.mark.parametrize("call", list(CALLS))
def test_a_trip_plan_takes_its_days_from_the_itinerary_and_names_the_contradiction(tmp_path, call):
    year = CALLS[call]
    project = write_project(tmp_path, trip_project(call))
    result = run_cli("trip", "plan", project, "survey-1", "-o", tmp_path / "out", "--lang", "ja,en", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    ja = docx_text(tmp_path / "out" / "trip_plan_survey-1_ja.docx")
    era = year - 2018
    assert f"令和{era}年8月19日" in ja and f"～令和{era}年8月22日" in ja and "（4日間）" in ja
    assert "（1日間）" not in ja
    en = docx_text(tmp_path / "out" / "trip_plan_survey-1_en.docx")
    assert "(4 days)" in en and "(1 day)" not in en
    warning = next(line for line in result.stderr.splitlines() if "itinerary-dates" in line)
    assert "activities[0].date" in warning and f"end_date: {year}-08-22" in warning
    validate = run_cli("validate", project, "--format", "json")
    assert [f["line"] for f in findings(validate) if f["code"] == "itinerary-dates"] == [15]


@pytest.mark.parametrize("call", list(CALLS))
def test_a_workshop_held_on_a_survey_is_part_of_that_trip(tmp_path, call):
    project = write_project(tmp_path, trip_project(call))
    short = [f for f in findings(run_cli("validate", project, "--format", "json")) if f["code"] == "activities-short"]
    trips = [f for f in short if "Field surveys" in f["message"]]
    assert len(trips) == 1 and " has 1 of " in trips[0]["message"] and "part of that trip" in trips[0]["message"]
    year = CALLS[call]
    apart = trip_project(call) + f"  - {{kind: workshop, date: {year}-11-05, title: {{ja: 第2回ワークショップ, en: Second workshop}}}}\n"
    project = write_project(tmp_path, apart)
    short = [f for f in findings(run_cli("validate", project, "--format", "json")) if f["code"] == "activities-short"]
    assert not [f for f in short if "Field surveys" in f["message"]]  # a workshop of its own is a trip


# 5. The monthly report never drops a planned activity by a guess -------------------------------------------------------

def test_a_next_line_that_resembles_a_planned_survey_does_not_hide_it(tmp_path):
    project = write_project(tmp_path, project_text("fy2026-1", """\
activities:
  - {kind: field_survey, month: 2026-11, title: {ja: 第2回現地調査, en: Second field survey}}
  - {kind: workshop, month: 2026-12, title: {ja: 政策ワークショップ, en: Policy workshop}}
monthly:
  2026-10:
    progress: {ja: [招聘を実施した。], en: [Hosted the visit.]}
    next:
      ja: [現地調査報告書の提出, 政策ワークショップ]
      en: [Submit the field survey report, Policy workshop]
"""))
    out = tmp_path / "out"
    result = run_cli("monthly", project, "--month", "2026-10", "-o", out, "--pdf", "never", "--lang", "ja,en")
    assert result.returncode == 0, result.stderr
    ja = docx_text(next(out.rglob("monthly_2026-10_ja.docx"))).split("2. 翌月以降")[1]
    assert "現地調査報告書の提出" in ja and "令和8年11月　第2回現地調査" in ja
    assert ja.count("政策ワークショップ") == 1  # the line is the activity's very title: listed once
    en = docx_text(next(out.rglob("monthly_2026-10_en.docx"))).split("2. ")[1]
    assert "Submit the field survey report" in en and "Second field survey" in en and en.count("Policy workshop") == 1


# 2. Organisation overviews -------------------------------------------------------------------------------------------

def organisations_project(call: str) -> str:
    return project_text(call, """\
  profile: {established: 1994, capital_jpy: 300000000, business: {ja: 環境調査, en: Environmental surveys}}
joint_implementers:
  - name: {ja: 一般社団法人試験協会, en: Test Association}
    profile: {established: 2019, capital_jpy: 5000000}
  - name: {ja: 試験技研, en: Test Engineering}
    profile: {legal_form: company, established: 1989, capital_jpy: 10000000}
""").replace("name: {ja: 試験株式会社, en: Test Co.}", "name: {ja: 一般財団法人試験財団, en: Test Foundation}")


def build_only(tmp_path: Path, project: Path, kinds: str) -> tuple[Path, object]:
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--only", kinds, "--pdf", "never", "--lang", "ja,en")
    return out, result


@pytest.mark.parametrize("call", list(CALLS))
def test_organisation_overviews_label_capital_by_legal_form_and_date_the_founding_in_the_era(tmp_path, call):
    project = write_project(tmp_path, organisations_project(call))
    out, result = build_only(tmp_path, project, "organisation_overview")
    assert result.returncode in (0, 1), result.stderr
    files = sorted((out / "submission").glob("*団体概要_*.docx"))
    assert len(files) == 3, files
    foundation, association, company = (docx_text(f) for f in files)
    assert "基本財産\n300,000,000円" in foundation and "資本金" not in foundation
    assert "設立\n平成6年（1994年）" in foundation
    assert "資本金" not in association and "基本財産" not in association and "5,000,000" not in association
    assert "令和元年（2019年）" in association
    assert "資本金\n10,000,000円" in company and "平成元年（1989年）" in company
    validate = run_cli("validate", project, "--format", "json")
    capital = [f for f in findings(validate) if f["code"] == "capital-not-applicable"]
    assert [f["path"] for f in capital] == ["joint_implementers[0].profile.capital_jpy"]


def test_the_english_overview_keeps_western_years_and_names_the_endowment(tmp_path):
    from c3p_docs.documents.records import organisation_context
    from c3p_docs.project import load_project
    from c3p_docs.strings import strings

    loaded = load_project(write_project(tmp_path, organisations_project("fy2026-1")))
    foundation = organisation_context(loaded.project, 0, "en", strings("en"))
    assert (foundation["established"], foundation["capital_label"]) == ("1994", "Basic endowment")
    association = organisation_context(loaded.project, 1, "en", strings("en"))
    assert association["capital"] is None


# 4. JICA and the embassy ---------------------------------------------------------------------------------------------

def consultation_project(call: str, officer: str) -> str:
    year = CALLS[call]
    return project_text(call, f"""\
activities:
  - {{kind: jica_consultation, month: {year}-09, title: {{ja: 関係機関との協議, en: Talks with support organisations}}}}
  - {{kind: report_session, month: {year}-10}}
""").replace("  country: Vietnam\n", f"  country: Vietnam\n{officer}")


@pytest.mark.parametrize("call", list(CALLS))
def test_the_embassy_is_named_only_where_it_has_an_officer_for_environmental_business(tmp_path, call):
    year = CALLS[call]
    for officer, ja_label, en_name in (("", "JICA協議", "the JICA field office ("),
                                       ("  embassy_officer: true\n", "JICA・大使館協議",
                                        "the JICA field office and the Japanese embassy (")):
        folder = tmp_path / ("with" if officer else "without")
        folder.mkdir()
        project = write_project(folder, consultation_project(call, officer))
        out, result = build_only(folder, project, "application_form")
        form = docx_text(next((out).glob("*応募様式.docx")))
        assert ja_label in form and ("大使館" in form) == bool(officer)
        session = run_cli("session", project, "interim", "-o", out, "--lang", "ja,en", "--pdf", "never")
        slides = "\n".join(slides_text(out / f"session_interim_fy{year}_ja.pptx"))
        assert ("現地日本大使館" in slides) == bool(officer) and "JICA現地事務所" in slides
        english = "\n".join(slides_text(out / f"session_interim_fy{year}_en.pptx"))
        assert ("embassy" in english) == bool(officer), session.stderr
        bare = write_project(folder, consultation_project(call, officer).replace("kind: jica_consultation", "kind: other"),
                             "bare.yaml")
        validate = findings(run_cli("validate", bare, "--format", "json"))
        short = next(f["message"] for f in validate if f["code"] == "activities-short" and "JICA" in f["message"])
        assert en_name in short
        assert any(f["code"] == "consultation-partner" for f in validate) != bool(officer)
        built = run_cli("build", project, "-o", out, "--only", "checklist", "--pdf", "never", "--lang", "ja,en")
        checklist = docx_text(out / "checklist_ja.docx")
        partners = "JICA現地事務所・現地日本大使館との協議" if officer else "JICA現地事務所との協議"
        assert partners in checklist and ("大使館" in checklist) == bool(officer), built.stderr


# 6. Placeholders mean "missing", never "none" -------------------------------------------------------------------------

def shape_texts(path: Path) -> list[str]:
    """The text of every shape of every slide."""
    from pptx import Presentation

    return [shape.text_frame.text for slide in Presentation(str(path)).slides for shape in slide.shapes
            if shape.has_text_frame]


@pytest.mark.parametrize("call", list(CALLS))
def test_what_a_project_does_not_have_reads_none_and_what_it_lacks_reads_missing(tmp_path, call):
    policy = "policy_cooperation" if call == "fy2026-1" else "foundation"
    project = write_project(tmp_path, project_text(call, f"""\
  certifications: {{environmental: [], work_life_balance: []}}
narrative:
  {policy}:
    ja: "制度設計を支援する。\\n詳細は別紙。"
    en: "Supports the scheme's design.\\nDetails attached."
"""))
    out, result = build_only(tmp_path, project, "overview,summary")
    assert result.returncode in (0, 1), result.stderr
    overview = shape_texts(next((out / "submission").glob("*調査事業概要_ja.pptx")))
    companies = next(text for text in overview if text.startswith("共同実施者・企業"))
    assert companies == "共同実施者・企業\nなし"
    activities = next(text for text in overview if text.startswith("政策協力・制度構築支援"))
    assert "制度設計を支援する。" in activities and "詳細は別紙" not in activities and "（未記入）" not in activities.split("\n")[1]
    english = shape_texts(next((out / "submission").glob("*調査事業概要_en.pptx")))
    assert next(text for text in english if text.startswith("Joint implementers")) == "Joint implementers\nNone"
    summary = docx_text(next((out / "submission").glob("*応募事業概要書_ja.docx")))
    assert "環境マネジメントシステム認証：なし" in summary and "ワーク・ライフ・バランス等の推進に関する認定：なし" in summary
    summary_en = docx_text(next((out / "submission").glob("*応募事業概要書_en.docx")))
    assert "Environmental management certification: None" in summary_en


def test_a_missing_policy_narrative_is_a_placeholder_on_the_overview(tmp_path):
    project = write_project(tmp_path, project_text("fy2026-1", ""))
    out, result = build_only(tmp_path, project, "overview")
    overview = shape_texts(next((out / "submission").glob("*調査事業概要_ja.pptx")))
    activities = next(text for text in overview if text.startswith("政策協力・制度構築支援"))
    assert activities.split("\n")[1] == "・（未記入）"


def contact_cell(out: Path) -> str:
    from docx import Document

    cover = Document(str(next((out / "submission").glob("*表紙.docx"))))
    return next(row.cells[1].text for table in cover.tables for row in table.rows
                if row.cells[0].text == "連絡先")


def test_the_draft_cover_shows_one_placeholder_for_a_missing_contact(tmp_path):
    project = write_project(tmp_path, project_text("fy2026-1", ""))
    out, result = build_only(tmp_path, project, "cover")
    assert contact_cell(out) == "（未記入）"
    partial = tmp_path / "partial"
    partial.mkdir()
    project = write_project(partial, project_text("fy2026-1", "contact: {name: 山田 花子, email: h.yamada@example.jp}\n"))
    out, result = build_only(partial, project, "cover")
    assert contact_cell(out) == "山田 花子\nh.yamada@example.jp"


@pytest.mark.parametrize("call", list(CALLS))
def test_a_kickoff_with_nothing_done_yet_says_so_and_a_last_year_has_no_next_year(tmp_path, call):
    year = CALLS[call]
    text = project_text(call, "").replace(f"end: {year + 2}-03-31", f"end: {year + 1}-03-31")
    project = write_project(tmp_path, text)
    out = tmp_path / "out"
    result = run_cli("session", project, "kickoff", "-o", out, "--lang", "ja", "--pdf", "never")
    assert result.returncode == 0, result.stderr
    done = next(s for s in slides_text(out / f"session_kickoff_fy{year}_ja.pptx") if s.startswith("本年度の実施状況"))
    assert "本年度これまでに実施した活動・進捗の記録はありません。" in done and "（未記入）" not in done
    built = run_cli("build", project, "-o", out, "--only", "final_summary", "--lang", "ja,en", "--pdf", "never")
    assert built.returncode in (0, 1), built.stderr
    slides = slides_text(out / "final_summary_ja.pptx")
    assert "本年度で事業期間を終了する。" in slides[2]
    assert "The project period ends this fiscal year." in slides_text(out / "final_summary_en.pptx")[2]


# 7. English a reviewer does not stumble on ----------------------------------------------------------------------------

def wording_project(call: str) -> str:
    year = CALLS[call]
    return project_text(call, f"""\
  employees: 50
  certifications: {{environmental: [エコアクション21], work_life_balance: [action_plan]}}
agreement: {{kind: intended}}
history:
  - fiscal_year: {year - 1}
    programme: C3P
    title: {{ja: 令和{year - 2019}年度都市間連携事業, en: FY{year - 1} city-to-city collaboration}}
    results: {{ja: [調査を完了した。], en: [Completed the survey.]}}
  - fiscal_year: {year - 2}
    programme: JICA
    title: {{ja: JICA草の根技術協力, en: JICA Partnership Program on waste}}
    results: {{ja: [研修を実施した。], en: [Held training.]}}
activities:
  - {{kind: jica_consultation, month: {year}-07, title: {{ja: JICA事務所との協議, en: Consultation with the JICA office}}, place: Hanoi}}
  - {{kind: field_survey, month: {year}-08, title: {{ja: 第1回現地調査, en: First field survey}}, place: {{ja: 相手市, en: Partner City}}}}
  - kind: workshop
    month: {year}-09
    title: {{ja: 相手市でのワークショップ, en: Workshop in Partner City}}
    place: {{ja: 相手市, en: Partner City}}
""", header="  status: ongoing\n  phase: 1\n  year: 2\n")


@pytest.mark.parametrize("call", list(CALLS))
def test_the_english_documents_say_each_thing_once_and_by_its_real_name(tmp_path, call):
    project = write_project(tmp_path, wording_project(call))
    out, result = build_only(tmp_path, project, "summary,overview,final_summary")
    assert result.returncode in (0, 1), result.stderr
    summary = docx_text(next((out / "submission").glob("*応募事業概要書_en.docx")))
    overview = "\n".join(shape_texts(next((out / "submission").glob("*調査事業概要_en.pptx"))))
    english = summary + "\n" + overview + "\n" + "\n".join(slides_text(out / "final_summary_en.pptx"))
    assert "The call's criterion: " in summary and "What reviewers look for" not in english
    year = CALLS[call]
    for stumble in (f"FY{year - 1}: FY{year - 1}", "JICA: JICA", "consultation: Consultation", "survey: First field survey",
                    "Workshop: Workshop", "(Partner City) (Partner City)", "To be concluded)", "Action plan",
                    "エコアクション21"):
        assert stumble not in english, stumble
    assert f"FY{year - 1} city-to-city collaboration" in summary and "JICA Partnership Program on waste" in summary
    assert "Consultation with the JICA office (Hanoi)" in summary and "Workshop in Partner City" in summary
    assert "General employer action plan (Women's Active Engagement Act)" in summary
    assert "Eco-Action 21" in summary and "Agreement to be concluded" in overview
    japanese = docx_text(next((out / "submission").glob("*応募事業概要書_ja.docx")))
    assert "公募要領の評価観点：" in japanese and "一般事業主行動計画（女性活躍推進法）" in japanese


def test_one_spelling_each_across_templates_strings_and_profiles():
    from conftest import ROOT

    words = "\n".join(path.read_text(encoding="utf-8") for folder in ("templates", "c3p_docs/calls")
                      for path in sorted((ROOT / folder).rglob("*")) if path.suffix in (".yaml", ".j2"))
    for variant in ("Deco-Katsu", "Deco-katsu", "DecoKatsu", "Organizational", "organizational", "MOE ", "(MOE)"):
        assert variant not in words, variant
    assert "Decokatsu" in words and "MOEJ" in words and "Organisational" in words


# 8. Official forms ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, named", [("fy2026-1", ["(1)", "(2)", "(3)", "(4)"]), ("fy2024-2", ["①", "②", "⑤"])])
def test_build_says_which_attachments_stand_in_for_the_ministrys_forms_and_how_to_use_them(tmp_path, call, named):
    from docx import Document

    project = write_project(tmp_path, project_text(call, ""))
    result = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--format", "json")
    notes = [f for f in findings(result) if f["code"] == "own-layout"]
    assert len(notes) == 1 and "--form KIND=FILE" in notes[0]["message"] and "The ministry's own forms" in notes[0]["message"]
    assert [label for label in named if f"{label} " in notes[0]["message"]] == named
    checklist = docx_text(tmp_path / "out" / "checklist_ja.docx")
    assert "所定様式：c3p-docsのレイアウトによる代替版" in checklist and "次のオプションを付けて作成する。" in checklist
    assert "\n--form application_form=FILE\n" in checklist  # each option on a line of its own, copied whole
    assert "\n--form overview_ja=FILE\n--form overview_en=FILE\n" in checklist
    english = docx_text(tmp_path / "out" / "checklist_en.docx")
    assert "Specified format: made in c3p-docs's own layout" in english and "--form summary_ja=FILE" in english
    form = tmp_path / "form.docx"
    document = Document()
    document.add_paragraph("事業名：{{ project.title.ja }}")
    document.save(str(form))
    filled = run_cli("build", project, "-o", tmp_path / "filled", "--pdf", "never", "--format", "json",
                     "--form", f"application_form={form}")
    note = next(f["message"] for f in findings(filled) if f["code"] == "own-layout")
    assert f"{named[0]} " not in note and f"{named[1]} " in note


# 9. Wage pledge ------------------------------------------------------------------------------------------------------

def pledging(call: str, large: str) -> str:
    return project_text(call, f"  wage_increase_pledge: true\n{large}")


def test_an_sme_pledging_a_wage_increase_is_told_to_attach_its_tax_return_beside_the_pledge(tmp_path):
    project = write_project(tmp_path, pledging("fy2024-2", "  large_company: false\n"))
    result = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--only", "checklist,summary")
    assert result.returncode in (0, 1), result.stderr
    checklist = docx_words(tmp_path / "out" / "checklist_ja.docx")
    assert "企業等の賃上げの実施に関する表明書（コピー可）" in checklist and "⑩_賃上げ表明書.pdf" in checklist
    assert "前年度の法人税申告書別表1の写し（中小企業等）" in checklist and "⑩_法人税申告書別表1.pdf" in checklist
    assert "Schedule 1" in docx_text(tmp_path / "out" / "checklist_en.docx")
    summary = docx_text(next((tmp_path / "out" / "submission").glob("*応募事業概要書_ja.docx")))
    assert "給与総額を対前年度比1.5%以上増加させる賃上げの実施を表明する" in summary
    score = run_cli("score", project)
    assert "+1.5% of total payroll" in score.stdout + score.stderr
    validate = findings(run_cli("validate", project, "--format", "json"))
    pledge = next(f for f in validate if f["code"] == "attachment-required" and f.get("attachment") == "⑩")
    assert "⑩_法人税申告書別表1.pdf" in pledge["message"]


def test_a_large_company_pledges_without_the_tax_return_and_fy2026_does_not_use_the_pledge(tmp_path):
    project = write_project(tmp_path, pledging("fy2024-2", "  large_company: true\n"))
    result = run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--only", "checklist")
    checklist = docx_text(tmp_path / "out" / "checklist_ja.docx")
    assert "⑩_賃上げ表明書.pdf" in checklist and "法人税申告書別表1" not in checklist, result.stderr
    fy2026 = tmp_path / "fy2026"
    fy2026.mkdir()
    project = write_project(fy2026, pledging("fy2026-1", "  large_company: false\n"))
    unused = [f for f in findings(run_cli("validate", project, "--format", "json")) if f["code"] == "wage-pledge-unused"]
    assert len(unused) == 1 and unused[0]["path"] == "applicant.wage_increase_pledge"
    run_cli("build", project, "-o", fy2026 / "out", "--pdf", "never", "--only", "checklist")
    assert "賃上げ" not in docx_text(fy2026 / "out" / "checklist_ja.docx")
