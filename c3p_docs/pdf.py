"""PDF conversion with LibreOffice: files in chunks, each chunk one soffice call in a private, self-cleaning folder."""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from c3p_docs.errors import ToolMissing
from c3p_docs.i18n import _

FONTCONFIG = Path(__file__).parent / "data" / "fonts.conf"
TIMEOUT_SECONDS = 300
CHUNK = 20
"""Files per soffice call: one call for many files is ~4× faster than a call each, but a call for 130 reports
lost 14 of them (issue 21); a failed file is tried once more alone."""
WORK_PREFIX = "c3p-pdf-"
STALE_AFTER_SECONDS = 600
"""A work folder this old whose lock is free belongs to a run that was killed: the next run removes it."""
_ACTIVE: set[str] = set()
"""Work folders of this process, removed at exit even when a signal cut the run short."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(sources: list[Path]) -> dict[Path, bytes]:
    """Each source's PDF bytes, for those LibreOffice converted: in chunks of CHUNK files, a file that failed in
    its chunk tried once more alone."""
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissing(_("LibreOffice (soffice) is not installed; install libreoffice-writer-nogui and "
                            "libreoffice-impress-nogui, or use --pdf never."))
    reclaim_work_folders()
    results: dict[Path, bytes] = {}
    for start in range(0, len(sources), CHUNK):
        results.update(_convert(soffice, sources[start:start + CHUNK]))
    if len(sources) > 1:
        for source in [s for s in sources if s not in results]:
            results.update(_convert(soffice, [source]))
    return results


def _convert(soffice: str, sources: list[Path]) -> dict[Path, bytes]:
    """One soffice call; copies under ASCII names (its output name follows the input's), mapped back by index."""
    with work_folder() as work:
        inputs = []
        for index, source in enumerate(sources):
            target = work / f"in{index:03d}{source.suffix}"
            shutil.copyfile(source, target)
            inputs.append(target)
        out_dir = work / "pdf"
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTCONFIG), "HOME": str(work)}
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, inputs)]
        _run(command, env)
        results = {}
        for source, converted in zip(sources, inputs):
            pdf = out_dir / (converted.stem + ".pdf")
            if pdf.is_file():
                results[source] = pdf.read_bytes()
        return results


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run soffice in its own process group; a timeout, Ctrl-C or SIGTERM kills the whole group (soffice starts
    soffice.bin, which would otherwise live on and keep writing into the work folder)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                               start_new_session=True)
    try:
        process.wait(timeout=TIMEOUT_SECONDS)
    except BaseException as error:
        _kill_group(process)
        if not isinstance(error, subprocess.TimeoutExpired):
            raise


def _kill_group(process: subprocess.Popen) -> None:
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass  # already gone
    process.wait()


@contextmanager
def work_folder() -> Iterator[Path]:
    """A private folder for one conversion, locked while in use and removed after it (also at exit and after a
    signal); a folder a killed run left is reclaimed by `reclaim_work_folders`."""
    from filelock import FileLock

    path = tempfile.mkdtemp(prefix=WORK_PREFIX)
    _ACTIVE.add(path)
    lock = FileLock(os.path.join(path, ".lock"))
    lock.acquire(timeout=0)
    try:
        yield Path(path)
    finally:
        lock.release()
        shutil.rmtree(path, ignore_errors=True)
        _ACTIVE.discard(path)


def remove_work_folders() -> None:
    """Remove this process's work folders (the exit hook: an interrupted run leaves no copies of documents)."""
    for path in list(_ACTIVE):
        shutil.rmtree(path, ignore_errors=True)
        _ACTIVE.discard(path)


atexit.register(remove_work_folders)


def reclaim_work_folders(now: float | None = None) -> list[str]:
    """Remove work folders older than STALE_AFTER_SECONDS that no live run holds (a run killed with -9)."""
    from filelock import FileLock, Timeout

    now = time.time() if now is None else now
    removed = []
    for entry in Path(tempfile.gettempdir()).glob(f"{WORK_PREFIX}*"):
        try:
            if entry.is_symlink() or not entry.is_dir() or now - entry.stat().st_mtime < STALE_AFTER_SECONDS:
                continue
            lock = FileLock(str(entry / ".lock"))
            lock.acquire(timeout=0)
            lock.release()
        except (OSError, Timeout):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(str(entry))
    return removed


def pdf_page_count(data: bytes) -> int:
    """Pages of a PDF LibreOffice made; 0 when it cannot be read (then nothing is re-fitted)."""
    import io

    from pypdf import PdfReader

    from c3p_docs.package_check.content import library_messages

    with library_messages():
        try:
            return len(PdfReader(io.BytesIO(data)).pages)
        except Exception:  # noqa: BLE001 - a damaged PDF only skips the page check
            return 0
