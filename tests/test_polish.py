"""Leftovers a new user meets: the starter file, certificates by language, the adoption window, one-language
calendars, and messages that say where and what to do."""

from __future__ import annotations

import re
import subprocess
import sys

import yaml
from conftest import FY2024, FY2026, MINIMAL, ROOT, SAMPLES, assert_built_as_draft, assert_no_traceback, run_cli, write_project

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff60]")


def _loaded(text: str, tmp_path, name: str = "project.yaml"):
    from c3p_docs.project import load_project

    return load_project(write_project(tmp_path, text, name))


# calendar: one language per file, every word from that language's strings.yaml

def test_calendar_speaks_one_language(tmp_path):
    from icalendar import Calendar

    from c3p_docs.calendar_ics import project_calendar

    # No report sessions or seminar planned: the calendar shows the call's windows; an untitled survey.
    loaded = _loaded(MINIMAL + "activities:\n  - {kind: field_survey, date: 2026-09-10}\n", tmp_path)
    for lang in ("ja", "en"):
        data, events = project_calendar(loaded.project, loaded.rules, lang)
        calendar = Calendar.from_ical(data)
        texts = [str(calendar["x-wr-calname"])] + [str(e[field]) for e in calendar.walk("VEVENT")
                                                   for field in ("summary", "description")]
        assert [e["summary"] for e in events] == [str(e["summary"]) for e in calendar.walk("VEVENT")]
        if lang == "en":
            assert not [t for t in texts if JAPANESE.search(t)]
            assert "Field survey" in texts and "Interim report session (expected window)" in texts
        else:
            english = [t for t in texts if re.search(r"[a-z]{3,}", t.replace("fy2026-1", ""))]
            assert not english
            assert "現地調査" in texts and "中間報告会（時期の目安）" in texts and "契約期間終了" in texts
    # The same deadlines keep their UIDs in either language (re-importing updates, never duplicates).
    assert [e["uid"] for e in project_calendar(loaded.project, loaded.rules, "ja")[1]] == \
        [e["uid"] for e in project_calendar(loaded.project, loaded.rules, "en")[1]]


def test_calendar_lang_is_a_choice(tmp_path):
    english = run_cli("calendar", FY2026, "-o", tmp_path / "en.ics", "--lang", "en")
    assert english.returncode == 0, english.stderr
    assert "SUMMARY:Contract ends" in (tmp_path / "en.ics").read_text(encoding="utf-8")
    refused = run_cli("calendar", FY2026, "-o", tmp_path / "de.ics", "--lang", "de")
    assert refused.returncode == 2 and "de is not a language" in refused.stderr and not (tmp_path / "de.ics").exists()


# validate under -W error::DeprecationWarning (pydantic deprecations our code triggers)

