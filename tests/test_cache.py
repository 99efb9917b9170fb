"""Caches that cannot lie: the same bytes with or without them, and no entry outlives the code that made it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES


def run(*args: str | Path, cache: Path, no_cache: bool = False) -> subprocess.CompletedProcess:
    """A command in a new process whose user cache folder is `cache` (XDG_CACHE_HOME, as on Linux)."""
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)}
    env.pop("C3P_NO_CACHE", None)
    if no_cache:
        env["C3P_NO_CACHE"] = "1"
    return subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, env=env, timeout=300)


def files(folder: Path) -> dict[str, bytes]:
    """Every file a build wrote, but its own record of when it wrote them (the state file holds file times)."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.name.startswith(".c3p-docs-state")}


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the cache folder follows XDG_CACHE_HOME on Linux")
def test_every_sample_builds_the_same_bytes_with_a_cold_a_warm_and_no_cache(tmp_path):
    samples = sorted(SAMPLES.glob("*.yaml"))
    assert len(samples) >= 3
    cache, unused = tmp_path / "cache", tmp_path / "no-cache"
    for sample in samples:
        runs = {}
        for name, no_cache in (("cold", False), ("warm", False), ("off", True)):
            out = tmp_path / name / sample.stem
            result = run("-m", "c3p_docs", "build", sample, "-o", out, "--pdf", "never", "--format", "json",
                         cache=unused if no_cache else cache, no_cache=no_cache)
            runs[name] = (result.returncode, result.stdout.replace(str(out), "OUT"), files(out) if out.exists() else {})
        assert runs["cold"] == runs["warm"] == runs["off"], sample.name
    assert any((cache / "c3p-docs").glob("profile-*.pickle")) and any((cache / "c3p-docs" / "templates").iterdir())
    assert not unused.exists()  # C3P_NO_CACHE=1: nothing read or written, not even the folder


FILTER_USER = """
import sys
sys.path.insert(0, sys.argv[1])
import shouting
from c3p_docs.jinja_env import environment

env = environment("ja", sys.argv[2])
env.filters["shout"] = shouting.shout
print(env.get_template("page.xml.j2").render())
"""


def test_a_filter_changed_between_runs_is_never_served_from_the_cache(tmp_path):
    """Jinja folds a filter applied to a constant into the compiled code: a cached template compiled with the
    old filter printed its old result in the next process."""
    code, templates = tmp_path / "code", tmp_path / "templates"
    code.mkdir()
    templates.mkdir()
    (templates / "page.xml.j2").write_text("<p>{{ 'quiet' | shout }}</p>", encoding="utf-8")
    printed = []
    for version in ("old", "new"):
        (code / "shouting.py").write_text(f"def shout(value):\n    return value + ' ({version})'\n", encoding="utf-8")
        result = run("-c", FILTER_USER, code, templates, cache=tmp_path / "cache")
        assert result.returncode == 0, result.stderr
        printed.append(result.stdout.strip())
    assert printed == ["<p>quiet (old)</p>", "<p>quiet (new)</p>"]
    assert len(list((tmp_path / "cache" / "c3p-docs" / "templates").iterdir())) == 2


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    from c3p_docs import cache

    monkeypatch.setattr(cache, "user_cache_dir", lambda: tmp_path / "c3p-docs")
    monkeypatch.delenv("C3P_NO_CACHE", raising=False)
    return tmp_path / "c3p-docs"


@pytest.mark.parametrize("store", ["cached_json", "cached_pickle"])
def test_an_entry_is_computed_again_for_another_version_or_changed_code(cache_folder, monkeypatch, store):
    from c3p_docs import cache

    computed = []

    def compute():
        computed.append(1)
        return {"n": len(computed)}

    cached = getattr(cache, store)
    assert cached("thing", "key", compute) == {"n": 1}
    assert cached("thing", "key", compute) == {"n": 1}  # served
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert cached("thing", "key", compute) == {"n": 2}
    digest = cache._file_digest
    monkeypatch.setattr(cache, "_file_digest", lambda name: digest(name) + ("x" if name == __file__ else ""))
    assert cached("thing", "key", compute) == {"n": 3}  # this file (the code computing it) changed
    monkeypatch.setenv("C3P_NO_CACHE", "1")
    assert cached("thing", "key", compute) == {"n": 4} and cached("thing", "key", compute) == {"n": 5}


def test_compiled_templates_are_keyed_by_the_code_of_their_filters(cache_folder, monkeypatch):
    from c3p_docs import cache, jinja_env

    jinja_env.environment.cache_clear()
    env = jinja_env.environment("ja")
    before = jinja_env._compile_settings(env, "x.xml.j2")
    jinja_env._environment_settings.cache_clear()
    digest = cache._file_digest
    filter_file = cache.defining_file(env.filters["upper"])
    monkeypatch.setattr(cache, "_file_digest", lambda name: digest(name) + ("x" if name == filter_file else ""))
    assert jinja_env._compile_settings(env, "x.xml.j2") != before
    jinja_env._environment_settings.cache_clear()
    jinja_env.environment.cache_clear()
