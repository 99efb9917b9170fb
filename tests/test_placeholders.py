"""What counts as a placeholder: read from strings.yaml and the starter file, found however a document shows it."""

from __future__ import annotations

import pytest

from c3p_docs import placeholders
from c3p_docs.placeholders import StarterExample, find_placeholder, placeholder_texts, starter_examples


@pytest.fixture
def fresh():
    """The module's memoised answers computed anew (before and after a test that changes their sources)."""
    functions = (placeholders.starter_examples, placeholders.placeholder_texts, placeholders._pattern)
    for function in functions:
        function.cache_clear()
    yield
    for function in functions:
        function.cache_clear()


def test_the_starter_examples_are_its_values_that_are_obviously_not_real():
    examples = starter_examples()
    assert StarterExample("contact.phone", "03-0000-0000") in examples
    assert StarterExample("contact.email", "contact@example.jp") in examples
    assert StarterExample("applicant.name.ja", "株式会社○○") in examples
    assert StarterExample("applicant.name.en", "Example Co., Ltd.") in examples
    assert StarterExample("partner_city.name.ja", "△△市") in examples
    assert StarterExample("joint_implementers[].name.en", "Example University") in examples  # a commented example
    assert StarterExample("history[].planned.en[]", "Survey of …") in examples
    values = {example.value for example in examples}
    for plausible in ("環境事業部", "Environment Division", "ISO14001", "Partner City", "東京", "人日"):
        assert plausible not in values  # a real project may keep these
    assert len(examples) == len(set(examples))


def test_the_starter_examples_follow_the_starter_file(fresh, tmp_path, monkeypatch):
    starter = tmp_path / "starter.yaml"
    starter.write_text("contact: {phone: 06-0000-1234, email: info@example.com, department: 総務部}\n"
                       "applicant: {name: {ja: 〇〇株式会社, en: Real Co.}}\n", encoding="utf-8")
    monkeypatch.setattr(placeholders, "STARTER", starter)
    assert starter_examples() == (StarterExample("contact.phone", "06-0000-1234"),
                                  StarterExample("contact.email", "info@example.com"),
                                  StarterExample("applicant.name.ja", "〇〇株式会社"))
    assert find_placeholder("TEL 06-0000-1234").text == "06-0000-1234"


def test_the_documents_placeholders_come_from_strings_yaml(fresh, monkeypatch):
    assert placeholder_texts() == ("（未記入）", "(to be completed)")
    labels = {"ja": {"placeholder": "［記入してください］", "summary": {"nothing": "（本項目は未記入）"}, "none": "なし"},
              "en": {"placeholder": "[please fill in]", "summary": {"nothing": "(empty)"}, "none": "None"}}
    monkeypatch.setattr(placeholders, "strings", lambda lang: labels[lang])
    placeholder_texts.cache_clear()
    placeholders._pattern.cache_clear()
    assert placeholder_texts() == ("［記入してください］", "[please fill in]")
    assert find_placeholder("担当者：［記入してください］").before == "担当者："
    assert find_placeholder("（未記入）") is None  # no longer a word of ours


@pytest.mark.parametrize("shown, placeholder, before", [
    ("電話番号：（未\u2060記\u2060入）", "（未記入）", "電話番号："),  # typesetting joiners inside
    ("氏名 (未記入)", "(未記入)", "氏名"),  # typed half-width
    ("Period: (To be\ncompleted)", "(To be completed)", "Period:"),  # wrapped and capitalised
    ("ＴＥＬ ０３-００００-００００", "０３-００００-００００", "ＴＥＬ"),  # full-width digits
    ("株式会社○○ 御中", "株式会社○○", ""),
    ("〇〇市との協定", "〇〇", ""),
])
def test_a_placeholder_is_found_however_the_document_shows_it(shown, placeholder, before):
    found = find_placeholder(shown)
    assert found is not None and (found.text, found.before) == (placeholder, before)


@pytest.mark.parametrize("text", ["○ 該当", "2026-04-01", "令和8年度 都市間連携", "Partner city", "examples.jp"])
def test_ordinary_text_is_no_placeholder(text):
    assert find_placeholder(text) is None
