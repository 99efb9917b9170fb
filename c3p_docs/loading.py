"""Safe YAML loading that keeps the line and column of every node and cleans pasted text."""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from c3p_docs.errors import InputError, UsageError
from c3p_docs.findings import Finding, Severity
from c3p_docs.i18n import N_, _

# libyaml is ~15x faster; its nodes carry the same marks. PyYAML built without it lacks CSafeLoader.
_BaseLoader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)



def safe_load(text: str) -> Any:
    """Our own data files (strings, aliases, starters): plain safe YAML through libyaml when present, read back
    from the user cache while the text is the same (libyaml parses, but PyYAML builds the values in Python)."""
    from c3p_docs.cache import cached_pickle

    return cached_pickle("data", f"{text}\0{yaml.__version__}", lambda: yaml.load(text, Loader=_BaseLoader))


MAX_FILE_BYTES = 5 * 1024 * 1024
# An alias bomb composes into a small graph but expands exponentially; count expanded nodes.
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 64

_STR = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
# C0 controls except tab/LF/CR, DEL, C1 controls, and the zero-width/bidi marks Word and Excel paste.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# The same, plus what only an escape ("\\ud800") can write and no document may hold: lone surrogates, U+FFFE/FFFF.
_UNWRITABLE = re.compile(_CONTROL.pattern[:-1] + "\ud800-\udfff\ufffe\uffff]")

PathKey = tuple[str | int, ...]


