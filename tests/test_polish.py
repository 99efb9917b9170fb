"""Leftovers a new user meets: the starter file, certificates by language, the adoption window, one-language
calendars, and messages that say where and what to do."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import FY2024, FY2026, MINIMAL, ROOT, SAMPLES, assert_no_traceback, run_cli, write_project

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
    assert refused.returncode == 2 and "'ja', 'en'" in refused.stderr and not (tmp_path / "de.ics").exists()


# validate under -W error::DeprecationWarning (pydantic deprecations our code triggers)

def test_validate_triggers_no_deprecation_warnings():
    for sample in (FY2026, FY2024, SAMPLES / "draft-bare.yaml"):
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
    assert set(warned) == {"applicant.certifications.environmental[2]", "applicant.certifications.environmental[3]"}
    assert warned["applicant.certifications.environmental[3]"].line == 12 and "{ja: …, en: …}" in \
        warned["applicant.certifications.environmental[3]"].message
    for lang, shown, hidden in (("en", "Eco-Action 21", "エコアクション21"), ("ja", "エコアクション21", "Eco-Action")):
        context = build_context(loaded.project, loaded.rules, lang)
        env = environment(lang)
        env.filters["ph"] = placeholder_filter(lang)
        summary = env.get_template("summary.xml.j2").render(**context)
        assert shown in summary and hidden not in summary
        # Tagged forms see the same names, and both languages on request.
        form = env.from_string("{{ applicant.certifications.environmental | join('/') }}|"
                               "{{ applicant.certifications.environmental[1].ja }}").render(**context)
        assert form.split("|")[0].split("/")[1] == shown and form.endswith("|エコアクション21")
        score = next(s for s in score_project(loaded.project, loaded.rules, lang) if s.id == "environmental_certification")
        assert score.points == 5 and shown in score.basis and hidden not in score.basis
