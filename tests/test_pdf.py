"""pdf.py: LibreOffice in chunks with retries, and work folders that never outlive a run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FY2026

from c3p_docs import pdf

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="signals and a shell-script soffice are POSIX")


def test_many_files_go_in_chunks_and_a_file_lost_in_its_chunk_is_tried_once_alone(tmp_path, monkeypatch):
    calls: list[list[str]] = []
    lost_once = {"f003.docx", "f025.docx"}

    def convert(soffice, sources):
        calls.append([s.name for s in sources])
        return {s: b"%PDF " + s.name.encode() for s in sources if len(sources) == 1 or s.name not in lost_once}

    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "_convert", convert)
    sources = [tmp_path / f"f{index:03d}.docx" for index in range(45)]
    converted = pdf.convert_to_pdf(sources)
    assert [len(chunk) for chunk in calls] == [20, 20, 5, 1, 1]
    assert calls[3:] == [["f003.docx"], ["f025.docx"]]
    assert set(converted) == set(sources) and converted[sources[3]] == b"%PDF f003.docx"


def test_a_file_that_fails_alone_too_stays_unconverted(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_soffice", lambda: "soffice")
    monkeypatch.setattr(pdf, "_convert", lambda soffice, sources: {s: b"%PDF" for s in sources if s.stem != "bad"})
    good, bad = tmp_path / "good.docx", tmp_path / "bad.docx"
    assert set(pdf.convert_to_pdf([good, bad])) == {good}


def test_a_work_folder_a_killed_run_left_is_reclaimed_unless_a_run_holds_it(tmp_path, monkeypatch):
    from filelock import FileLock

    monkeypatch.setattr(pdf.tempfile, "tempdir", str(tmp_path))
    old, held, recent = (tmp_path / f"{pdf.WORK_PREFIX}{name}" for name in ("old", "held", "recent"))
    for folder in (old, held, recent):
        (folder / "pdf").mkdir(parents=True)
        (folder / "in000.docx").write_bytes(b"a copy of a document")
    hour_ago = time.time() - 3600
    for folder in (old, held):
        os.utime(folder, (hour_ago, hour_ago))
    with FileLock(str(held / ".lock")):
        removed = pdf.reclaim_work_folders()
    assert removed == [str(old)] and not old.exists() and held.exists() and recent.exists()


@posix_only
def test_sigterm_during_a_conversion_removes_the_work_folder_and_stops_soffice(tmp_path):
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    # Like soffice, which starts soffice.bin: a child that outlives its parent unless the whole group is stopped.
    fake.write_text(f"#!{sys.executable}\nimport subprocess, sys, time\n"
                    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
                    f"open({str(tmp_path / 'pid')!r}, 'w').write(str(child.pid))\ntime.sleep(120)\n")
    fake.chmod(0o755)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}", "TMPDIR": str(temporary),
           "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "c3p_docs", "monthly", str(FY2026), "--month", "2026-07", "-o",
                                str(tmp_path / "out"), "--pdf", "always"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not (tmp_path / "pid").exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.1)
    assert (tmp_path / "pid").exists(), process.communicate()
    assert list(temporary.glob(f"{pdf.WORK_PREFIX}*"))  # the copies of the documents are there now
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)
    assert process.returncode == 143
    assert not list(temporary.glob(f"{pdf.WORK_PREFIX}*"))
    assert not alive(int((tmp_path / "pid").read_text()))


def alive(pid: int) -> bool:
    """Running (a killed process nobody reaped yet is a zombie, not alive)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
