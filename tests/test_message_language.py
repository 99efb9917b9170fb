"""Messages and --help in the message language: --lang, else C3P_LANG, else the locale (ja* → Japanese), else
English; codes, paths and JSON keys the same in both."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import BROKEN, FY2026

LOCALE = ("C3P_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
JAPANESE_LOCALE = {"LANG": "ja_JP.UTF-8"}
C_LOCALE = {"LANG": "C"}
KANA = re.compile(r"[\u3041-\u30ff]")
SENTENCE = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")
"""Three English words in a row."""
NOT_PROSE = re.compile(r"`[^`]*`|\{%.*?%\}|^\s*c3p-docs .*$|^使い方: .*$", re.MULTILINE)
"""What a Japanese help keeps in English on purpose: `code`, a template tag, a command line (an example, the
usage line)."""


def run_in(environment: dict[str, str], *args, cwd=None) -> subprocess.CompletedProcess:
    """The CLI as a subprocess with the given locale variables and no others (C3P_LANG included)."""
    env = {key: value for key, value in os.environ.items() if key not in LOCALE}
    env.update({"NO_COLOR": "1", **environment})
    env.pop("C3P_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "c3p_docs", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


def _commands() -> list[tuple[str, ...]]:
    import typer

    from c3p_docs.cli import app

    found: list[tuple[str, ...]] = [()]
    stack: list[tuple[tuple[str, ...], object]] = [((), typer.main.get_command(app))]
    while stack:
        path, command = stack.pop()
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found.append((*path, name))
            stack.append(((*path, name), sub))
    return found


COMMANDS = _commands()


def test_every_command_is_helped_below():
    """The list the help tests walk is the app's: a new command is in it without editing this file."""
    names = {" ".join(path) for path in COMMANDS}
    assert {"validate", "build", "check-package", "subject check", "trip report", "monthly", "init"} <= names
    assert len(COMMANDS) >= 24


@pytest.mark.parametrize("command", COMMANDS, ids=lambda path: " ".join(path) or "c3p-docs")
def test_every_help_is_japanese_under_a_japanese_locale_and_english_under_c(command):
    japanese = run_in(JAPANESE_LOCALE, *command, "--help")
    assert japanese.returncode == 0, japanese.stderr
    assert japanese.stdout.startswith("使い方: c3p-docs"), japanese.stdout[:200]
    assert "オプション:" in japanese.stdout and "このヘルプを表示して終了します。" in japanese.stdout
    english_left = SENTENCE.findall(NOT_PROSE.sub("", japanese.stdout))
    assert english_left == [], japanese.stdout
    english = run_in(C_LOCALE, *command, "--help")
    assert english.returncode == 0, english.stderr
    assert english.stdout.startswith("Usage: c3p-docs"), english.stdout[:200]
    assert "Options:" in english.stdout and "Show this message and exit." in english.stdout
    assert "使い方" not in english.stdout and "オプション" not in english.stdout