def format_path(path: PathKey) -> str:
    """`('budget', 'items', 2, 'quantity')` → `budget.items[2].quantity`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


@dataclass
class LoadedYaml:
    """A YAML document as plain data, with where each value came from."""

    data: Any
    file: str
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    flow_mappings: set[PathKey] = field(default_factory=set)
    """Mappings written inline as `{a: 1, b: 2}`, where an unquoted comma splits a value."""

    def position(self, path: PathKey) -> tuple[int | None, int | None]:
        """Line and column of the nearest node on the path that exists (a missing key → its parent)."""
        path = tuple(path)
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (None, None))

    def finding(self, code: str, severity: Severity, path: PathKey, message: str, **extra) -> Finding:
        line, column = self.position(path)
        return Finding(code, severity, message, file=self.file, path=format_path(path) or None,
                       line=line, column=column, **extra)


class _Builder:
    """Turns a composed node graph into Python data, recording positions and refusing hostile input."""

    def __init__(self, loader: yaml.constructor.SafeConstructor, result: LoadedYaml) -> None:
        self.loader = loader
        self.result = result
        self.expanded = 0

    def build(self, node: yaml.Node, path: PathKey, depth: int = 0) -> Any:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise InputError(
                _("{file}: more than {count:,} values after expanding aliases (an alias bomb?). Write the values out "
                  "instead of nesting aliases.").format(file=self.result.file, count=MAX_EXPANDED_NODES),
                file=self.result.file)
        if depth > MAX_DEPTH:
            raise InputError(_("{where}: nested deeper than {depth} levels.").format(
                where=f"{self.result.file}:{node.start_mark.line + 1}", depth=MAX_DEPTH), **self._where(node))
        self.result.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _ALLOWED_TAGS:
            raise InputError(
                _("{where}: the tag {tag} is not allowed; project files hold plain data only. Remove the tag.").format(
                    where=f"{self.result.file}:{node.start_mark.line + 1}:{node.start_mark.column + 1}",
                    tag=repr(node.tag)), **self._where(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,), depth + 1) for index, item in enumerate(node.value)]
        if node.tag == _STR:  # most values: what PyYAML's str constructor returns, without its bookkeeping
            value = node.value
        else:
            try:
                value = self.loader.construct_object(node, deep=True)
            except (ValueError, OverflowError):  # 2026-02-30 looks like a date but is none: the schema says so
                value = node.value
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", self._clean(value, node, path))
        return value

    def _where(self, node: yaml.Node) -> dict:
        return {"file": self.result.file, "line": node.start_mark.line + 1, "column": node.start_mark.column + 1}

    def _clean(self, value: str, node: yaml.Node, path: PathKey) -> str:
        """Remove what an escape (`"\\x01"`) wrote past the check on the raw text, with the same warning."""
        if not _UNWRITABLE.search(value):
            return value
        codes = {f"U+{ord(c):04X}" for c in _UNWRITABLE.findall(value)}
        self.result.findings.append(_control_finding(codes, self.result.file, format_path(path) or None,
                                                     node.start_mark.line + 1))
        return _UNWRITABLE.sub("", value)

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict:
        self.loader.flatten_mapping(node)  # resolves `<<` merge keys
        if node.flow_style:
            self.result.flow_mappings.add(path)
        mapping: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(_("{where}: keys must be plain text.").format(
                    where=f"{self.result.file}:{key_node.start_mark.line + 1}"), **self._where(key_node))
            key = key_node.value if key_node.tag == _STR else self.loader.construct_object(key_node)
            key = str(key) if not isinstance(key, str) else unicodedata.normalize("NFC", self._clean(key, key_node, path))
            if key in mapping:
                line = key_node.start_mark.line + 1
                self.result.findings.append(Finding(
                    "duplicate-key", "error", _("the key {key} appears twice; YAML would silently keep the second "
                                                "value. Keep one.").format(key=repr(key)),
                    file=self.result.file, path=format_path(path + (key,)), line=line,
                    column=key_node.start_mark.column + 1))
            child = path + (key,)
            self.result.positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            mapping[key] = self.build(value_node, child, depth + 1)
        return mapping



_YAML_PROBLEMS = {
    "mapping values are not allowed here": N_("a colon where no key may start (a value holding ': ' needs quotes)"),
    "did not find expected key": N_("a line indented as part of the mapping above, but not a `key: value`"),
    "did not find expected ',' or '}'": N_("the `{…}` is not closed with `}` (or a comma is missing)"),
    "did not find expected ',' or ']'": N_("the `[…]` is not closed with `]` (or a comma is missing)"),
    "did not find expected '-' indicator": N_("a list item without its `- `"),
    "could not find expected ':'": N_("a key without its colon (`key: value`)"),
    "found unexpected end of stream": N_("the file ends inside a quoted text or a bracket"),
    "found unclosed quoted scalar": N_("a quoted text without its closing quote"),
    "while parsing a block mapping": N_("the mapping"),
    "while parsing a flow mapping": N_("the `{…}`"),
    "while parsing a flow sequence": N_("the `[…]`"),
    "while parsing a block collection": N_("the list"),
    "while scanning a simple key": N_("the key"),
    "while scanning a quoted scalar": N_("the quoted text"),
    "while scanning a plain scalar": N_("the text"),
}


def _yaml_words(text: str | None, at: str = "") -> str | None:
    """PyYAML's wording of a syntax problem, in the message language where we know it (its rare ones as it is);
    `at`: the character where it was found."""
    if not text:
        return text
    if at == "\t" and "cannot start any token" in text:
        return _("a tab character: YAML indents with spaces only; replace the tab with spaces")
    known = _YAML_PROBLEMS.get(text)
    return _(known) if known else text


def parse_yaml(text: str, file: str) -> LoadedYaml:
    """Parse YAML text into data plus positions; raises InputError for syntax errors or hostile input."""
    result = LoadedYaml(data=None, file=file)
    text, removed = _strip_controls(text)
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            result.data = {}
            return result
        result.data = _Builder(loader, result).build(node, ())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{file}:{mark.line + 1}:{mark.column + 1}" if mark else file
        lines = text.splitlines()
        at = lines[mark.line][mark.column:mark.column + 1] if mark and mark.line < len(lines) else ""
        problem = _yaml_words(error.problem or error.context, at) or _("invalid YAML")
        if error.context and error.context_mark and mark and error.context_mark.line != mark.line:
            problem = _("{problem} ({context} that started at line {line})").format(
                problem=problem, context=_yaml_words(error.context), line=error.context_mark.line + 1)
        raise InputError(_("{where}: YAML syntax error: {problem}. Check indentation, quotes and colons on that line "
                           "and the one before it.").format(where=where, problem=problem),
                         file=file, line=mark.line + 1 if mark else None,
                         column=mark.column + 1 if mark else None) from None
    except yaml.YAMLError as error:
        raise InputError(_("{file}: YAML error: {error}").format(file=file, error=error), file=file) from None
    except RecursionError:
        raise InputError(_("{file}: the YAML nests too deeply to read.").format(file=file), file=file) from None
    finally:
        loader.dispose()
    for line, codes in removed.items():
        result.findings.append(_control_finding(codes, file, format_path(_path_on_line(result, line)) or None, line))
    return result


def _control_finding(codes: set[str], file: str, path: str | None, line: int) -> Finding:
    return Finding("control-characters", "warning",
                   _("removed invisible control characters ({codes}), probably pasted from Word or Excel; check the "
                     "text reads as intended.").format(codes=", ".join(sorted(codes))), file=file, path=path, line=line)


def _strip_controls(text: str) -> tuple[str, dict[int, set[str]]]:
    """Remove control characters before parsing (the YAML reader refuses them), noting their lines."""
    removed: dict[int, set[str]] = {}
    if not _CONTROL.search(text):
        return text, removed
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        removed.setdefault(line, set()).add(f"U+{ord(match.group()):04X}")
    return _CONTROL.sub("", text), removed


def _path_on_line(result: LoadedYaml, line: int) -> PathKey:
    """The deepest node that starts on `line`, to name the field a stray character was in."""
    on_line = [path for path, (node_line, _column) in result.positions.items() if node_line == line]
    return max(on_line, key=len) if on_line else ()


def read_limited(path: Path, what: str = N_("file"), max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, at most `max_bytes`: a FIFO, a device (/dev/zero) or a folder is refused
    before anything blocks, and a file that grows while read is cut off at the limit. `what` names the file in
    messages (a message of the catalog: `N_("project file")`)."""
    with open_regular(path, what) as stream:
        size = os.fstat(stream.fileno()).st_size
        try:
            # As much as the file holds, plus a byte to see it grew; reading max_bytes at once would allocate
            # (and fault in) the whole limit for every small file (~1.5 ms a project in a monthly run).
            data = stream.read(min(size, max_bytes) + 1)
            if len(data) > size:
                data += stream.read(max_bytes + 1 - len(data))
        except OSError as error:
            raise UsageError(_("{file}: cannot read: {reason}.").format(file=path, reason=error.strerror)) from None
    if len(data) > max_bytes:
        raise InputError(_("{file}: too large for a {what} (over {count:,} bytes).").format(
            file=path, what=_(what), count=max_bytes))
    return data


