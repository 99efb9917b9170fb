"""output.py in-process: permissions, a crash midway, stale renditions, disk errors that name the file."""

from __future__ import annotations

import errno
import os
import stat
import sys

import pytest

from c3p_docs import output
from c3p_docs.output import OutputState, kept_name, write_atomic

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@posix_only
def test_gives_new_files_the_umasks_permissions_and_keeps_an_existing_files_mode(tmp_path):
    write_atomic(tmp_path / "new.txt", b"a")
    assert mode(tmp_path / "new.txt") == 0o666 & ~output._umask()  # 0644 under the usual 022, not mkstemp's 0600
    shared = tmp_path / "shared.txt"
    shared.write_bytes(b"old")
    os.chmod(shared, 0o664)
    write_atomic(shared, b"new")
    assert mode(shared) == 0o664 and shared.read_bytes() == b"new"


def test_knows_its_own_files_after_a_crash_and_writes_no_new_copies(tmp_path):
    state = OutputState(tmp_path)
    state.write("submission/a.docx", b"first")
    state.write("b.pptx", b"second")
    # killed here: state.save() never ran
    leftover = tmp_path / "submission" / ".a.docx.abcd1234.tmp"
    leftover.write_bytes(b"half")
    resumed = OutputState(tmp_path)
    assert not resumed.edited_since_written("submission/a.docx") and not resumed.edited_since_written("b.pptx")
    assert not leftover.exists()  # the crashed run's temporary file is gone
    written = resumed.write("submission/a.docx", b"first, rebuilt")
    assert written.kept is None and written.relative == "submission/a.docx"
    resumed.save()
    assert not (tmp_path / output.JOURNAL_FILE).exists()
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [".c3p-docs-state.json", "a.docx", "b.pptx"]


def test_still_keeps_a_file_a_person_edited_after_a_crash(tmp_path):
    OutputState(tmp_path).write("a.docx", b"ours")
    (tmp_path / "a.docx").write_bytes(b"theirs")
    written = OutputState(tmp_path).write("a.docx", b"ours, new")
    assert written.kept == "a.docx" and (tmp_path / "a.docx").read_bytes() == b"theirs"


def test_removes_its_new_rendition_once_the_file_is_replaced_with_force(tmp_path):
    state = OutputState(tmp_path)
    state.write("r.docx", b"v1")
    (tmp_path / "r.docx").write_bytes(b"edited")
    assert state.write("r.docx", b"v2").relative == kept_name("r.docx")
    state.write("r.docx", b"v3", force=True)
    assert (tmp_path / "r.docx").read_bytes() == b"v3" and not (tmp_path / "r.new.docx").exists()
    assert "r.new.docx" not in state.written


def test_never_writes_through_a_link_a_person_put_there(tmp_path):
    (tmp_path / "target.txt").write_bytes(b"keep me")
    (tmp_path / "a.docx").symlink_to(tmp_path / "target.txt")
    written = OutputState(tmp_path).write("a.docx", b"ours")
    assert written.kept == "a.docx" and (tmp_path / "target.txt").read_bytes() == b"keep me"


def test_names_the_file_when_the_disk_is_full(tmp_path, monkeypatch):
    def full(_):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "fsync", full)
    with pytest.raises(OSError) as raised:
        write_atomic(tmp_path / "report.docx", b"data")
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(tmp_path / "report.docx")
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind


def test_leaves_no_temporary_file_when_stopped_by_sigterm(tmp_path, monkeypatch):
    from c3p_docs.errors import Terminated

    def stopped(*_):
        raise Terminated()

    monkeypatch.setattr(output.os, "replace", stopped)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "report.docx", b"data")
    assert list(tmp_path.iterdir()) == []
