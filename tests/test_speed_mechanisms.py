"""What makes commands fast must never change what they produce: template cache, lazy descriptions, fast exit."""

from __future__ import annotations

import importlib
import os
import sys

import pytest
from conftest import FY2026, run_cli


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """Jinja environments built anew, caching compiled templates under tmp_path."""
    from c3p_docs import cache, jinja_env

    monkeypatch.setattr(cache, "user_cache_dir", lambda: tmp_path / "cache" / "c3p-docs")
    for cached in (jinja_env.environment, jinja_env._bytecode_cache):
        cached.cache_clear()
    yield tmp_path
    for cached in (jinja_env.environment, jinja_env._bytecode_cache):
        cached.cache_clear()


def _render(templates, name: str) -> str:
    from c3p_docs.jinja_env import environment

    environment.cache_clear()  # a new process, as far as Jinja's in-memory cache is concerned
    return environment("ja", str(templates)).get_template(name).render(value="<x>")


def test_compiled_templates_are_cached_and_never_stale(fresh_cache):
    templates = fresh_cache / "templates"
    templates.mkdir()
    (templates / "t.xml.j2").write_text("<p>one {{ value }}</p>", encoding="utf-8")
    assert _render(templates, "t.xml.j2") == "<p>one &lt;x&gt;</p>"
    assert any((fresh_cache / "cache").rglob("*.cache"))
    assert _render(templates, "t.xml.j2") == "<p>one &lt;x&gt;</p>"  # from the cache
    (templates / "t.xml.j2").write_text("<p>two {{ value }}</p>", encoding="utf-8")
    assert _render(templates, "t.xml.j2") == "<p>two &lt;x&gt;</p>"
    # the same source under a name that is not escaped compiles differently: not served from the XML entry
    (templates / "t.txt.j2").write_text("<p>two {{ value }}</p>", encoding="utf-8")
    assert _render(templates, "t.txt.j2") == "<p>two <x></p>"


def test_a_cached_template_is_read_back_not_compiled_again(fresh_cache, monkeypatch):
    templates = fresh_cache / "templates"
    templates.mkdir()
    (templates / "t.xml.j2").write_text("{% for i in range(2) %}<p>{{ value }}{{ i }}</p>{% endfor %}", encoding="utf-8")
    assert _render(templates, "t.xml.j2") == "<p>&lt;x&gt;0</p><p>&lt;x&gt;1</p>"
    from c3p_docs.sandbox import LimitedEnvironment

    def refuse(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(LimitedEnvironment, "compile", refuse)
    assert _render(templates, "t.xml.j2") == "<p>&lt;x&gt;0</p><p>&lt;x&gt;1</p>"


def test_a_damaged_or_unwritable_cache_is_ignored(fresh_cache, monkeypatch):
    templates = fresh_cache / "templates"
    templates.mkdir()
    (templates / "t.xml.j2").write_text("<p>{{ value }}</p>", encoding="utf-8")
    _render(templates, "t.xml.j2")
    for entry in (fresh_cache / "cache").rglob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:40])  # a truncated entry
    assert _render(templates, "t.xml.j2") == "<p>&lt;x&gt;</p>"
    if os.name == "posix" and os.geteuid() != 0:  # root writes anywhere
        for folder in (fresh_cache / "cache").rglob("*"):
            folder.chmod(0o500)
        assert _render(templates, "t.xml.j2") == "<p>&lt;x&gt;</p>"
    (fresh_cache / "cache").chmod(0o700)
    blocked = fresh_cache / "blocked"
    blocked.write_text("a file where the cache folder would go", encoding="utf-8")
    from c3p_docs import cache
    from c3p_docs.jinja_env import _bytecode_cache

    monkeypatch.setattr(cache, "user_cache_dir", lambda: blocked / "c3p-docs")

    _bytecode_cache.cache_clear()
    assert _bytecode_cache() is None
    assert _render(templates, "t.xml.j2") == "<p>&lt;x&gt;</p>"