def open_regular(path: Path, what: str = N_("file")) -> BinaryIO:
    """A regular file opened for reading, for callers that stream it (read_limited reads it whole): a FIFO,
    a device or a folder is refused before anything blocks."""
    import stat

    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise UsageError(_("{file}: no such {what}. Check the path.").format(file=path, what=_(what))) from None
    except IsADirectoryError:
        raise UsageError(_("{file}: is a folder, expected a {what}.").format(file=path, what=_(what))) from None
    except OSError as error:
        raise UsageError(_("{file}: cannot read: {reason}.").format(file=path, reason=error.strerror)) from None
    mode = os.fstat(handle).st_mode
    if not stat.S_ISREG(mode):
        os.close(handle)
        if stat.S_ISDIR(mode):
            raise UsageError(_("{file}: is a folder, expected a {what}.").format(file=path, what=_(what)))
        raise InputError(_("{file}: not a regular file (a pipe, device or socket); give a {what} saved on "
                           "disk.").format(file=path, what=_(what)))
    return os.fdopen(handle, "rb")


def read_text_file(path: Path, what: str = N_("file"), max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read a small UTF-8 text file with a clear error for every way that can fail."""
    if not path.exists() and not path.is_symlink():
        raise UsageError(_("{file}: no such {what}. Check the path (run `c3p-docs init` to start a project).").format(
            file=path, what=_(what)))
    raw = read_limited(path, what, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        hint = _("Save it as UTF-8.")
        try:
            raw.decode("cp932")
            hint = _("It looks like Shift_JIS (Windows Japanese): save it as UTF-8.")
        except UnicodeDecodeError:
            pass
        raise InputError(_("{file}: not UTF-8 text (byte {byte}). {hint}").format(file=path, byte=error.start,
                                                                              hint=hint)) from None
    return text


def load_yaml_file(path: Path, what: str = N_("file")) -> LoadedYaml:
    return parse_yaml(read_text_file(path, what), str(path))
