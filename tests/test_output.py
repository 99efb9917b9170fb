"""output.py in-process: permissions, a crash midway, stale renditions, disk errors that name the file."""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

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


# -- what a write may replace, and where (issue 21) ------------------------------------------------------------

@posix_only
def test_refuses_a_pipe_a_folder_or_a_device_as_the_file_to_write(tmp_path):
    from c3p_docs.errors import UsageError

    os.mkfifo(tmp_path / "pipe.ics")
    (tmp_path / "folder.ics").mkdir()
    for target in (tmp_path / "pipe.ics", tmp_path / "folder.ics"):
        with pytest.raises(UsageError, match=str(target)):
            write_atomic(target, b"data")  # a pipe would block open(); os.replace would replace it
    assert stat.S_ISFIFO(os.lstat(tmp_path / "pipe.ics").st_mode) and (tmp_path / "folder.ics").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.ics", "pipe.ics"]  # no temporary left
    with pytest.raises(UsageError, match="a device"):
        output.check_target(Path("/dev/null"))  # the check alone: nothing is written near the device


def test_a_250_byte_name_is_written_whole_with_a_shorter_temporary_name(tmp_path, monkeypatch):
    name = "予" * 82 + ".ics"  # 250 bytes in UTF-8
    assert len(name.encode()) == 250
    temporaries = []
    original = output.tempfile.mkstemp

    def spy(**kwargs):
        handle, path = original(**kwargs)
        temporaries.append(os.path.basename(path))
        return handle, path

    monkeypatch.setattr(output.tempfile, "mkstemp", spy)
    write_atomic(tmp_path / name, b"calendar")
    assert (tmp_path / name).read_bytes() == b"calendar"
    assert len(os.fsencode(temporaries[0])) <= 255 and temporaries[0].startswith(".予")


@posix_only
@pytest.mark.parametrize("name", [output.STATE_FILE, output.JOURNAL_FILE])
def test_a_pipe_or_a_huge_file_as_our_own_record_is_named_never_read(tmp_path, name):
    from c3p_docs.errors import UsageError

    os.mkfifo(tmp_path / name)
    with pytest.raises(UsageError, match=f"{name}: is a pipe"):
        OutputState(tmp_path)  # would block forever reading the pipe
    os.unlink(tmp_path / name)
    with open(tmp_path / name, "wb") as sparse:
        sparse.truncate(4 * 1024**3)  # 4 GB without using the disk
    with pytest.raises(UsageError, match=f"{name}: is 4,294,967,296 bytes"):
        OutputState(tmp_path)


def test_a_temporary_file_left_by_a_kill_during_the_manifest_write_is_reclaimed(tmp_path):
    state = OutputState(tmp_path)
    state.write("report.docx", b"ours")
    state.save()  # the journal is gone: a kill -9 while manifest.json is written leaves only the temporary
    leftovers = [tmp_path / (output.temporary_prefix(name) + suffix) for name, suffix in (
        ("manifest.json", "k3x9_q2a.tmp"), (output.STATE_FILE, "abcd1234.tmp"), ("report.docx", "zz99yy88.tmp"))]
    for leftover in leftovers:
        leftover.write_bytes(b"half")
    foreign = tmp_path / ".notes.txt.abcd1234.tmp"  # not a file of ours: left alone
    foreign.write_bytes(b"theirs")
    OutputState(tmp_path)
    assert not any(leftover.exists() for leftover in leftovers) and foreign.exists()


def test_a_shortened_temporary_name_is_recognised_as_ours(tmp_path):
    name = "a" * 250 + ".docx"
    state = OutputState(tmp_path)
    state.write(name, b"ours")
    state.save()
    leftover = tmp_path / (output.temporary_prefix(name) + "abcd1234.tmp")
    leftover.write_bytes(b"half")
    OutputState(tmp_path)
    assert not leftover.exists()


@posix_only
def test_never_writes_through_a_linked_subfolder(tmp_path):
    from c3p_docs.errors import UsageError

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "id_rsa").write_bytes(b"secret")
    out = tmp_path / "out"
    out.mkdir()
    (out / "submission").symlink_to(elsewhere)
    with pytest.raises(UsageError, match="submission: is a symbolic link"):
        OutputState(out).write("submission/a.docx", b"ours")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["id_rsa"]


@pytest.mark.parametrize("relative", ["../a.docx", "submission/../../a.docx", "./a.docx", "/etc/a", "a\\..\\b", ""])
def test_never_writes_a_name_that_leaves_the_folder(tmp_path, relative):
    from c3p_docs.errors import UsageError

    with pytest.raises(UsageError, match="not a file name c3p-docs can write"):
        OutputState(tmp_path / "out").write(relative, b"ours")
    assert not (tmp_path / "a.docx").exists()


def test_a_rendition_an_older_version_left_in_the_package_is_moved_out(tmp_path):
    state = OutputState(tmp_path)
    state.write("submission/a.docx", b"ours")
    state.write("submission/b.new.docx", b"our old rendition")
    (tmp_path / "submission" / "c.new.docx").write_bytes(b"a person's")
    moved = state.evict_renditions("submission")
    assert moved == [("submission/c.new.docx", "drafts/submission/c.new.docx")]
    assert sorted(p.name for p in (tmp_path / "submission").iterdir()) == ["a.docx"]
    assert (tmp_path / "drafts" / "submission" / "c.new.docx").read_bytes() == b"a person's"
