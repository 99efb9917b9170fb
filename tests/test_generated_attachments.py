"""The attachments c3p-docs makes from the data: ③ ④ (Excel), ⑥ / (5) per organisation, ⑦, ⑫ — opened and read."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil

import pytest
from conftest import MINIMAL, assert_built_as_draft, docx_text, run_cli, write_project
from docx import Document
from docx.oxml.ns import qn

openpyxl = pytest.importorskip("openpyxl")

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")

# A continuing R6-2 project in Indonesia, complete: history over three programmes (one before the Reiwa era), a
# plan, three organisations, adoptions (one without a country) and a PIN.
CONTINUING_INDONESIA = """\
call: fy2024-2
project:
  title: {ja: バンドン市上下水道の脱炭素化支援事業, en: Decarbonising water services in Bandung}
  status: ongoing
  phase: 1
  year: 2
  period: {start: 2023-06-01, end: 2026-03-31}
  sectors: [energy_efficiency, wastewater]
  summary: {ja: 浄水場の省エネと太陽光をJCM案件として形成する。, en: The study forms JCM projects for pumps and solar PV at water plants.}
  needs: {ja: 電力費と排出の削減。, en: Bandung needs to cut the power bill of its water services.}
  background: {ja: 両市は令和元年に上下水道分野の覚書を締結した。, en: The two cities signed an MOU on water services in 2019.}
japanese_city: {name: {ja: 川崎市, en: City of Kawasaki}, kind: municipality, financial_capability_index: 1.02}
partner_city: {name: {ja: バンドン市, en: Bandung City}, country: Indonesia}
agreement: {kind: mou, date: 2019-11-05}
applicant:
  name: {ja: 水環境テクノ株式会社, en: "Water Environment Techno Co., Ltd."}
  representative: {ja: 代表取締役 高橋 一郎, en: "Ichiro Takahashi, President"}
  address: {ja: "神奈川県川崎市川崎区宮本町1番地\\n川崎ビル5階", en: "1 Miyamoto-cho, Kawasaki"}
  employees: 120
  qualification: {grade: B, number: "0000456789"}
  profile:
    established: 1987
    capital_jpy: 50000000
    business: {ja: 上下水道施設の設計・診断, en: Design and audits of water plants}
    offices: {ja: "本社（川崎市）\\nジャカルタ事務所", en: "Head office (Kawasaki)\\nJakarta office"}
    track_record: {ja: [令和4年度 ジャカルタ下水処理場省エネ診断], en: [FY2022 energy audit of Jakarta wastewater plants]}
    url: https://example.co.jp
joint_implementers:
  - name: {ja: 川崎ソーラー株式会社, en: "Kawasaki Solar Co., Ltd."}
    role: {ja: 太陽光発電の設計, en: Solar PV design}
    representative: {ja: 代表取締役 山本 花子, en: "Hanako Yamamoto, President"}
    address: {ja: 神奈川県川崎市幸区堀川町580番地, en: "580 Horikawa-cho, Saiwai-ku, Kawasaki"}
    employees: 35
    profile:
      established: 2005
      capital_jpy: 30000000
      business: {ja: 太陽光発電設備の設計・施工, en: Design and installation of solar PV}
      offices: {ja: 本社（川崎市）, en: Head office (Kawasaki)}
      track_record:
        ja: [令和3年度 JCM設備補助事業 タイ工場屋根置き太陽光（設計）]
        en: ["FY2021 JCM model project: rooftop solar PV at a Thai factory (design)"]
  - name: {ja: 一般財団法人アジア水環境センター, en: Asia Water Environment Centre}
    role: {ja: 政策対話・研修, en: Policy dialogue and training}
    representative: {ja: 理事長 佐々木 誠, en: "Makoto Sasaki, Chair"}
    address: {ja: 東京都千代田区内神田二丁目1番1号, en: "2-1-1 Uchikanda, Chiyoda-ku, Tokyo"}
    employees: 12
    profile:
      established: 1998
      business: {ja: アジアの上下水道分野の政策対話・人材育成, en: Policy dialogue and training on water services in Asia}
      offices: {ja: 本部（東京都千代田区）, en: "Head office (Chiyoda-ku, Tokyo)"}
      track_record:
        ja: [インドネシア5都市の水道職員研修（令和2年度以降）]
        en: [Training of water utility staff from five Indonesian cities since FY2020]