def test_validate_triggers_no_deprecation_warnings():
    for sample in (FY2026, SAMPLES / "draft-bare.yaml"):
        result = subprocess.run([sys.executable, "-W", "error::DeprecationWarning", "-m", "c3p_docs", "validate",
                                 str(sample)], capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert_no_traceback(result)
        assert result.returncode == 0 and "Deprecat" not in result.stderr, result.stderr


# jcm.adoptions: only the call's window of years counts (profile data: window_years)

ADOPTIONS_FY2024 = MINIMAL.replace("fy2026-1", "fy2024-2").replace("Vietnam", "Indonesia") + """\
jcm:
  adoptions:
    - {fiscal_year: 2019, title: {ja: 古い案件, en: An old project}}
    - {fiscal_year: 2021, title: {ja: 3年前の案件, en: A project three years back}}
    - {fiscal_year: 2025, title: {ja: 未来の案件, en: A future project}}
"""


def test_adoptions_outside_the_window_are_flagged_and_not_counted(tmp_path):
    from c3p_docs.checks import validate_project
    from c3p_docs.scoring import score_project

    loaded = _loaded(ADOPTIONS_FY2024, tmp_path)
    outside = [f for f in validate_project(loaded) if f.code == "adoption-outside-window"]
    assert [(f.path, f.line) for f in outside] == [("jcm.adoptions[0].fiscal_year", 13),
                                                   ("jcm.adoptions[2].fiscal_year", 15)]
    assert all("FY2021–FY2024" in f.message and "Remove it, or correct the year" in f.message for f in outside)
    item = next(s for s in score_project(loaded.project, loaded.rules) if s.id == "jcm_adoptions")
    assert item.points == 5 and "2 outside FY2021–FY2024 not counted" in item.basis  # 1 counts, not 3 (10 points)
    japanese = next(s for s in score_project(loaded.project, loaded.rules, "ja") if s.id == "jcm_adoptions")
    assert "令和3年度～令和6年度" in japanese.basis and "FY" not in japanese.basis


def test_the_window_is_the_profiles_data(tmp_path):
    from c3p_docs.scoring import score_project

    loaded = _loaded(ADOPTIONS_FY2024, tmp_path)
    item = next(i for i in loaded.rules.scoring if i.metric == "jcm_adoptions")
    assert item.window_years is not None and item.window_years.value == 3 and item.window_years.source == "§6 3"
    wider = item.model_copy(update={"window_years": item.window_years.model_copy(update={"value": 5})})
    rules = loaded.rules.model_copy(update={"scoring": [wider if i is item else i for i in loaded.rules.scoring]})
    assert next(s for s in score_project(loaded.project, rules) if s.id == "jcm_adoptions").points == 10


def test_an_empty_adoptions_list_means_none(tmp_path):
    from c3p_docs.scoring import score_project

    loaded = _loaded(ADOPTIONS_FY2024.split("jcm:")[0] + "jcm:\n  adoptions: []\n", tmp_path)
    item = next(s for s in score_project(loaded.project, loaded.rules) if s.id == "jcm_adoptions")
    assert item.points == 0 and item.basis.startswith("0 JCM adoption")


# applicant.certifications.environmental: a name per language, like every other name

CERTIFIED = MINIMAL + """\
  certifications:
    environmental: [ISO14001, {ja: エコアクション21, en: Eco-Action 21}, {ja: KES環境マネジメント}, エコステージ]
"""


def test_certificate_names_print_in_the_documents_language(tmp_path):
    from c3p_docs.checks import validate_project
    from c3p_docs.documents.context import build_context, placeholder_filter
    from c3p_docs.jinja_env import environment
    from c3p_docs.scoring import score_project

    loaded = _loaded(CERTIFIED, tmp_path)
    warned = {f.path: f for f in validate_project(loaded) if f.code == "missing-translation"}
    # エコステージ is a name the guidebook gives in English (Eco-Stage): the documents translate it, no warning.
    assert set(warned) == {"applicant.certifications.environmental[2]"}
    assert warned["applicant.certifications.environmental[2]"].line == 12 and "has Japanese but no English" in \
        warned["applicant.certifications.environmental[2]"].message
    for lang, shown, hidden in (("en", "Eco-Action 21", "エコアクション21"), ("ja", "エコアクション21", "Eco-Action")):
        context = build_context(loaded.project, loaded.rules, lang)
        env = environment(lang)
        env.filters["ph"] = placeholder_filter(lang)
        summary = env.get_template("summary.xml.j2").render(**context)
        assert shown in summary and hidden not in summary
        assert ("Eco-Stage" if lang == "en" else "エコステージ") in summary
        # Tagged forms see the same names, and both languages on request.
        form = env.from_string("{{ applicant.certifications.environmental | join('/') }}|"
                               "{{ applicant.certifications.environmental[1].ja }}").render(**context)
        assert form.split("|")[0].split("/")[1] == shown and form.endswith("|エコアクション21")
        score = next(s for s in score_project(loaded.project, loaded.rules, lang) if s.id == "environmental_certification")
        assert score.points == 5 and shown in score.basis and hidden not in score.basis


# init: the starter shows every field a complete application needs, commented, valid, and buildable

def _uncommented(text: str) -> str:
    """The starter with its example entries taken in: `key: []` + `#  - {…}` lines → `key:` + `  - {…}`."""
    lines = text.splitlines()
    out = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if re.match(r"\s*#  - \{", following) and re.match(r"\s*[a-z_]+: \[\]", line):
            line = line.replace(": []", ":", 1)
        out.append(re.sub(r"^(\s*)#  - ", r"\1  - ", line))
    return "\n".join(out) + "\n"


def test_init_shows_the_fields_a_complete_application_needs(tmp_path):
    from c3p_docs.calls import load_call
    from c3p_docs.checks import validate_project
    from c3p_docs.init_file import starter_yaml

    for call in ("fy2024-2", "fy2026-1"):
        rules = load_call(call)
        judged = [item for item in rules.scoring if item.judged]
        pin = rules.attachment_for_kind("project_idea_note") is not None
        for lang in ("ja", "en"):
            text = starter_yaml(rules, call, lang)
            data = yaml.safe_load(text)
            scored = [item.id for item in judged if item.scored_for("new")]
            assert list(data["narrative"]) == scored and all(v == {"ja": "", "en": ""} for v in data["narrative"].values())
            for item in judged:  # each criterion, with what reviewers look for in the comment language
                line = next(x for x in text.splitlines() if re.match(rf"\s*(# )?{item.id}: ", x))
                assert line.lstrip().startswith("#") != item.scored_for("new")
                looks_for = (item.criterion.get(lang) if item.criterion else None) or item.name.get(lang)
                assert looks_for in line
            assert {"history", "plan"} <= set(data) and data["jcm"]["adoptions"] == []
            assert set(data["applicant"]["profile"]) >= {"established", "capital_jpy", "business", "track_record"}
            assert ("pin" in data) == pin
            header = " ".join(text.splitlines()[:3])  # title, what is required, how to use the examples
            assert bool(JAPANESE.search(header.replace(rules.name.ja or "", ""))) == (lang == "ja")
            for variant, name in ((text, "starter"), (_uncommented(text), "examples")):
                loaded = _loaded(variant, tmp_path, f"{call}-{lang}-{name}.yaml")
                findings = validate_project(loaded)
                assert not [f for f in findings if f.severity == "error"], (call, lang, name)
            taken = yaml.safe_load(_uncommented(text))
            assert taken["history"][0]["fiscal_year"] == rules.fiscal_year - 1
            assert taken["plan"][0]["fiscal_year"] == rules.fiscal_year
            assert taken["jcm"]["adoptions"] and taken["joint_implementers"]
            assert not pin or taken["pin"]["contacts"]


def test_init_writes_a_starter_that_builds(tmp_path):
    result = run_cli("init", tmp_path, "--call", "fy2024-2", "--lang", "en")
    assert result.returncode == 0, result.stderr
    built = run_cli("build", tmp_path / "project.yaml", "-o", tmp_path / "out", "--pdf", "never")
    assert_built_as_draft(built)
    names = {p.name for p in (tmp_path / "out" / "submission").iterdir()}
    assert {"⑥_団体概要.docx", "⑫_Project_Idea_Note.docx", "④_事業計画_ja.xlsx"} <= names


# Messages a new user reads: each names file:line, the YAML path, and what to do

ACTION = re.compile(r"\b(add|write|fill|remove|delete|correct|give|lower|reduce|supply|use|set|move|fix|change|state|"
                    r"make|must be|did you mean|makes it)\b", re.IGNORECASE)

SCHEMA_SLIPS = MINIMAL.replace("  title: {ja: 試験事業, en: Test project}", """\
  title: 事業名だけ
  status: continuing
  phase: 4
  period: {start: 2026-02-03x, end: 2027-03-31}
  sectors: solar""") + """\
  employees: "1,200"
  large_company: perhaps
contact:
  email: not-an-email
  name: [a, b]
budget:
  items:
    - {category: travel, description: x, unit_cost_jpy: -5}
activities:
  - {kind: survey, month: 2026-7}
"""

RULE_SLIPS = MINIMAL.replace("  title: {ja: 試験事業, en: Test project}", """\
  title: {ja: 試験事業, en: Test project}
  status: new
  year: 2
  period: {start: 2026-04-01, end: 2030-03-31}""").replace("Vietnam", "France") + """\
agreement: {kind: intended}
budget:
  general_admin_rate: 0.2
  items:
    - {category: outsourcing, description: x, unit_cost_jpy: 15000000}
    - {category: personnel, description: p, unit_cost_jpy: 10000000}
    - {category: equipment, description: y, unit_cost_jpy: 10000}
    - {category: printing, description: w, unit_cost_jpy: 0}
activities:
  - {kind: workshop, month: 2031-01}
  - {kind: seminar, month: 2099-01, status: done}
narrative:
  originalty: {ja: あ, en: a}
  past_achievements: {ja: い, en: b}
  synergy: {ja: ''}
"""


def test_every_validate_message_says_where_and_what_to_do(tmp_path):
    from conftest import invoke

    files = [SAMPLES / "draft-bare.yaml", SAMPLES / "broken.yaml", FY2024,
             write_project(tmp_path, SCHEMA_SLIPS, "schema.yaml"), write_project(tmp_path, RULE_SLIPS, "rules.yaml")]
    seen = set()
    for path in files:
        lines = [line for line in invoke("validate", path).stderr.splitlines() if not line.startswith(f"{path}: ")]
        assert lines, path
        for line in lines:
            found = re.match(rf"{re.escape(str(path))}:\d+:\d+  (error|warning|info)\[([a-z-]+)\] [a-z_]+[\w.\[\]]*: (.+)$",
                             line)
            assert found, line
            seen.add(found.group(2))
            message = found.group(3)
            assert ACTION.search(message), line
            assert "Input should" not in message and "constrained-str" not in line, line
    # The messages cover the codes a new user meets first.
    assert {"schema", "unknown-key", "incomplete", "missing-narrative", "activities-short", "attachment-required",
            "budget-over-cap", "admin-rate-over-cap", "equipment-threshold", "zero-amount", "period-too-long",
            "activity-outside-period", "activity-status", "status-year", "non-priority-country", "agreement-intended",
            "unknown-criterion", "narrative-not-scored", "outsourcing-over-share"} <= seen


def test_a_missing_field_says_where_to_add_it(tmp_path):
    from c3p_docs.checks import validate_project

    loaded = _loaded(MINIMAL, tmp_path)
    by_path = {f.path: f for f in validate_project(loaded) if f.code in ("incomplete", "missing-narrative")}
    assert "add `qualification: {grade: …}` under `applicant:`" in by_path["applicant.qualification.grade"].message
    assert by_path["applicant.qualification.grade"].line == 9  # the `applicant:` line
    assert "add `status: …` under `project:`" in by_path["project.status"].message
    assert "add `contact: {email: …}` at the top level" in by_path["contact.email"].message
    assert "add `narrative: {originality: {ja: …, en: …}}` at the top level" in by_path["narrative.originality"].message