SAMPLE = str(FY2026)
MESSAGES = [
    # (command line, a message in Japanese, the same in English)
    (("validate", BROKEN), "error", "2 以下にしてください（4 が指定されています）", "must be 2 or less (got 4)"),
    (("validate", "nope.yaml"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("score", SAMPLE), "ok", "審査委員が評価", "judged by the reviewers"),
    (("calls",), "ok", "独自のプロファイル", "A profile of your own"),
    (("calls", "nope"), "usage", "公募 'nope' は不明です", "unknown call 'nope'"),
    (("schema", "--call", "nope.yaml"), "usage", "は不明です", "unknown call"),
    (("init", "x", "--call", "nope"), "usage", "は不明です", "unknown call"),
    (("check-package", "folder"), "usage", "を指定してください", "give --project PROJECT.yaml or --call CALL"),
    (("subject", "check", "abc", "--project", SAMPLE), "error", "公募の件名に沿っていません",
     "does not follow the call's subject"),
    (("subject", "make", SAMPLE), "ok", "件名を示していません", "prints no subject"),
    (("fields",), "ok", "文字列は様式の言語で出力されます", "Text prints in the form's language"),
    (("check-form", "nope.docx"), "usage", "様式ファイルがありません", "no such form file"),
    (("monthly", "nope.yaml", "-o", "reports"), "error", "プロジェクトファイルがありません", "no such project file"),
    (("calendar", "nope.yaml", "-o", "d.ics"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("build", "nope.yaml"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("plan", SAMPLE, "-o", "out", "--pdf", "never"), "ok", "件を書き出し", "file(s) written"),
    (("trip", "plan", SAMPLE, "nope", "-o", "out"), "usage", "活動 'nope' はありません", "no activity 'nope'"),
    (("trip", "report", SAMPLE, "nope", "-o", "out"), "usage", "活動 'nope' はありません", "no activity 'nope'"),
    (("session", "nope.yaml", "interim"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("settle", "nope.yaml"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("inquiry", "nope.yaml", "--question", "q.txt"), "usage", "プロジェクトファイルがありません", "no such project file"),
    (("timesheet", "nope.yaml", "--month", "2026-07"), "usage", "プロジェクトファイルがありません",
     "no such project file"),
    (("validate", "--bogus"), "usage", "エラー: オプション --bogus はありません。", "Error: No such option: --bogus"),
]
EXIT = {"ok": 0, "error": 1, "usage": 2}


@pytest.mark.parametrize("args, outcome, japanese, english", MESSAGES, ids=lambda v: v if isinstance(v, str) else None)
def test_each_command_speaks_the_locale(tmp_path, args, outcome, japanese, english):
    said = run_in(JAPANESE_LOCALE, *args, cwd=tmp_path)
    assert said.returncode == EXIT[outcome], said.stderr
    assert japanese in said.stdout + said.stderr and english not in said.stdout + said.stderr, said.stderr
    said = run_in(C_LOCALE, *args, cwd=tmp_path)
    assert said.returncode == EXIT[outcome], said.stderr
    assert english in said.stdout + said.stderr and not KANA.search(english), said.stderr
    assert japanese not in said.stdout + said.stderr


def test_the_message_language_is_lang_then_c3p_lang_then_the_locale(tmp_path):
    japanese, english = "プロジェクトファイルがありません", "no such project file"

    def says(environment, *extra):
        said = run_in(environment, "validate", "nope.yaml", *extra, cwd=tmp_path)
        assert said.returncode == 2, said.stderr
        assert (japanese in said.stderr) != (english in said.stderr), said.stderr
        return "ja" if japanese in said.stderr else "en"

    assert says({"LANG": "ja_JP.UTF-8", "C3P_LANG": "en"}) == "en"  # C3P_LANG wins over the locale
    assert says({"LANG": "C", "C3P_LANG": "ja"}) == "ja"
    assert says({"LANG": "ja_JP.UTF-8", "C3P_LANG": "ja"}, "--lang", "en") == "en"  # --lang wins over both
    assert says({"LANG": "C", "C3P_LANG": "en"}, "--lang", "ja,en") == "ja"  # the first of the list
    assert says({"LANG": "C"}, "--lang=ja") == "ja"
    assert says({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}) == "en"  # LC_ALL before LANG, as the C library reads them
    assert says({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "en_US.UTF-8"}) == "ja"
    assert says({"LANGUAGE": "ja:en"}) == "ja"
    assert says({}) == "en"  # no locale at all: English


def test_the_help_follows_lang_on_the_command_line():
    said = run_in({"LANG": "C", "C3P_LANG": "en"}, "validate", "--lang", "ja", "--help")
    assert said.returncode == 0 and said.stdout.startswith("使い方: c3p-docs validate"), said.stdout[:200]
    said = run_in(JAPANESE_LOCALE, "build", "--help", "--lang", "en")
    assert said.returncode == 0 and said.stdout.startswith("Usage: c3p-docs build"), said.stdout[:200]


@pytest.mark.parametrize("args", [("validate", BROKEN), ("subject", "check", "abc", "--project", SAMPLE),
                                  ("check-package", "{empty}", "--project", SAMPLE)],
                         ids=["validate", "subject-check", "check-package"])
def test_json_keys_codes_and_paths_are_the_same_in_both_languages(tmp_path, args):
    args = tuple(str(tmp_path) if arg == "{empty}" else arg for arg in args)
    japanese = run_in(JAPANESE_LOCALE, *args, "--format", "json")
    english = run_in(C_LOCALE, *args, "--format", "json")
    assert japanese.returncode == english.returncode != 2, japanese.stderr
    ja, en = json.loads(japanese.stdout), json.loads(english.stdout)
    assert ja.keys() == en.keys() and ja["findings"] and len(ja["findings"]) == len(en["findings"])
    for ja_finding, en_finding in zip(ja["findings"], en["findings"], strict=True):
        assert ja_finding.keys() == en_finding.keys()
        assert {k: v for k, v in ja_finding.items() if k != "message"} == \
            {k: v for k, v in en_finding.items() if k != "message"}
    messages = [(a["message"], b["message"]) for a, b in zip(ja["findings"], en["findings"], strict=True)]
    assert all(KANA.search(ja_message) and ja_message != en_message for ja_message, en_message in messages), messages


def test_every_note_of_the_bundled_profiles_is_in_japanese_and_english():
    """What a profile assumes (`calls --rules`, `score`, the assumed-form finding) is in the message language too:
    the bundled profiles' notes are in the catalog, found by the text the profile loader reads."""
    from c3p_docs import i18n
    from c3p_docs.call_rules import rule_rows
    from c3p_docs.calls import bundled_profiles, load_call

    japanese_script = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    try:
        for name in bundled_profiles():
            i18n.use("en")
            english = [row["note"] for row in rule_rows(load_call(name)) if row["note"]]
            i18n.use("ja")
            japanese = [row["note"] for row in rule_rows(load_call(name)) if row["note"]]
            assert len(japanese) == len(english) > 10
            assert any(SENTENCE.search(note) for note in english)
            assert [note for note in japanese if not japanese_script.search(note) or SENTENCE.search(note)] == []
    finally:
        i18n.use(i18n.from_environment())


@pytest.mark.parametrize("line, change, japanese, english", [
    (20, lambda line: "\t" + line[2:], "タブ文字があります", "a tab character: YAML indents with spaces only"),
    (20, lambda line: " " + line, "の形になっていません", "not a `key: value`"),
    (102, lambda line: line.replace("人日}", "人日"), "が `}` で閉じられていません", "is not closed with `}`"),
])
def test_a_yaml_syntax_error_says_what_is_wrong_in_the_message_language(tmp_path, line, change, japanese, english):
    """PyYAML's own words ('did not find expected key … while parsing a block mapping') were left in Japanese output."""
    lines = FY2026.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = change(lines[line - 1])
    project = tmp_path / "p.yaml"
    project.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for lang, words in (("ja", japanese), ("en", english)):
        result = subprocess.run([sys.executable, "-m", "c3p_docs", "validate", str(project), "--lang", lang],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and words in result.stderr, result.stderr
        if lang == "ja":
            assert not re.search(r"\b(?:did not|while parsing|found|expected)\b", result.stderr), result.stderr