project_manager: {name: {ja: 高橋 一郎, en: Ichiro Takahashi}, other_assignments: 1}
contact: {name: 高橋 一郎, department: 海外事業部, phone: 044-000-0000, email: i.takahashi@example.co.jp}
jcm:
  adoptions:
    - {fiscal_year: 2023, title: {ja: 下水処理場への太陽光発電導入, en: Solar PV at a wastewater plant}}
    - {fiscal_year: 2022, title: {ja: 浄水場への高効率ポンプ導入, en: High-efficiency pumps at a water plant}, country: Indonesia}
  projects:
    - name: {ja: 浄水場の高効率ポンプ, en: High-efficiency pumps}
      technology: {ja: 高効率ポンプ, en: Pumps with inverters}
      capex_jpy: 400000000
      subsidy_jpy: 160000000
      annual_reduction_t: 2100
      useful_life_years: 15
    - name: {ja: 公共施設の屋根置き太陽光, en: Rooftop solar PV}
      technology: Rooftop solar PV (3 MW)
      capex_jpy: 450000000
      subsidy_jpy: 180000000
      annual_reduction_t: 3300
      useful_life_years: 17
budget:
  general_admin_rate: 0.1
  items:
    - {category: personnel, description: {ja: 人件費, en: Staff}, unit_cost_jpy: 61000, quantity: 100}
activities:
  - {kind: field_survey, month: 2024-07, title: {ja: 第1回現地調査, en: First field survey}, place: Bandung}
