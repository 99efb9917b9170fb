"""What the documents say: a narrative per criterion, last year's results, the call's pledge and office."""

from __future__ import annotations

import email
import json
from pathlib import Path

import pytest
import yaml
from conftest import FY2024, FY2026, MINIMAL, SAMPLES, assert_built_as_draft, assert_no_traceback, docx_text, run_cli, write_project
from docx import Document
from pydantic import ValidationError

from c3p_docs.calls import CallRules, load_call
from c3p_docs.documents.context import build_context
from c3p_docs.project import load_project
from c3p_docs.scoring import score_project
from c3p_docs.strings import strings

OFFICE_JA = "環境省地球環境局国際脱炭素移行推進・環境インフラ担当参事官室"
BARE = SAMPLES / "draft-bare.yaml"


@pytest.fixture(scope="module")
def fy2026_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fy2026")
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def fy2024_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("fy2024")
    result = run_cli("build", FY2024, "-o", out, "--pdf", "never", "--only", "summary,application_form")
    assert result.returncode == 0, result.stderr
    return out


def summary_file(out: Path, lang: str) -> Path:
    return next((out / "submission").glob(f"*応募事業概要書_{lang}.docx"))


def sections(path: Path) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(heading, paragraphs under it) for every heading, and the styles of the headings."""
    document = Document(str(path))
    found: list[tuple[str, list[str]]] = []
    styles = []
    for paragraph in document.paragraphs:
        text = paragraph.text
        if paragraph.style.name.startswith("Heading"):
            found.append((text, []))
            styles.append(paragraph.style.name)
        elif found and text.strip():
            found[-1][1].append(text)
    return found, styles


def section_of(found, name: str) -> list[str]:
    matches = [body for heading, body in found if heading.startswith(name)]
    assert len(matches) == 1, (name, [heading for heading, _ in found])
    return matches[0]


@pytest.mark.parametrize("sample", [FY2026, FY2024], ids=["fy2026", "fy2024"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_narrative_appears_once_under_its_own_heading(sample, lang, fy2026_out, fy2024_out):
    loaded = load_project(sample)
    out = fy2026_out if sample == FY2026 else fy2024_out
    found, styles = sections(summary_file(out, lang))
    everything = [line for _, body in found for line in body]
    assert loaded.project.narrative
    for criterion_id, text in loaded.project.narrative.items():
        item = loaded.rules.criterion(criterion_id)
        body = section_of(found, item.name.get(lang))
        for paragraph in text.get(lang).splitlines():
            assert everything.count(paragraph) == 1, paragraph
            assert paragraph in body, (criterion_id, paragraph)
    # One real heading per criterion scored for this project, in a Heading style Word's navigation pane shows.
    status = loaded.project.project.status
    scored = [i for i in loaded.rules.scoring if i.scored_for(status)]
    assert len(found) == len(scored) and all(style.startswith("Heading") for style in styles)
    # No paragraph under two criteria.
    repeated = {line for line in everything if everything.count(line) > 1 and len(line) > 30}
    assert not repeated


def test_past_achievements_show_last_years_results_not_this_years_activities(fy2026_out):
    loaded = load_project(FY2026)
    last_year = next(h for h in loaded.project.history if h.fiscal_year == 2025)
    for lang in ("ja", "en"):
        found, _ = sections(summary_file(fy2026_out, lang))
        body = section_of(found, loaded.rules.criterion("past_achievements").name.get(lang))
        for result in last_year.results.get(lang):
            assert any(line.endswith(result) for line in body), result
        text = "\n".join(body)
        for activity in loaded.project.activities:  # all of them are in FY2026, the call's year
            assert activity.title.get(lang) not in text
        assert not any(planned in text for planned in last_year.planned.get(lang))
        # The JICA entry of FY2023 is other cooperation, not this project's past results.
        jica = next(h for h in loaded.project.history if h.programme == "JICA")
        assert jica.results.get(lang)[0] not in text


def test_no_self_assessed_score_in_submitted_documents(fy2026_out, fy2024_out):
    for out, sample in ((fy2026_out, FY2026), (fy2024_out, FY2024)):
        loaded = load_project(sample)
        bases = [s.basis for s in score_project(loaded.project, loaded.rules) if s.points is not None]
        for path in (out / "submission").glob("*.docx"):
            text = docx_text(path)
            assert "自己評価" not in text and "Self-assessment" not in text and "self-assess" not in text.lower()
            assert not any(basis in text for basis in bases), path


def test_the_bare_draft_validates_with_warnings_builds_and_says_what_is_missing_once(tmp_path):
    result = run_cli("validate", BARE)
    assert result.returncode == 0 and "0 error(s)" in result.stderr
    assert "warning[missing-narrative] narrative.originality" in result.stderr
    assert "warning[missing-narrative] narrative.local_government_scale" not in result.stderr  # decided by data
    out = tmp_path / "out"
    built = run_cli("build", BARE, "-o", out, "--pdf", "never")
    assert_built_as_draft(built)
    found, _ = sections(summary_file(out, "ja"))
    synergy = section_of(found, "シナジー効果")
    assert synergy == ["公募要領の評価観点：強靱化、循環経済、ネイチャーポジティブ、大気汚染対策等への相乗効果", "（未記入）"]
    found_en, _ = sections(summary_file(out, "en"))
    assert section_of(found_en, "Synergy effects")[-1] == "(to be completed)"
    assert "（未記入）" not in docx_text(summary_file(out, "en"))
    # New projects: past achievements are not on the sheet, so not in the document.
    assert not any(heading.startswith("過年度の実績") for heading, _ in found)


def test_the_pledge_is_the_calls_text_in_full_with_the_box_ticked(fy2026_out, tmp_path):
    text = docx_text(fy2026_out / "submission" / "(4)_誓約書.docx")
    for phrase in (
        "企画書等の提出をもって誓約いたします",
        "役員名簿（有価証券報告書に記載のもの（生年月日を含む。）",
        "及び登記簿謄本の写しを提出すること",
        "次のいずれにも該当しません。また、将来においても該当することはありません。",
        "平成3年法律第77号", "社会的に非難されるべき関係を有しているとき",
        "法的な責任を超えた不当な要求行為を行う者", "偽計又は威力を用いて会計課長等の業務を妨害する行為を行う者",
        "その他前各号に準ずる行為を行う者",
        "暴力団関係業者を再委託又は当該業務に関して締結する全ての契約の相手方としません。",
        "当該契約を解除するため必要な措置を講じます。",
        "警察への通報及び捜査上必要な協力を行うとともに、発注元の契約担当官等へ報告を行います。",
    ):
        assert phrase in text, phrase
    assert "■当社" in text and "□当団体" in text and "□私" in text
    project = tmp_path / "individual.yaml"
    project.write_text(MINIMAL.replace("applicant:\n", "applicant:\n  kind: individual\n"), encoding="utf-8")
    run_cli("build", project, "-o", tmp_path / "out", "--pdf", "never", "--only", "pledge")
    individual = docx_text(tmp_path / "out" / "submission" / "(4)_誓約書.docx")
    assert "□当社" in individual and "■私" in individual


def test_the_calls_office_is_named_wherever_an_office_is(fy2026_out, fy2024_out):
    assert OFFICE_JA in docx_text(fy2026_out / "(1)_応募様式.docx")
    assert OFFICE_JA in docx_text(fy2024_out / "①_応募様式.docx")
    [mail] = (fy2026_out / "mail").glob("*.eml")
    body = next(part for part in email.message_from_bytes(mail.read_bytes()).walk()
                if part.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert body.startswith(OFFICE_JA)
    for path in [*fy2026_out.rglob("*.docx"), *fy2024_out.rglob("*.docx")]:
        assert "国際連携課" not in docx_text(path) and "International Cooperation Office" not in docx_text(path)
    assert "国際連携課" not in body


def test_an_unknown_criterion_is_an_error_naming_the_closest_id(tmp_path):
    text = MINIMAL + "narrative:\n  orignality: {ja: 独自性, en: Originality}\n"
    result = run_cli("validate", write_project(tmp_path, text), "--format", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    [finding] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "unknown-criterion"]
    assert finding["line"] == text.splitlines().index("  orignality: {ja: 独自性, en: Originality}") + 1
    assert finding["path"] == "narrative.orignality"
    assert "'originality'" in finding["message"] and "calls fy2026-1 --criteria" in finding["message"]


def findings_of(tmp_path, text: str) -> list:
    from c3p_docs.checks import validate_project

    return validate_project(load_project(write_project(tmp_path, text)))


def test_validate_warns_about_missing_narratives_and_disagreeing_adoptions(tmp_path):
    text = MINIMAL.replace("  title: {ja: 試験事業, en: Test project}\n",
                           "  title: {ja: 試験事業, en: Test project}\n  status: new\n") + (
        "narrative:\n  past_achievements: {ja: 実績, en: Results}\n  synergy: {ja: 相乗効果}\n"
        "jcm:\n  adoptions_last_3_years: 2\n  adoptions:\n    - {fiscal_year: 2024, title: {ja: 案件, en: Project}}\n")
    findings = {(f.code, f.path) for f in findings_of(tmp_path, text)}
    assert ("missing-narrative", "narrative.originality") in findings
    assert ("missing-narrative", "narrative.synergy") not in findings
    assert ("narrative-not-scored", "narrative.past_achievements") in findings
    assert ("missing-translation", "narrative.synergy") in findings
    assert ("adoptions-disagree", "jcm.adoptions_last_3_years") in findings
    assert not any(code == "missing-narrative" and path == "narrative.work_life_balance" for code, path in findings)


def test_a_rule_assumed_from_r6_2_says_so(tmp_path):
    from c3p_docs.subject import check_subject

    findings = findings_of(tmp_path, MINIMAL + "budget:\n  general_admin_rate: 0.2\n")
    [over] = [f for f in findings if f.code == "admin-rate-over-cap"]
    assert over.severity == "error" and "assumed from R6-2 §11(2)②" in over.message
    subject = check_subject("（北九州市-ダバオ市）令和8年度脱炭素社会実現のための都市間連携事業", load_call("fy2026-1"))
    assert subject and all("assumed from R6-2" in f.message for f in subject)


def test_calls_criteria_lists_the_ids_points_and_what_reviewers_look_for():
    from c3p_docs.criteria import criteria_rows, format_criteria

    result = run_cli("calls", "fy2026-1", "--criteria")
    assert result.returncode == 0, result.stderr
    for criterion in load_call("fy2026-1").scoring:
        assert any(line.startswith(criterion.id + " ") for line in result.stdout.splitlines()), criterion.id
    assert "looks for:" in result.stdout
    rows = {row["id"]: row for row in criteria_rows(load_call("fy2024-2"))}
    assert rows["feasibility"]["decided_by"] == "reviewers" and rows["cost_effectiveness"]["decided_by"] == "data"
    assert rows["cost_effectiveness"]["max"] == {"new": 5, "ongoing": 5}
    assert "事業全体の独自性・優位性" in format_criteria(load_call("fy2026-1"), "ja")
    assert run_cli("calls", "--criteria").returncode == 2


def test_a_fact_block_under_two_criteria_is_refused_in_a_profile():
    data = yaml.safe_load((Path(__file__).parent.parent / "c3p_docs" / "calls" / "fy2026-1.yaml").read_text("utf-8"))
    data["scoring"][0]["facts"].append("manager")
    with pytest.raises(ValidationError, match="'manager' is listed under both"):
        CallRules.model_validate(data)
    data["scoring"][0]["facts"] = ["summary", "no_such_block"]
    with pytest.raises(ValidationError):
        CallRules.model_validate(data)


def test_templates_and_forms_share_one_namespace():
    from c3p_docs.documents.context import placeholder_filter
    from c3p_docs.jinja_env import environment

    loaded = load_project(FY2026)
    for lang in ("ja", "en"):
        context = build_context(loaded.project, loaded.rules, lang)
        env = environment(lang)
        env.filters["ph"] = placeholder_filter(lang)
        template = env.from_string("{{ applicant.name }}|{{ applicant.name.ja }}|{{ narrative.originality.en[:15] }}|"
                                   "{{ budget.total }}|{{ project.status.id }}")
        name = loaded.project.applicant.name
        expected_name = name.ja if lang == "ja" else name.en
        assert template.render(**context).split("|")[:2] == [expected_name, name.ja]
        assert template.render(**context).split("|")[2] == "The project tra"
        assert template.render(**context).endswith("|ongoing")
    # Autoescape still escapes text that carries both languages.
    context = build_context(loaded.project, loaded.rules, "en")
    context["applicant"]["name"] = type(context["applicant"]["name"])("A&B <x>", "甲&乙", "A&B <x>")
    rendered = environment("en").get_template("summary.xml.j2").render(**context)
    assert "A&amp;B &lt;x&gt;" in rendered and "<x>" not in rendered


def test_fields_document_the_new_fields_and_check_form_knows_them(tmp_path):
    payload = json.loads(run_cli("fields", "--format", "json").stdout)
    paths = {f["path"] for f in payload["fields"]}
    for path in ("narrative.originality.ja", "history[].results.en", "plan[].goals.ja", "applicant.profile.business.ja",
                 "jcm.adoptions[].title.ja", "applicant.name.ja", "applicant.name", "budget.total.value"):
        assert path in paths, path
    form = tmp_path / "form.docx"
    document = Document()
    document.add_paragraph("{{ applicant.name }} / {{ narrative.originality.ja }} / {{ narrative.feasibility.en }}")
    document.add_paragraph("{{ narrative.orginality.ja }}")
    document.save(str(form))
    findings = json.loads(run_cli("check-form", form, "--format", "json").stdout)["findings"]
    unknown = [f for f in findings if f["severity"] == "error"]
    assert len(unknown) == 1 and "orginality" in unknown[0]["message"]


def test_a_tagged_form_prints_the_forms_language_and_both_on_request(tmp_path):
    form = tmp_path / "summary_en.docx"
    document = Document()
    document.add_paragraph("{{ applicant.name }}|{{ applicant.name.ja }}|{{ narrative.synergy }}|{{ budget.total }}")
    document.save(str(form))
    out = tmp_path / "out"
    result = run_cli("build", FY2026, "-o", out, "--pdf", "never", "--only", "summary", "--form", f"summary_en={form}")
    assert result.returncode == 0, result.stderr
    text = docx_text(summary_file(out, "en"))
    loaded = load_project(FY2026)
    assert text.startswith("Eco-City Research Institute Co., Ltd.|株式会社環境都市総研|Switching boiler fuel")
    assert text.rstrip().endswith("|JPY " + f"{build_context(loaded.project, loaded.rules, 'en')['budget']['total'].value:,}")



def line_starting(text: str, template: str) -> str:
    """The line of `text` that a strings.yaml line `template` ("Label: {n} {unit}") wrote."""
    prefix = template.split("{n}")[0]
    return next(line for line in text.splitlines() if line.startswith(prefix))


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_the_summary_states_cost_effectiveness_and_reduction_in_the_units_used_everywhere(fy2026_out, lang):
    words = strings(lang)
    text = docx_text(summary_file(fy2026_out, lang))
    cost = line_starting(text, words["summary"]["cost_effectiveness"])
    # A number is bound to a Latin unit by a no-break space (t-CO2eq/年, JPY/t-CO2eq·yr), never to a Japanese one.
    space = " " if lang == "ja" else "\u00a0"
    assert f"{space}{words['unit']['cost_effectiveness']}" in cost, cost
    assert line_starting(text, words["summary"]["reduction_total"]).endswith(f"\u00a0{words['unit']['reduction']}")


def test_the_japanese_city_is_named_once_and_its_kind_is_a_labelled_field_of_the_form(fy2026_out):
    from c3p_docs.documents.context import placeholder_filter
    from c3p_docs.jinja_env import environment

    loaded = load_project(FY2026)
    form = Document(str(next(fy2026_out.glob("*応募様式.docx"))))
    row = next(r for r in form.tables[0].rows if r.cells[0].text == "本邦自治体")
    assert [c.text for c in row.cells] == ["本邦自治体", "北九州市", "区分：市区町村"]
    # The English form (built for a call that asks for one) in the same way.
    env = environment("en")
    env.filters["ph"] = placeholder_filter("en")
    markup = env.get_template("application_form.xml.j2").render(**build_context(loaded.project, loaded.rules, "en"))
    assert "<td>City of Kitakyushu</td><td>Type: Municipality</td>" in markup
    for lang, kind in (("ja", "市区町村"), ("en", "Municipality")):
        summary = docx_text(summary_file(fy2026_out, lang))
        assert loaded.project.japanese_city.name.get(lang) in summary and kind not in summary


def test_offices_keep_their_lines_and_fall_back_to_the_address(fy2026_out):
    loaded = load_project(FY2026)
    for lang, label in (("ja", "事業所："), ("en", "Offices: ")):
        offices = loaded.project.applicant.profile.offices.get(lang).splitlines()
        assert len(offices) > 1
        paragraphs = [p.text for p in Document(str(summary_file(fy2026_out, lang))).paragraphs]
        assert label + "\n".join(offices) in paragraphs
    submission = fy2026_out / "submission"
    rows = [{r.cells[0].text: r.cells[1] for r in Document(str(path)).tables[0].rows}
            for path in sorted(submission.glob("*団体概要_*.docx"))]
    assert [p.text for p in rows[0]["本社・事業所"].paragraphs] == loaded.project.applicant.profile.offices.ja.splitlines()
    implementer = loaded.project.joint_implementers[0]
    assert implementer.profile.offices is None
    assert rows[1]["本社・事業所"].text == rows[1]["所在地"].text == implementer.address.ja
    # No placeholder where an organisation has nothing to say (the foundation has no capital).
    assert loaded.project.joint_implementers[1].profile.capital_jpy is None and "資本金" not in rows[2]
    assert not any("未記入" in cell.text for org in rows for cell in org.values())


def test_no_markdown_in_documents(fy2026_out):
    for path in fy2026_out.rglob("*.docx"):
        assert "`" not in docx_text(path), path.name


def test_the_form_keeps_the_lines_of_summary_background_needs_and_address(tmp_path):
    from c3p_docs.documents.context import placeholder_filter
    from c3p_docs.jinja_env import environment

    data = yaml.safe_load(FY2026.read_text(encoding="utf-8"))
    data["project"]["summary"] = {"ja": "一行目\n二行目", "en": "First line\nSecond line"}
    data["applicant"]["address"] = {"ja": "〒802-0001\n北九州市小倉北区", "en": "Kitakyushu\nJapan"}
    loaded = load_project(write_project(tmp_path, yaml.safe_dump(data, allow_unicode=True)))
    for lang, summary, address in (("ja", "<p>一行目</p>\n<p>二行目</p>", "〒802-0001<br/>北九州市小倉北区"),
                                   ("en", "<p>First line</p>\n<p>Second line</p>", "Kitakyushu<br/>Japan")):
        env = environment(lang)
        env.filters["ph"] = placeholder_filter(lang)
        markup = env.get_template("application_form.xml.j2").render(**build_context(loaded.project, loaded.rules, lang))
        assert summary in markup and address in markup