def test_field_docstrings_become_descriptions_without_attribute_docstrings_at_import(tmp_path, monkeypatch):
    from c3p_docs.descriptions import DescribedJsonSchema, field_description

    (tmp_path / "added_model.py").write_text(
        'from c3p_docs.model import Bilingual, Strict\n\n\n'
        'class Added(Strict):\n    """A model another change adds."""\n\n'
        '    amount: int = 0\n    """Yen, a new field."""\n    note: Bilingual | None = None\n\n\n'
        'class Named(Bilingual):\n    """Inherits its fields\' descriptions."""\n', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("added_model")
    try:
        assert field_description(module.Added, "amount") == "Yen, a new field."
        assert field_description(module.Added, "note") is None
        assert field_description(module.Named, "ja") == "Japanese text."
        schema = module.Added.model_json_schema(schema_generator=DescribedJsonSchema)
        assert schema["properties"]["amount"]["description"] == "Yen, a new field."
    finally:
        sys.modules.pop("added_model", None)


def test_every_project_field_has_a_description():
    import typing

    from c3p_docs.descriptions import field_description
    from c3p_docs.model import Project
    from c3p_docs.project import _inner_model

    seen, missing = set(), []

    def walk(model) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            if not field_description(model, name):
                missing.append(f"{model.__name__}.{name}")
            for argument in (info.annotation, *typing.get_args(info.annotation)):
                inner = _inner_model(argument)
                if inner is not None:
                    walk(inner)

    walk(Project)
    assert not missing, f"fields without a docstring (init and schema show none): {missing}"


def test_output_and_exit_codes_survive_the_fast_exit(tmp_path):
    result = run_cli("schema")
    assert result.returncode == 0 and result.stdout.rstrip().endswith("}")
    assert len(result.stdout) > 20_000
    result = run_cli("fields", "--format", "json")
    assert result.returncode == 0 and result.stdout.rstrip().endswith("}")
    assert run_cli("validate", tmp_path / "missing.yaml").returncode == 2
    assert run_cli("no-such-command").returncode == 2
    result = run_cli("build", FY2026, "-o", tmp_path / "out", "--pdf", "never", "--only", "cover")
    assert result.returncode == 0 and "1 file(s) written" in result.stderr


def test_country_names_come_from_babel_through_a_cache_that_cannot_go_wrong(tmp_path, monkeypatch):
    from babel import Locale

    from c3p_docs import cache, countries

    monkeypatch.setattr(cache, "user_cache_dir", lambda: tmp_path / "c3p-docs")
    expected = {code: name for code, name in Locale("ja").territories.items() if len(code) == 2 and code.isalpha()}
    # computed, then read back, then after another key's entry and a garbled file took its place
    for damage in (None, None, '{"key": "other babel", "value": {"PH": "wrong"}}', "{garbled"):
        for entry in tmp_path.rglob("territories-*.json"):
            if damage:
                entry.write_text(damage, encoding="utf-8")
        countries.territories.cache_clear()
        assert countries.territories("ja") == expected, damage
        assert countries.territories("ja")["PH"] == "フィリピン"
    assert list(tmp_path.rglob("territories-*.json"))
    countries.territories.cache_clear()


def test_the_template_cache_stays_bounded(fresh_cache, monkeypatch):
    from c3p_docs import jinja_env
    from c3p_docs.cache import user_cache_dir

    folder = user_cache_dir() / "templates"
    folder.mkdir(parents=True)
    for index in range(30):
        entry = folder / f"__jinja2_{index:040d}.cache"
        entry.write_bytes(b"old")
        os.utime(entry, ns=(index * 10**9, index * 10**9))
    monkeypatch.setattr(jinja_env, "CACHED_TEMPLATES", 20)
    jinja_env._bytecode_cache.cache_clear()
    assert jinja_env._bytecode_cache() is not None
    left = sorted(p.name for p in folder.iterdir())
    assert len(left) == 10 and left[0] == f"__jinja2_{20:040d}.cache"  # the newest half is kept


def test_the_cache_folder_is_where_each_platform_keeps_caches(tmp_path, monkeypatch):
    from pathlib import Path

    from c3p_docs.cache import user_cache_dir

    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "Local"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(sys, "platform", "win32")
    assert user_cache_dir() == tmp_path / "Local" / "c3p-docs" / "Cache"
    monkeypatch.setattr(sys, "platform", "linux")
    assert user_cache_dir() == tmp_path / "xdg" / "c3p-docs"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")  # the XDG spec: relative paths are invalid
    assert user_cache_dir() == Path.home() / ".cache" / "c3p-docs"


def test_a_shared_template_compiled_in_one_language_prints_the_other_language(fresh_cache):
    """A template both languages load (templates/common) is compiled once and cached; a filter applied to a
    constant must still run in the environment that renders it, not be folded in at compile time."""
    from c3p_docs.jinja_env import environment

    templates = fresh_cache / "templates"
    templates.mkdir()
    (templates / "shared.xml.j2").write_text("<p>{{ 1 | language }}</p>", encoding="utf-8")
    for lang in ("ja", "en"):
        environment.cache_clear()  # a new process
        env = environment(lang, str(templates))
        env.filters["language"] = lambda value, lang=lang: lang
        assert env.get_template("shared.xml.j2").render() == f"<p>{lang}</p>"


@pytest.mark.parametrize("arguments", [
    ["validate", "--help"], ["build", "--help"], ["subject", "make", "--help"], ["trip", "--help"], ["--help"],
    ["validate"], ["valdate", "x.yaml"], ["build", "--pdf", "sometimes", "x.yaml"], ["--version"],
])
def test_a_run_reads_only_its_command_and_says_the_same(arguments):
    """Typer reads only the named command's signature; help, usage errors and suggestions are unchanged."""
    from typer.testing import CliRunner

    from c3p_docs.cli import _for_command, app

    narrowed = _for_command(arguments)
    if arguments[0] in ("validate", "build", "subject", "trip"):
        assert len(narrowed.registered_commands) + len(narrowed.registered_groups) == 1
    runner = CliRunner(env={"NO_COLOR": "1"})
    full, only = runner.invoke(app, arguments), runner.invoke(narrowed, arguments)
    assert (only.exit_code, only.output) == (full.exit_code, full.output)


def _load_anew(name: str, base_dir=None):
    from c3p_docs import calls

    calls._cache.clear()  # a new process, as far as the in-memory profiles go
    return calls.load_call(name, base_dir)


def test_a_checked_profile_is_reused_only_while_its_text_is_the_same(fresh_cache):
    from c3p_docs import calls

    bundled = _load_anew("fy2026-1")
    assert any((fresh_cache / "cache").rglob("profile-*.pickle"))
    again = _load_anew("fy2026-1")  # from the cache
    assert again == bundled and type(again.budget.cap_jpy) is type(bundled.budget.cap_jpy)
    assert again.budget.cap_jpy.value == bundled.budget.cap_jpy.value > 0
    custom = fresh_cache / "my-call.yaml"
    text = calls.profile_path("fy2026-1").read_text(encoding="utf-8")
    custom.write_text(text, encoding="utf-8")
    assert _load_anew(str(custom)).budget.cap_jpy.value == bundled.budget.cap_jpy.value
    cap = str(bundled.budget.cap_jpy.value)
    assert cap in text
    custom.write_text(text.replace(cap, "12345678", 1), encoding="utf-8")
    assert _load_anew(str(custom)).budget.cap_jpy.value == 12345678
    custom.write_text(text.replace("attachments:", "attachments: 5\nx:", 1), encoding="utf-8")
    from c3p_docs.errors import InputError

    with pytest.raises(InputError):  # a broken profile is reported, never served from an older entry
        _load_anew(str(custom))


def test_a_damaged_profile_cache_is_ignored(fresh_cache):
    bundled = _load_anew("fy2024-2")
    for entry in (fresh_cache / "cache").rglob("profile-*.pickle"):
        entry.write_bytes(entry.read_bytes()[:50])
    assert _load_anew("fy2024-2") == bundled
    for entry in (fresh_cache / "cache").rglob("profile-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert _load_anew("fy2024-2") == bundled


def test_the_cached_project_validator_accepts_and_refuses_exactly_as_the_model(fresh_cache, monkeypatch):
    from pydantic import ValidationError

    from c3p_docs import model, project
    from c3p_docs.loading import load_yaml_file

    data = load_yaml_file(FY2026).data
    broken = {**data, "budget": {**data["budget"], "items": [{"category": "travel", "amount": "lots"}]}, "extra": 1}

    def outcome(validate, value):
        try:
            result = validate(value)
            return result, result.model_fields_set, None
        except ValidationError as error:
            return None, None, [(e["loc"], e["msg"]) for e in error.errors()]

    expected = [outcome(model.Project.model_validate, value) for value in (data, broken)]
    project._validator.cache_clear()
    assert [outcome(project.validated, value) for value in (data, broken)] == expected
    assert expected[0][0] is not None and expected[1][2]
    assert len(list((fresh_cache / "cache").rglob("project-validator-*.pickle"))) == 1
    project._validator.cache_clear()  # a new process: the validator comes from the cache
    assert [outcome(project.validated, value) for value in (data, broken)] == expected
    changed = fresh_cache / "model.py"  # another model.py is another validator
    changed.write_text(open(model.__file__, encoding="utf-8").read() + "\n# changed\n", encoding="utf-8")
    monkeypatch.setattr(model, "__file__", str(changed))
    project._validator.cache_clear()
    project.validated(data)
    assert len(list((fresh_cache / "cache").rglob("project-validator-*.pickle"))) == 2
    project._validator.cache_clear()


def test_the_cache_folder_stays_bounded_and_keeps_its_subfolders(fresh_cache, monkeypatch):
    from c3p_docs import cache

    monkeypatch.setattr(cache, "CACHED_FILES", 6)
    folder = fresh_cache / "cache" / "c3p-docs"
    (folder / "templates").mkdir(parents=True)
    os.utime(folder / "templates", (1, 1))  # the oldest entry of all
    for index in range(12):
        assert cache.cached_pickle("thing", f"key {index}", lambda index=index: {"n": index}) == {"n": index}
    files = [p for p in folder.iterdir() if p.is_file()]
    assert 0 < len(files) <= 6 and (folder / "templates").is_dir()
    assert cache.cached_pickle("thing", "key 11", lambda: {"n": "recomputed"}) == {"n": 11}  # newest kept