history:
  - fiscal_year: 2023
    programme: C3P
    title: {ja: 上下水道の脱炭素化調査, en: Study on water services}
    planned: {ja: [浄水場3か所の診断, ワークショップ2回], en: [Audits of three plants, Two workshops]}
    results: {ja: [浄水場2か所の診断を実施, ワークショップ1回], en: [Audits of two plants, One workshop]}
  - fiscal_year: 2016
    programme: own
    title: {ja: 水道技術研修, en: Water engineering training}
    results: {ja: [職員12名の研修], en: [12 staff trained]}
  - fiscal_year: 2021
    programme: JICA
    title: {ja: "=HYPERLINK(\\"http://example.com\\")", en: "=HYPERLINK(\\"http://example.com\\")"}
    results: {ja: [無収水率を5ポイント改善], en: [Non-revenue water cut by 5 points]}
plan:
  - fiscal_year: 2022
    activities: {ja: [既に終わった年], en: [A year already over]}
  - fiscal_year: 2025
    goals: {ja: [下水処理場への展開], en: [Extend to wastewater plants]}
    activities: {ja: [下水処理場の診断], en: [Audits of wastewater plants]}
    outputs: {ja: [脱炭素ロードマップ], en: [Decarbonisation roadmap]}
  - fiscal_year: 2024
    goals: {ja: [JCM案件2件の形成], en: [Form two JCM projects]}
    activities: {ja: [残る浄水場の診断], en: [Audit of the remaining plant]}
    outputs: {ja: [JCM応募2件], en: [Two JCM applications]}
narrative:
  feasibility:
    ja: バンドン市長及び同市上下水道公社から関心表明レターを得ており、事業は同市の気候変動行動計画に合致する。
    en: The Mayor of Bandung and the city's water utility have sent letters of interest; the project fits the city's climate action plan.
  cn_declaration:
    ja: 上下水道公社の2030年排出削減目標の設定を支援し、市のネット・ゼロ宣言につなげる。
    en: The project helps the water utility set a 2030 reduction target, leading to a net-zero declaration by the city.
  foundation:
    ja: 川崎市の上下水道事業の省エネ計画の手法を基に、公社の設備更新計画の策定を支援する。
    en: Kawasaki's energy plan for its water services is the model for the utility's equipment renewal plan.
  technology:
    ja: 本邦メーカーの高効率ポンプとJCM実施経験のある事業者の屋根置き太陽光を導入する。
    en: High-efficiency pumps by a Japanese maker and rooftop solar PV by a company with JCM experience.
  multi_benefit:
    ja: ポンプ故障による断水が減り、太陽光は停電時の給水継続に寄与する。
    en: Fewer supply cuts from pump failures; solar PV keeps water flowing during blackouts.
  other_programmes:
    ja: JICAの無収水対策プロジェクトと情報を共有する。
    en: Information is shared with JICA's non-revenue water project.
  manager_aptitude:
    ja: 管理技術者（高橋）は上下水道部門の技術士で、インドネシアでの省エネ診断を5件担当した。
    en: The project manager (Mr Takahashi) is a Professional Engineer in water supply who led five energy audits in Indonesia.
  ghg_targets:
    ja: 当社は2050年カーボンニュートラル（Scope1+2）を目標として公表している。
    en: The company has published a target of carbon neutrality (Scope 1+2) by 2050.
pin:
  location: "Bandung City, West Java Province"
  baseline: {en: "Grid electricity at 0.87 t-CO2/MWh for pumping."}
  reduction_basis: {en: "Pump energy measured in FY2023 audits."}
  finance: {en: "The utility's own funds and a local bank loan."}
  benefits: {en: "Fewer outages from pump failures."}
  host_policy: {en: "Fits West Java's regional action plan on emissions."}
  monitoring: {en: "Pump energy metered monthly by the utility."}
  contacts:
    - {name: Ichiro Takahashi, organisation: "Water Environment Techno Co., Ltd.", email: i.takahashi@example.co.jp}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("continuing")
    project = write_project(folder, CONTINUING_INDONESIA)
    out = folder / "out"
    result = run_cli("build", project, "-o", out, "--pdf", "never")
    assert result.returncode == 0, result.stderr
    return project, out, result


def load(folder, text):
    from c3p_docs.project import load_project

    return load_project(write_project(folder, text))


def manifest_of(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]


def rows_of(path):
    sheet = openpyxl.load_workbook(path).active
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_every_generated_attachment_is_in_the_manifest_with_its_kind_and_number(built):
    _, out, _ = built
    entries = {(f["kind"], f["lang"], f["path"], f.get("attachment")) for f in manifest_of(out)}
    for entry in [("track_record", "ja", "submission/③_取組実績_ja.xlsx", "③"),
                  ("track_record", "en", "submission/③_取組実績_en.xlsx", "③"),
                  ("multi_year_plan", "ja", "submission/④_事業計画_ja.xlsx", "④"),
                  ("multi_year_plan", "en", "submission/④_事業計画_en.xlsx", "④"),
                  ("organisation_overview", "ja", "submission/⑥_団体概要_1.docx", "⑥"),
                  ("organisation_overview", "ja", "submission/⑥_団体概要_2.docx", "⑥"),
                  ("organisation_overview", "ja", "submission/⑥_団体概要_3.docx", "⑥"),
                  ("jcm_adoptions", "ja", "submission/⑦_JCM事業採択実績.docx", "⑦"),
                  ("project_idea_note", "en", "submission/⑫_Project_Idea_Note.docx", "⑫")]:
        assert entry in entries, entry
        assert (out / entry[2]).is_file()


def test_the_track_record_lists_every_year_and_programme_with_a_print_ready_header(built):
    _, out, _ = built
    sheet, rows = rows_of(out / "submission" / "③_取組実績_ja.xlsx")
    header = rows.index(["年度", "事業区分", "件名", "主な実績"])
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"  # the header repeats on every printed page
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # one page wide (fitToWidth defaults to 1), any length:
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["A"].width
    body = rows[header + 1:]
    years = [row[0] for row in body if row[0]]
    assert years == ["平成28年度", "令和3年度", "令和4年度", "令和5年度", "令和5年度"]  # by fiscal year, adoptions too
    assert ["令和5年度", "都市間連携事業（環境省）", "上下水道の脱炭素化調査", "・浄水場2か所の診断を実施"] in body
    assert [None, None, None, "・ワークショップ1回"] in body  # one line a row: no row taller than a page
    assert ["令和4年度", "JCM設備補助事業", "浄水場への高効率ポンプ導入", "・JCM設備補助事業として採択（インドネシア）"] in body
    # An adoption without a country is the partner city's.
    assert ["令和5年度", "JCM設備補助事業", "下水処理場への太陽光発電導入", "・JCM設備補助事業として採択（インドネシア）"] in body
    cell = sheet.cell(row=header + 2, column=4)
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"


def test_user_text_starting_with_equals_is_text_not_a_formula(built):
    _, out, _ = built
    sheet, rows = rows_of(out / "submission" / "③_取組実績_en.xlsx")
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPER")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_english_sheets_have_no_japanese(built):
    _, out, _ = built
    for name in ("③_取組実績_en.xlsx", "④_事業計画_en.xlsx"):
        _, rows = rows_of(out / "submission" / name)
        text = " ".join(str(v) for row in rows for v in row if v)
        assert not JAPANESE.search(text), (name, JAPANESE.findall(text))
        assert "FY2016" in text or "FY2024" in text


def test_the_plan_shows_last_years_plan_beside_its_results_then_the_years_ahead(built):
    _, out, _ = built
    sheet, rows = rows_of(out / "submission" / "④_事業計画_ja.xlsx")
    header = rows.index(["年度", "目標", "主な活動（当初予定）", "期待される成果", "実績"])
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"
    body = rows[header + 1:]
    # Last year's C3P entry: planned items and results side by side, in the same rows.
    assert body[0] == ["令和5年度（前年度）", None, "・浄水場3か所の診断", None, "・浄水場2か所の診断を実施"]
    assert body[1] == [None, None, "・ワークショップ2回", None, "・ワークショップ1回"]
    years = [row[0] for row in body if row[0]]
    assert years == ["令和5年度（前年度）", "令和6年度（応募年度）", "令和7年度"]  # a plan year already over is left out
    assert ["令和6年度（応募年度）", "・JCM案件2件の形成", "・残る浄水場の診断", "・JCM応募2件", None] in body
    assert any("令和5年度の当初予定と実績を併記" in str(row[0]) for row in rows[:header])


def test_a_new_project_plan_has_no_comparison_and_an_empty_plan_shows_the_placeholder(tmp_path):
    from c3p_docs.checks import validate_project
    from c3p_docs.documents.context import strings
    from c3p_docs.documents.records import multi_year_plan_sheet
    from c3p_docs.documents.sheets import Properties, render_workbook

    text = CONTINUING_INDONESIA.replace("status: ongoing", "status: new")
    loaded = load(tmp_path, text[:text.index("plan:\n")] + text[text.index("pin:\n"):])
    words = strings("ja")
    sheet = multi_year_plan_sheet(loaded.project, loaded.rules, "ja", words)
    data, _ = render_workbook(sheet, "ja", Properties("t", "a", "s", dt.datetime(2024, 5, 16, 9)), words["placeholder"], "・")
    (tmp_path / "plan.xlsx").write_bytes(data)
    _, rows = rows_of(tmp_path / "plan.xlsx")
    text = " ".join(str(v) for row in rows for v in row if v)
    assert "前年度" not in text and "令和6年度（応募年度）" in text and "（未記入）" in text
    assert any(f.path == "plan" and "④" in f.message for f in validate_project(loaded))


def test_sheets_carry_the_projects_properties_and_rebuild_byte_identical(built, tmp_path):
    project, out, _ = built
    workbook = openpyxl.load_workbook(out / "submission" / "③_取組実績_ja.xlsx")
    properties = workbook.properties
    assert properties.title == "バンドン市上下水道の脱炭素化支援事業"
    assert properties.creator == "水環境テクノ株式会社" and properties.lastModifiedBy == "水環境テクノ株式会社"
    assert properties.created.date().isoformat() == "2024-05-16"  # the call's closing date: fixed by the input
    other = tmp_path / "other"
    kinds = "track_record,multi_year_plan,organisation_overview,jcm_adoptions,project_idea_note"
    assert run_cli("build", project, "-o", other, "--pdf", "never", "--only", kinds).returncode == 0
    rebuilt = list((other / "submission").iterdir())
    assert len(rebuilt) == 9
    for path in rebuilt:
        assert (out / "submission" / path.name).read_bytes() == path.read_bytes(), path.name


def test_one_organisation_overview_per_organisation(built, tmp_path):
    _, out, _ = built
    applicant = docx_text(out / "submission" / "⑥_団体概要_1.docx")
    for fact in ("団体概要", "水環境テクノ株式会社", "応募者（代表者）", "代表取締役 高橋 一郎", "1987年", "50,000,000円",
                 "120名", "川崎ビル5階", "ジャカルタ事務所", "令和4年度 ジャカルタ下水処理場省エネ診断", "https://example.co.jp"):
        assert fact in applicant, fact
    second = docx_text(out / "submission" / "⑥_団体概要_2.docx")
    assert "川崎ソーラー株式会社" in second and "共同実施者：太陽光発電の設計" in second and "30,000,000円" in second
    third = docx_text(out / "submission" / "⑥_団体概要_3.docx")
    assert "一般財団法人アジア水環境センター" in third and "アジアの上下水道分野の政策対話・人材育成" in third
    # An organisation without its details still gets its overview, showing what is left to fill in.
    start, end = CONTINUING_INDONESIA.index("    representative: {ja: 理事長"), CONTINUING_INDONESIA.index("project_manager:")
    bare = write_project(tmp_path, CONTINUING_INDONESIA[:start] + CONTINUING_INDONESIA[end:])
    result = run_cli("build", bare, "-o", tmp_path / "out", "--pdf", "never", "--only", "organisation_overview")
    assert_built_as_draft(result)
    third = docx_text(tmp_path / "out" / "submission" / "⑥_団体概要_3.docx")
    assert "一般財団法人アジア水環境センター" in third and "（未記入）" in third
    for index in (1, 2, 3):
        document = Document(str(out / "submission" / f"⑥_団体概要_{index}.docx"))
        assert (document.sections[0].page_width.mm, document.sections[0].page_height.mm) == pytest.approx((210, 297), abs=0.5)
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                assert run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_the_adoptions_document_lists_each_adoption(built):
    _, out, _ = built
    document = Document(str(out / "submission" / "⑦_JCM事業採択実績.docx"))
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["No.", "採択年度", "事業名", "国"]
    assert rows[1:] == [["1", "令和4年度", "浄水場への高効率ポンプ導入", "インドネシア"],
                        ["2", "令和5年度", "下水処理場への太陽光発電導入", "インドネシア"]]
    assert "計 2 件" in docx_text(out / "submission" / "⑦_JCM事業採択実績.docx")


def test_the_project_idea_note_is_english_with_the_conventional_sections_and_worked_figures(built):
    _, out, _ = built
    path = out / "submission" / "⑫_Project_Idea_Note.docx"
    text = docx_text(path)
    assert not JAPANESE.search(text), JAPANESE.findall(text)
    headings = [p.text for p in Document(str(path)).paragraphs if p.style.name == "Heading 2"]
    assert headings == ["A. Project", "B. Expected GHG emission reductions", "C. Finance",
                        "D. Benefits beyond GHG reductions", "E. Contacts"]
    for fact in ("Bandung City, West Java Province", "Water Environment Techno Co., Ltd. (lead)",
                 "Kawasaki Solar Co., Ltd. (Solar PV design)", "Pumps with inverters", "Rooftop solar PV (3\u00a0MW)",
                 "5,400", "31,500", "87,600",  # reductions a year, and over the useful life (2,100 × 15 + 3,300 × 17)
                 "JPY\u00a0160,000,000", "40%", "JPY\u00a0510,000,000",  # subsidy, its share, the rest to finance
                 "Grid electricity at 0.87", "Pump energy measured", "a local bank loan", "Fewer outages",
                 "i.takahashi@example.co.jp", "July 2024: First field survey"):
        assert fact in text, fact
    assert "6,100,000" not in text  # the study's own budget stays out of a note shared abroad


def test_check_package_finds_every_generated_attachment_and_build_names_what_to_supply(built):
    project, out, result = built
    check = run_cli("check-package", out / "submission", "--project", project, "--format", "json")
    findings = json.loads(check.stdout)["findings"]
    missing = {f["attachment"] for f in findings if f["code"] in ("missing-attachment", "missing-translation")}
    assert missing == {"①", "⑪", "⑬"}  # ① is the application form's PDF, made only with LibreOffice
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Still to be supplied") and "⑪ Letters of interest" in last and "⑬ Copy of the all-ministry" in last
    assert "⑧" not in last and "⑥" not in last
    again = run_cli("build", project, "-o", out, "--pdf", "never", "--format", "json")
    supply = json.loads(again.stdout)["to_supply"]
    assert [item["label"] for item in supply] == ["⑪", "⑬"]
    assert supply[1]["files"] == ["⑬_競争参加資格.pdf"]


def test_a_copy_put_in_the_folder_is_no_longer_to_be_supplied(built, tmp_path):
    project, out, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "submission" / "⑬_競争参加資格.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    result = run_cli("build", project, "-o", copy, "--pdf", "never")
    last = result.stderr.strip().splitlines()[-1]
    assert "⑪" in last and "⑬" not in last


def test_a_bare_count_of_adoptions_cannot_make_the_list(tmp_path):
    from c3p_docs.build import plan_outputs, still_to_supply
    from c3p_docs.checks import validate_project
    from c3p_docs.documents.kinds import build_kinds

    text = re.sub(r"jcm:\n  adoptions:\n(    - .*\n)+", "jcm:\n  adoptions_last_3_years: 2\n", CONTINUING_INDONESIA)
    assert "adoptions_last_3_years: 2\n  projects:" in text
    loaded = load(tmp_path, text)
    assert "jcm_adoptions" not in {p.kind for p in plan_outputs(loaded, set(build_kinds()), ["ja", "en"])}
    assert "⑦" in [item["label"] for item in still_to_supply(loaded, tmp_path / "out")]
    assert any(f.path == "jcm.adoptions_last_3_years" and "a count alone cannot make ⑦" in f.message
               for f in validate_project(loaded))


def test_no_project_idea_note_outside_indonesia(tmp_path):
    from c3p_docs.build import plan_outputs
    from c3p_docs.documents.kinds import build_kinds

    loaded = load(tmp_path, CONTINUING_INDONESIA.replace("country: Indonesia}", "country: Vietnam}"))
    kinds = {p.kind for p in plan_outputs(loaded, set(build_kinds()), ["ja", "en"])}
    assert "project_idea_note" not in kinds and {"track_record", "jcm_adoptions"} <= kinds


def test_fy2026_makes_one_organisation_overview_per_organisation_named_as_the_checklist_expects(tmp_path):
    project = write_project(tmp_path, MINIMAL + """\
joint_implementers:
  - {name: {ja: 共同一株式会社, en: Joint One Co.}, role: {ja: 調査, en: Surveys}}
  - {name: {ja: 共同二財団, en: Joint Two Foundation}}
""")
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--pdf", "never", "--only", "organisation_overview,checklist")
    assert_built_as_draft(result)  # no organisation has its profile yet
    names = sorted(p.name for p in (out / "submission").iterdir())
    assert names == ["(5)_団体概要_1.docx", "(5)_団体概要_2.docx", "(5)_団体概要_3.docx"]
    assert "共同二財団" in docx_text(out / "submission" / "(5)_団体概要_3.docx")
    checklist = docx_text(out / "checklist_ja.docx")
    assert all(name in checklist for name in names)
    check = run_cli("check-package", out / "submission", "--project", project, "--format", "json")
    assert not [f for f in json.loads(check.stdout)["findings"] if f.get("attachment") == "(5)"]


def test_an_overlong_note_without_libreoffice_names_the_field_to_shorten(tmp_path):
    from c3p_docs.build import run_build

    long = "The pumps were measured for four weeks against their design duty points. " * 700
    loaded = load(tmp_path, CONTINUING_INDONESIA.replace(
        'reduction_basis: {en: "Pump energy measured in FY2023 audits."}', f'reduction_basis: {{en: "{long}"}}'))
    result, _ = run_build(loaded, tmp_path / "out", {"project_idea_note"}, ["en"], "never")
    [finding] = [f for f in result.findings if f.code == "too-many-pages"]
    assert finding.severity == "warning"  # only an estimate
    assert "by our estimate" in finding.message and "Shorten pin.reduction_basis" in finding.message
    size = Document(str(tmp_path / "out" / "submission" / "⑫_Project_Idea_Note.docx")).styles["Normal"].font.size.pt
    assert size == 9.0


soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@soffice
def test_the_note_is_at_most_three_a4_pages_as_libreoffice_lays_it_out(tmp_path):
    from pypdf import PdfReader

    from c3p_docs.pdf import convert_to_pdf

    # Long enough for four pages at the full size: the build sets it tighter until LibreOffice counts three.
    basis = "Pump energy was measured at each plant over four weeks and compared with the design duty points. " * 100
    project = write_project(tmp_path, CONTINUING_INDONESIA.replace(
        'reduction_basis: {en: "Pump energy measured in FY2023 audits."}', f'reduction_basis: {{en: "{basis}"}}'))
    out = tmp_path / "out"
    result = run_cli("build", project, "-o", out, "--only", "project_idea_note")
    assert result.returncode == 0, result.stderr
    note = out / "submission" / "⑫_Project_Idea_Note.docx"
    pages = PdfReader(io.BytesIO(convert_to_pdf([note])[note])).pages
    assert 1 <= len(pages) <= 3
    assert all(round(float(p.mediabox.width) / 72 * 25.4) == 210 for p in pages)


def _fake_libreoffice(monkeypatch, pages: int) -> list[int]:
    """LibreOffice replaced by a stub that lays every document out on `pages` A4 pages; returns its call log."""
    from pypdf import PdfWriter

    import c3p_docs.pdf

    calls: list[int] = []

    def convert(sources):
        calls.append(len(sources))
        writer = PdfWriter()
        for _ in range(pages):
            writer.add_blank_page(595, 842)
        buffer = io.BytesIO()
        writer.write(buffer)
        return {source: buffer.getvalue() for source in sources}

    monkeypatch.setattr(c3p_docs.pdf, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(c3p_docs.pdf, "convert_to_pdf", convert)
    return calls


def _build_note(tmp_path):
    from c3p_docs.build import run_build

    return run_build(load(tmp_path, CONTINUING_INDONESIA), tmp_path / "out", {"project_idea_note"}, ["en"], "auto")


def test_a_note_libreoffice_lays_out_too_long_is_set_smaller_then_named(tmp_path, monkeypatch):
    calls = _fake_libreoffice(monkeypatch, pages=4)
    result, _ = _build_note(tmp_path)
    assert calls == [1, 1, 1, 1, 1]  # counted at every size step down to the floor
    size = Document(str(tmp_path / "out" / "submission" / "⑫_Project_Idea_Note.docx")).styles["Normal"].font.size.pt
    assert size == 9.0
    errors = [f for f in result.findings if f.code == "too-many-pages"]
    assert len(errors) == 1 and errors[0].severity == "error" and errors[0].attachment == "⑫"
    assert "4 pages even at 9 pt; the call allows 3 (§8(1)⑫)" in errors[0].message
    assert re.search(r"Shorten (jcm\.projects|project\.summary) \(\d+ characters\), ", errors[0].message)


def test_a_note_within_the_limit_is_counted_once_and_not_again_when_unchanged(tmp_path, monkeypatch):
    calls = _fake_libreoffice(monkeypatch, pages=3)
    result, _ = _build_note(tmp_path)
    assert calls == [1] and not [f for f in result.findings if f.code == "too-many-pages"]
    [assumed] = [f for f in result.findings if f.code == "assumed-form"]  # the call does not give 別添4's form
    assert assumed.attachment == "⑫" and "conventional structure" in assumed.message
    size = Document(str(tmp_path / "out" / "submission" / "⑫_Project_Idea_Note.docx")).styles["Normal"].font.size.pt
    assert size == 10.5
    (tmp_path / "out" / "manifest.json").unlink()  # not the unchanged-build shortcut: the note is rendered again
    _build_note(tmp_path)
    assert calls == [1]


def test_a_cell_longer_than_excel_allows_is_cut_and_reported_and_rows_stay_printable(tmp_path):
    from c3p_docs.documents.sheets import Group, Properties, Sheet, render_workbook

    sheet = Sheet(name="S", title="T", lines=["L"], columns=["A", "B"], widths=[10, 40],
                  groups=[Group(["2024", ["y" * 40000, "short"]]), Group([None, ""])])
    data, truncated = render_workbook(sheet, "en", Properties("t", "a", "s", dt.datetime(2024, 5, 16, 9)), "(to be completed)", "• ")
    assert truncated and truncated[0].startswith("• yyy")
    (tmp_path / "s.xlsx").write_bytes(data)
    worksheet, rows = rows_of(tmp_path / "s.xlsx")
    assert len(rows[4][1]) == 32767 and rows[5] == [None, "• short"] and rows[6] == ["(to be completed)", None]
    assert all((dimension.height or 0) <= 409 for dimension in worksheet.row_dimensions.values())
