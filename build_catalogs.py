"""Package build step: compile the message catalogs (c3p_docs/locale/*/LC_MESSAGES/*.po) into .mo files."""

from __future__ import annotations

import io
from pathlib import Path

from setuptools.command.build_py import build_py

LOCALE = Path("c3p_docs") / "locale"


class BuildPy(build_py):
    """build_py that also writes each catalog's .mo into the build (the .po files are the committed source)."""

    def run(self) -> None:
        super().run()
        for source, target in self._catalogs().items():
            Path(target).parent.mkdir(parents=True, exist_ok=True)
            Path(target).write_bytes(compile_catalog(Path(source).read_bytes()))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        return [*super().get_outputs(include_bytecode), *self._catalogs().values()]

    def _catalogs(self) -> dict[str, str]:
        return {str(po): str(Path(self.build_lib) / po.with_suffix(".mo"))
                for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))}


def compile_catalog(po: bytes) -> bytes:
    """As `pybabel compile` does (fuzzy entries left out); c3p_docs.i18n.compile_po does the same at run time."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    buffer = io.BytesIO()
    write_mo(buffer, read_po(io.BytesIO(po)))
    return buffer.getvalue()
