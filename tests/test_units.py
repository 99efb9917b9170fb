"""In-process tests of pure functions (fast; the CLI tests check exit codes and messages)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from c3p_docs.documents.markup import TemplateError, number


def test_markup_numbers_name_the_element_and_attribute():
    assert number(ET.fromstring('<rect x="12.5"/>'), "x") == 12.5
    assert number(ET.fromstring("<rect/>"), "size", 10.0) == 10.0
    with pytest.raises(TemplateError, match=r"<rect> needs a numeric x="):
        number(ET.fromstring('<rect y="1"/>'), "x")
    with pytest.raises(TemplateError, match=r"<arrow x1=\"left\">: x1 must be a number"):
        number(ET.fromstring('<arrow x1="left"/>'), "x1")


class _Terminal:
    """A stream that says it is a terminal."""

    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> None:
        self.text += text


def test_findings_go_to_stderr_in_colour_only_on_a_terminal_without_no_color(monkeypatch, capsys):
    import sys

    from c3p_docs.findings import Finding, print_findings, use_colour

    finding = Finding("budget-over-cap", "error", "over the cap", file="p.yaml", line=3)
    print_findings([finding], "text", summary="1 error")
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "p.yaml:3  error[budget-over-cap] over the cap\n1 error\n"
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(terminal)
    print_findings([finding], "text")
    assert terminal.text.startswith("\033[31m")
    for value, coloured in (("1", False), ("", True)):  # no-color.org: set and not empty
        monkeypatch.setenv("NO_COLOR", value)
        assert use_colour(terminal) is coloured


def test_json_findings_are_one_object_on_stdout(capsys):
    import json

    from c3p_docs.findings import Finding, print_findings

    print_findings([Finding("x", "warning", "w"), Finding("y", "error", "e")], "json", extra={"call": "c"},
                   summary="said to people")
    captured = capsys.readouterr()
    payload = json.loads(captured.out)
    assert payload["ok"] is False and [f["code"] for f in payload["findings"]] == ["y", "x"] and payload["call"] == "c"
    assert captured.err == "said to people\n"


# Calendar: UIDs follow the activity, not its place in the list.

def test_inserting_an_activity_keeps_every_other_uid():
    from conftest import FY2026

    from c3p_docs.calendar_ics import project_calendar
    from c3p_docs.model import Activity
    from c3p_docs.project import load_project

    loaded = load_project(FY2026)
    _, before = project_calendar(loaded.project, loaded.rules)
    inserted = Activity.model_validate({"kind": "field_survey", "month": "2026-06",
                                        "title": {"ja": "追加の現地調査", "en": "Extra survey"}})
    project = loaded.project.model_copy(update={"activities": [inserted, *loaded.project.activities]})
    _, after = project_calendar(project, loaded.rules)
    old = {e["uid"]: e for e in before}
    new = {e["uid"]: e for e in after}
    assert old.items() <= new.items()
    assert len(new) == len(old) + 3  # the survey, its advance plan and its report
    assert len({e["uid"] for e in after}) == len(after)


def test_activity_identity_is_its_id_else_kind_month_and_title():
    from c3p_docs.calendar_ics import activity_key
    from c3p_docs.model import Activity, Bilingual

    survey = Activity(kind="field_survey", month="2026-07", title=Bilingual(ja="調査"))
    assert activity_key(survey) == activity_key(survey.model_copy(update={"notes": "moved rooms", "status": "done"}))
    assert activity_key(survey) == activity_key(survey.model_copy(update={"title": Bilingual(ja="調査", en="Survey")}))
    assert activity_key(survey) != activity_key(survey.model_copy(update={"month": "2026-08"}))
    assert activity_key(survey) != activity_key(survey.model_copy(update={"title": Bilingual(ja="第2回調査")}))
    named = survey.model_copy(update={"id": "survey-1"})
    assert activity_key(named) == activity_key(named.model_copy(update={"month": "2026-09", "title": None}))


def test_two_activities_alike_get_distinct_uids():
    from conftest import FY2026

    from c3p_docs.calendar_ics import project_calendar
    from c3p_docs.model import Activity
    from c3p_docs.project import load_project

    loaded = load_project(FY2026)
    twin = Activity(kind="workshop", month="2026-09")
    project = loaded.project.model_copy(update={"activities": [twin, twin]})
    _, events = project_calendar(project, loaded.rules)
    uids = [e["uid"] for e in events]
    assert len(uids) == len(set(uids))


# eras.py

def test_era_years_and_fiscal_years():
    import datetime as dt

    from c3p_docs.eras import era_year, fiscal_year_bounds, fiscal_year_ja, fiscal_year_label, fiscal_year_of

    assert era_year(dt.date(2019, 5, 1)) == ("令和", "元") and era_year(dt.date(2026, 1, 1)) == ("令和", "8")
    assert era_year(dt.date(2019, 4, 30)) == ("平成", "31") and era_year(dt.date(1989, 1, 8)) == ("平成", "元")
    assert era_year(dt.date(1989, 1, 7)) == ("昭和", "64") and era_year(dt.date(1850, 1, 1)) is None
    assert fiscal_year_ja(2026) == "令和8年度" and fiscal_year_ja(2019) == "令和元年度"
    assert fiscal_year_ja(2015) == "平成27年度" and fiscal_year_ja(1989) == "平成元年度"
    assert fiscal_year_ja(1988) == "昭和63年度"
    assert fiscal_year_label(2015, "ja") == "平成27年度" and fiscal_year_label(2015, "en") == "FY2015"
    assert fiscal_year_of(dt.date(2027, 3, 31)) == 2026 and fiscal_year_of(dt.date(2027, 4, 1)) == 2027
    assert fiscal_year_bounds(2026) == (dt.date(2026, 4, 1), dt.date(2027, 3, 31))


def test_dates_months_and_yen_in_each_language():
    import datetime as dt

    from c3p_docs.eras import format_date, format_era_date, format_era_month, format_month, format_number, format_yen

    day = dt.date(2026, 5, 7)
    assert format_date(day, "ja") == "2026年5月7日" and format_date(day, "en") == "7 May 2026"
    assert format_era_date(day) == "令和8年5月7日"
    assert format_era_date(dt.date(2019, 4, 30)) == "平成31年4月30日"
    assert format_era_date(dt.date(2012, 1, 20)) == "平成24年1月20日"
    assert format_era_date(dt.date(1989, 1, 8)) == "平成元年1月8日"
    assert format_era_date(dt.date(1989, 1, 7)) == "昭和64年1月7日"
    assert format_era_month("2019-04") == "平成31年4月" and format_era_month("1988-12") == "昭和63年12月"
    assert format_month("2026-07", "ja") == "2026年7月" and format_month("2026-07", "en") == "July 2026"
    assert format_era_month("2026-07") == "令和8年7月"
    assert format_yen(1234567, "ja") == "1,234,567円" and format_yen(1234567.9, "en") == "JPY 1,234,567"
    assert format_number(3311.25, "en", 1) == "3,311.2"


# mail.py

@pytest.mark.parametrize("size", [0, 1, 2, 3, 56, 57, 58, 1000, 123_457])
def test_encoded_size_is_base64_with_76_character_crlf_lines(size):
    import base64

    from c3p_docs.mail import encoded_size

    expected = len(base64.encodebytes(b"\xff" * size).replace(b"\n", b"\r\n"))
    assert encoded_size(size) == expected


def test_non_ascii_names_cost_more_than_ascii_ones():
    from c3p_docs.mail import encoded_name_size

    assert encoded_name_size("a.pdf") == 10
    assert encoded_name_size("(1)_応募様式.pdf") > 3 * len("(1)_応募様式.pdf".encode())


def test_mail_plan_is_first_fit_decreasing_in_call_order():
    from c3p_docs.mail import attachment_cost, plan_mails

    files = [("(1)_a.pdf", 3_000_000), ("(2)_b.pptx", 2_000_000), ("(3)_c.docx", 2_500_000), ("(4)_d.pdf", 9_000_000)]
    plan = plan_mails(files, limit_bytes=8_000_000, header_margin_bytes=100_000)
    assert plan.capacity == 7_900_000
    assert plan.too_large == ["(4)_d.pdf"]
    # Largest first: (1) and (3) share the first mail, (2) no longer fits beside them.
    assert [m.attachments for m in plan.mails] == [["(1)_a.pdf", "(3)_c.docx"], ["(2)_b.pptx"]]
    for mail in plan.mails:
        assert mail.encoded_bytes == sum(attachment_cost(n, s) for n, s in files if n in mail.attachments)
        assert mail.encoded_bytes <= plan.capacity
    empty = plan_mails([], 8_000_000, 100_000)
    assert empty.mails == [] and empty.too_large == []


# package_check/names.py

@pytest.mark.parametrize("name, number", [
    ("(2)_調査事業概要.pptx", 2), ("（2）調査事業概要.pdf", 2), ("2_overview.pdf", 2), ("02_overview.pdf", 2),
    ("②調査事業概要.pdf", 2), ("⑬その他.pdf", 13), ("（１２）ＰＩＮ.docx", 12), ("overview.pdf", None),
    ("2026計画.pdf", None)])
def test_attachment_numbers_in_every_common_spelling(name, number):
    from c3p_docs.package_check.names import attachment_number

    assert attachment_number(name) == number


def test_language_system_files_and_windows_rules():
    from c3p_docs.package_check.names import (
        is_system_file,
        language_of,
        machine_dependent_characters,
        windows_problems,
    )

    assert language_of("(2)_overview_en.pptx") == "en" and language_of("(2)_概要_和文.pptx") == "ja"
    assert language_of("(2)_概要.pptx") is None
    assert all(is_system_file(n) for n in (".DS_Store", "Thumbs.db", "~$応募様式.docx", "._x.pdf", "a.tmp"))
    assert not is_system_file("(1)_応募様式.pdf")
    assert windows_problems("(1)_応募様式.pdf", "(1)_応募様式.pdf") == []
    assert "forbids" in windows_problems("a:b?.pdf", "a:b?.pdf")[0]
    assert "reserved device name" in windows_problems("CON.pdf", "CON.pdf")[0]
    assert "drops" in windows_problems("a.pdf.", "a.pdf.")[0]
    assert "MAX_PATH" in windows_problems("a.pdf", "x/" * 120 + "a.pdf")[0]
    assert machine_dependent_characters("①_㈱試験_ﾃｽﾄⅢ.pdf") == ["㈱", "ﾃ", "ｽ", "ﾄ", "Ⅲ"]


# documents/measure.py

def test_japanese_is_full_width_and_latin_wraps_at_spaces():
    from c3p_docs.documents.measure import char_width_em, line_count

    assert char_width_em("日") == 1.0 and char_width_em("a") < char_width_em("A") < 1.0
    assert line_count("", 100, 10) == 1
    assert line_count("日" * 10, 100, 10) == 1 and line_count("日" * 11, 100, 10) == 2
    assert line_count("一\n二\n三", 100, 10) == 3
    words = "alpha beta gamma delta"
    assert line_count(words, 1000, 10) == 1
    assert line_count(words, 40, 10) == 4  # one word per line, never split inside a word that fits
    assert line_count("x" * 100, 52.5, 10) == 10  # a word longer than the line breaks anywhere, even the first


def test_lines_break_between_japanese_characters_kinsoku_respected_and_after_spaces_and_slashes():
    from c3p_docs.documents.measure import NO_BREAK_SPACE, chunks

    assert chunks("今日は、「晴れ」") == ["今", "日", "は、", "「晴", "れ」"]  # 、」 never start a line, 「 never ends one
    assert chunks("once-through/solar PV 発電") == ["once-through/solar ", "PV ", "発", "電"]  # held as t-CO2eq/yr
    assert chunks("JICA/大使館") == ["JICA/", "大", "使", "館"]
    assert chunks(f"4{NO_BREAK_SPACE}MW 日本") == [f"4{NO_BREAK_SPACE}MW ", "日", "本"]
    # Held though a renderer may break there: an era with its year, a number with its unit, a katakana word.
    assert chunks("令和10年3月31日") == ["令和10年", "3月", "31日"]
    assert chunks("都市間連携セミナー") == ["都", "市", "間", "連", "携", "セミナー"]
    assert chunks("t-CO2eq 削減（年）", "whole") == ["t-CO2eq 削減（年）"]


def test_labels_break_between_phrases_only():
    from c3p_docs.documents.measure import chunks, label_lines, word_lines

    assert chunks("都市間連携セミナーでの発表", "label") == ["都市間連携", "セミナーでの", "発表"]
    assert chunks("高効率チラー導入", "label") == ["高効率", "チラー", "導入"]
    assert chunks("削減見込み（合計）", "label") == ["削減見込み", "（合計）"]
    assert chunks("令和7年4月1日〜令和10年3月31日", "label") == ["令和7年4月1日〜", "令和10年3月31日"]
    assert chunks("1,968.6 円/t-CO2eq・年", "label") == ["1,968.6 ", "円/t-CO2eq・年"]
    assert chunks("再生可能エネルギー、省エネルギー", "label") == ["再生可能", "エネルギー、", "省エネルギー"]
    assert chunks("Presentation at the city-to-city seminar (Tokyo).", "label") == [
        "Presentation ", "at ", "the ", "city-to-city ", "seminar ", "(Tokyo)."]
    assert chunks("ストーカ式焼却炉及び蒸気タービン発電", "label") == ["ストーカ式", "焼却炉及び", "蒸気", "タービン", "発電"]
    assert chunks("令和07・08・09年度環境省競争参加資格", "label") == ["令和07・08・09年度", "環境省競争参加資格"]
    assert chunks("福岡県北九州市小倉北区浅野三丁目8番1号")[-1] == "三丁目8番1号"  # an address's block and lot
    assert word_lines("本邦自治体／パートナー都市", 111, 9.5) == ["本邦自治体／", "パートナー都市"]  # a header
    assert label_lines("カーボンニュートラルポート形成計画", 140, 10) == ["カーボンニュートラルポート", "形成計画"]
    assert label_lines("あ" * 30, 100, 10) == ["あ" * 10] * 3  # a phrase wider than the line breaks as prose does


def test_a_list_label_breaks_after_its_items_where_that_takes_no_more_lines():
    from c3p_docs.documents.measure import label_lines

    names = "株式会社環境都市総研、九州エネルギーサービス株式会社、公益財団法人アジア低炭素化センター"
    # Between phrases alone the first line would end inside a name (…総研、九州 | エネルギーサービス株式会社、).
    assert label_lines(names, 200, 11) == ["株式会社環境都市総研、", "九州エネルギーサービス株式会社、",
                                           "公益財団法人アジア低炭素化センター"]
    assert label_lines("令和7年4月1日〜令和10年3月31日（フェーズ1・2年目）", 300, 11) == [
        "令和7年4月1日〜令和10年3月31日", "（フェーズ1・2年目）"]  # not 「…（フェーズ」 / 「1・2年目）」
    assert label_lines(names, 2000, 11) == [names]


def test_running_text_breaks_where_the_application_breaks_it():
    from c3p_docs.documents.measure import NO_BREAK_SPACE, chunks

    # LibreOffice breaks Japanese between any two characters and after a hyphen before a letter (measured):
    # nothing is held together but what it never breaks (a number, a Latin word, a no-break space).
    assert chunks("都市間連携セミナー", "renderer") == [*"都市間連携セミ", "ナー"]  # ー never starts a line
    assert chunks("年間約1,900t-CO2の", "renderer") == ["年", "間", "約", "1,900t-", "CO2", "の"]
    assert chunks(f"6,800{NO_BREAK_SPACE}t-CO2eq/年", "renderer") == [f"6,800{NO_BREAK_SPACE}t-", "CO2eq/", "年"]
    assert chunks("once-through boilers", "renderer") == ["once-", "through ", "boilers"]


def test_what_running_text_must_not_be_broken_inside():
    from c3p_docs.documents.measure import NO_BREAK_SPACE, protected_breaks

    def shown(text):
        breaks = protected_breaks(text)
        return "".join(("|" if i in breaks else "") + c for i, c in enumerate(text))

    # A number, an amount with its unit, a Latin word, a unit or code: every position inside is protected.
    assert shown("事業費は18,431,600円") == "事業費は1|8|,|4|3|1|,|6|0|0|円"
    assert shown("約1,900t-CO2の") == "約1|,|9|0|0|t|-|C|O|2の"
    assert shown(f"計6,800{NO_BREAK_SPACE}t-CO2eq/年。") == f"計6|,|8|0|0|{NO_BREAK_SPACE}|t|-|C|O|2|e|q|/|年。"
    assert shown("1,968.6 円/t-CO2eq・年") == "1|,|9|6|8|.|6 円|/|t|-|C|O|2|e|q|・|年"
    # Japanese between its characters, an era and its year, a word and a plain compound's hyphen may break.
    assert protected_breaks("都市間連携セミナー") == set() and protected_breaks("令和8年") == set()
    assert shown("once-through boilers") == "o|n|c|e|-t|h|r|o|u|g|h b|o|i|l|e|r|s"


def test_running_text_is_predicted_to_break_badly_inside_a_unit_or_before_a_lone_character():
    from c3p_docs.documents.measure import PT_TO_MM, breaks_badly, wrap_lines

    sentence = "市内の食品工場5社を診断し、年間約1,900t-CO2の削減余地を確認した。"
    width = 88 / PT_TO_MM  # a 90 mm box
    assert wrap_lines(sentence, width, 12, mode="renderer")[0].endswith("1,900t-")  # as LibreOffice set it
    assert breaks_badly(sentence, width, 12) and not breaks_badly(sentence, width, 11)
    assert breaks_badly("あ" * 15 + "る。", 15.5 * 10, 10)  # 「る。」 alone on the last line
    assert not breaks_badly("あ" * 14 + "するもの。", 15.5 * 10, 10)
    summary = "横浜市の港湾脱炭素化（カーボンニュートラルポート）の経験を基に、スラバヤ市の港湾と工業団地で支援する。"
    assert wrap_lines(summary, 174 / PT_TO_MM, 20, mode="renderer")[1].startswith("ト）")  # …ポー / ト）
    assert breaks_badly(summary, 174 / PT_TO_MM, 20) and not breaks_badly(summary, 174 / PT_TO_MM, 19.5)


def test_japanese_next_to_latin_letters_and_digits_is_autospaced():
    from c3p_docs.documents.measure import AUTOSPACE_EM, text_width_pt

    def width(text):
        return text_width_pt(text, 10, "mincho")

    assert width("令和8年") == pytest.approx(width("令和") + width("8") + width("年") + 2 * AUTOSPACE_EM * 10)
    # LibreOffice spaces brackets and slashes from Latin text too (「（4 MW）」 and 「円/t」 measured).
    assert width("（8）") == pytest.approx(width("（") + width("8") + width("）") + 2 * AUTOSPACE_EM * 10)
    assert width("8 8") == pytest.approx(width("8") * 2 + width(" "))


def test_column_heights_share_space_and_squeeze_only_the_largest():
    from c3p_docs.documents.measure import column_heights

    roomy = column_heights([10.0, None, None], [0.0, 10.0, 30.0], total=104, gap=2)
    assert roomy[0] == 10.0 and roomy[1] + roomy[2] == pytest.approx(90) and roomy[2] == pytest.approx(3 * roomy[1])
    tight = column_heights([None, None, None], [5.0, 10.0, 100.0], total=64, gap=2)
    assert tight[:2] == [5.0, 10.0] and tight[2] == pytest.approx(45.0)


# output.py

def test_output_state_writes_once_keeps_edits_and_forces(tmp_path):
    from c3p_docs.output import OutputState, kept_name

    state = OutputState(tmp_path)
    first = state.write("sub/a.docx", b"one")
    assert first.changed and (tmp_path / "sub" / "a.docx").read_bytes() == b"one"
    assert not state.write("sub/a.docx", b"one").changed
    state.save()
    (tmp_path / "sub" / "a.docx").write_bytes(b"edited by a person")
    reloaded = OutputState(tmp_path)
    assert reloaded.edited_since_written("sub/a.docx")
    kept = reloaded.write("sub/a.docx", b"two")
    assert kept.kept == "sub/a.docx" and kept.relative == kept_name("sub/a.docx") == "drafts/sub/a.new.docx"
    assert (tmp_path / "sub" / "a.docx").read_bytes() == b"edited by a person"
    assert (tmp_path / "drafts" / "sub" / "a.new.docx").read_bytes() == b"two"
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["a.docx"]  # the rendition is not beside it
    forced = reloaded.write("sub/a.docx", b"two", force=True)
    assert forced.kept is None and (tmp_path / "sub" / "a.docx").read_bytes() == b"two"
    # no temp files left, and the drafts/ rendition went once --force replaced the edited file with it
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["a.docx"]
    assert not (tmp_path / "drafts" / "sub" / "a.new.docx").exists()


def test_a_pdf_is_fresh_only_for_its_current_source(tmp_path):
    from c3p_docs.output import OutputState

    state = OutputState(tmp_path)
    state.write("a.docx", b"source 1")
    state.write("a.pdf", b"%PDF 1")
    state.record_pdf_source("a.pdf", "a.docx")
    assert state.pdf_is_fresh("a.pdf", "a.docx")
    state.write("a.docx", b"source 2")
    assert not state.pdf_is_fresh("a.pdf", "a.docx")


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    import os

    from c3p_docs.output import write_atomic

    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.docx"]


# measure.py: header words and title lines

def test_headers_break_only_between_words():
    from c3p_docs.documents.measure import chunks, word_lines

    assert chunks("JCM補助金（想定）", "words") == ["JCM補助金", "（想定）"]
    assert chunks("法定耐用年数（年）", "words") == ["法定耐用年数", "（年）"]
    assert word_lines("削減見込み（t-CO2eq/年）", 60, 8.5) == ["削減見込み", "（t-CO2eq/年）"]
    assert word_lines("削減見込み（t-CO2eq/年）", 200, 8.5) == ["削減見込み（t-CO2eq/年）"]


def test_long_titles_break_between_phrases():
    from c3p_docs.documents.measure import title_lines

    assert title_lines("令和8年度脱炭素社会実現のための都市間連携事業委託業務（1次公募）", 481, 18) == [
        "令和8年度脱炭素社会実現のための", "都市間連携事業委託業務（1次公募）"]
    assert title_lines("短い題名", 481, 18) == ["短い題名"]
    assert title_lines("あ" * 40, 300, 18) == ["あ" * 40]  # no phrase boundary: left to the renderer
    # No particle to break after: between phrases, never inside a word (ネットゼロ加速化支|援事業 was on a page).
    assert title_lines("再生可能エネルギー導入によるネットゼロ加速化支援事業", 200, 18) == [
        "再生可能エネルギー", "導入による", "ネットゼロ", "加速化支援事業"]


def test_last_two_table_rows_stay_together_and_amounts_are_written_as_they_read():
    import datetime as dt
    import io
    import xml.etree.ElementTree as ET

    from docx import Document

    from c3p_docs.documents.word import Metadata, render_word

    rows = "".join(f"<tr><td>行{i}</td><td>{i * 1000:,}円</td></tr>" for i in range(12))
    root = ET.fromstring(f"<doc><table><tr><th>費目</th><th>金額</th></tr>{rows}</table></doc>")
    document = Document(io.BytesIO(render_word(root, "ja", Metadata("t", "a", "s", dt.datetime(2026, 4, 1), "ja"))))
    rows_xml = document.tables[0]._tbl.tr_lst
    keeps = [bool(tr.xpath(".//w:keepNext")) for tr in rows_xml]
    assert keeps[0] and keeps[-2] and not keeps[-1] and not keeps[5]
    # The amount is written as it reads (no joiner, no "zxx" run); its column is wide enough to hold it whole.
    assert rows_xml[3].xpath(".//w:t/text()") == ["行2", "2,000円"]
    assert not document.element.body.xpath(".//w:lang[@w:eastAsia='zxx']")
