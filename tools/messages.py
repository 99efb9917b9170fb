"""Keep the message catalogs in step with the code: extract the messages, update the Japanese catalog, check it.

    python tools/messages.py update    # c3p_docs/locale/c3p_docs.pot from the code, then ja/…/c3p_docs.po from it
    python tools/messages.py check     # every message has Japanese, with the same {fields}; exit 1 if not

`update` runs exactly these (from the repository's root):

    pybabel extract -F babel.cfg --add-location=file --sort-by-file --no-wrap --project=c3p-docs \
        -c Translators: -o c3p_docs/locale/c3p_docs.pot c3p_docs
    pybabel update -i c3p_docs/locale/c3p_docs.pot -d c3p_docs/locale -D c3p_docs -l ja --no-wrap \
        --ignore-pot-creation-date --init-missing

Then translate each new or `#, fuzzy` entry of c3p_docs/locale/ja/LC_MESSAGES/c3p_docs.po (remove the fuzzy
line once the translation is right) and run `check`. The .mo files are compiled by the package build; a source
checkout compiles the .po at run time.
"""

from __future__ import annotations

import io
import string
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
POT = Path("c3p_docs") / "locale" / "c3p_docs.pot"
JAPANESE = Path("c3p_docs") / "locale" / "ja" / "LC_MESSAGES" / "c3p_docs.po"
EXTRACT = ["extract", "-F", "babel.cfg", "--add-location=file", "--sort-by-file", "--no-wrap", "--project=c3p-docs",
           "-c", "Translators:", "-o", str(POT), "c3p_docs"]
UPDATE = ["update", "-i", str(POT), "-d", str(Path("c3p_docs") / "locale"), "-D", "c3p_docs", "-l", "ja",
          "--no-wrap", "--ignore-pot-creation-date", "--init-missing"]


def pybabel(arguments: list[str]) -> None:
    """Run a `pybabel` command in the repository's root."""
    import os

    from babel.messages.frontend import CommandLineInterface

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", *arguments])
    finally:
        os.chdir(here)


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message in the code, as `pybabel extract` finds it: msgid → (msgid, plural) for ngettext."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(MAPPING, encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)
    found: dict[str, tuple[str, ...]] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT / "c3p_docs", method_map, options_map,
                                                                       keywords=DEFAULT_KEYWORDS):
        texts = (message,) if isinstance(message, str) else tuple(message)
        found[texts[0]] = texts
    return found


def read_catalog(path: Path):
    from babel.messages.pofile import read_po

    return read_po(io.BytesIO((ROOT / path).read_bytes()))


def fields(text: str) -> Counter:
    """The `{fields}` of a message (with their format spec); a message that is no format string has none."""
    try:
        return Counter(f"{name}{'!' + conversion if conversion else ''}:{spec}"
                       for _, name, spec, conversion in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return Counter({"<not a format string>": 1})


def problems() -> list[str]:
    """What keeps the Japanese catalog from covering the code: messages without Japanese, fuzzy ones, fields
    that differ, and a .pot older than the code."""
    catalog = read_catalog(JAPANESE)
    found = []
    code = extracted()
    template = {message.id if isinstance(message.id, str) else message.id[0] for message in read_catalog(POT) if message.id}
    if template != set(code):
        found.append(f"{POT} is not what the code holds ({len(set(code) - template)} new, {len(template - set(code))} "
                     "gone): run `python tools/messages.py update`")
    for msgid, texts in code.items():
        message = catalog.get(msgid)
        translations = [] if message is None else (
            [message.string] if isinstance(message.string, str) else list(message.string))
        if message is None or not all(translations):
            found.append(f"no Japanese: {msgid!r}")
        elif message.fuzzy:
            found.append(f"fuzzy (check it, then remove the fuzzy flag): {msgid!r}")
        elif any(fields(translation) != fields(texts[-1]) for translation in translations):  # plural: its fields
            found.append(f"fields differ: {msgid!r}")
    return found


def main(arguments: list[str]) -> int:
    command = arguments[0] if arguments else ""
    if command == "update":
        pybabel(EXTRACT)
        pybabel(UPDATE)
        return 0
    if command == "check":
        found = problems()
        sys.stdout.write("".join(f"{line}\n" for line in found) or "every message has Japanese.\n")
        return 1 if found else 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
