"""Every message a person reads is in the catalog, and has its Japanese there."""

from __future__ import annotations

import ast
import re
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
import messages  # noqa: E402 - tools/messages.py: the catalog's own extraction and check

PACKAGE = ROOT / "c3p_docs"
MESSAGE_ARGUMENTS = {
    # callee name → (index of the message among the positional arguments, its keyword)
    "Finding": (2, "message"), "finding": (3, "message"), "SubjectFinding": (4, "message"),
    "C3pError": (0, "message"), "UsageError": (0, "message"), "InputError": (0, "message"),
    "RulesBroken": (0, "message"), "ToolMissing": (0, "message"), "LedgerError": (0, "message"),
    "BadParameter": (0, "message"), "_stderr": (0, "text"), "fail": (0, "message"), "Problem": (2, "message"),
    "LedgerProblem": (3, "message"),
}
"""Calls whose argument is a message: findings and the problems that become findings, our errors, text printed on
stderr. Besides these, the first argument of every `raise SomeError(…)` is a message (pydantic quotes a validator's
ValueError in the schema errors; templates' and forms' errors name the author's mistake)."""
INTERNAL = {
    ("c3p_docs/documents/packaging.py", "the mark where the document"),
    ("c3p_docs/documents/renderer.py", "no document kind"), ("c3p_docs/package_check/content.py", "the document catalog"),
    ("c3p_docs/package_check/text.py", "hits"),  # which bound stopped the search, not a message
}
"""Exceptions that only a bug in c3p-docs raises (reported as an internal error with the details for the report),
never a message about the user's input: file and the start of the text."""
MESSAGE_KEYWORDS = {"help", "short_help", "summary", "message"}
"""Keyword arguments that are a message wherever they are given (typer's help texts, print_findings' summary)."""
WORDS = re.compile(r"[A-Za-z]{2,}")
SENTENCE = re.compile(r"[a-z]+ [a-z]+ [a-z]+")
"""Three words in a row: a sentence, not a list of ids or a code passed as a field's value."""
FIELD = re.compile(r"(?<!\{)\{[A-Za-z_][A-Za-z0-9_]*(?:![rsa])?(?::[^{}]*)?\}")
TRANSLATED = {"_", "N_", "ngettext"}


def _name(node: ast.expr) -> str | None:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None


def _untranslated(node: ast.expr) -> list[str]:
    """English text in an expression that reaches the user without passing through the catalog."""
    if isinstance(node, ast.Call) and _name(node.func) in TRANSLATED:
        return []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _untranslated(node.func.value) + [text for arg in node.args + [k.value for k in node.keywords]
                                                 for text in _untranslated_literal(arg)]
    if isinstance(node, ast.Constant):
        return [node.value] if isinstance(node.value, str) and WORDS.search(_words(node.value)) else []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        return [literal] if WORDS.search(_words(literal)) else []
    if isinstance(node, (ast.BinOp, ast.BoolOp, ast.IfExp, ast.Tuple, ast.List)):
        return [text for child in ast.iter_child_nodes(node) for text in _untranslated(child)]
    return []


def _built_text(node: ast.expr | None) -> bool:
    """Text put together at run time (an f-string, `"…" + x`, `"…".format()`): babel cannot extract it."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _built_text(node.left) or _built_text(node.right) or isinstance(node.left, ast.Constant)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant))


def _words(text: str) -> str:
    """What of a literal could be English: not the program's name that starts a line on stderr."""
    return text.replace("c3p-docs: ", "")


def _untranslated_literal(node: ast.expr) -> list[str]:
    """A field's value: a sentence written there is a message too (a list of ids or a code is not)."""
    return [text for text in _untranslated(node) if SENTENCE.search(text)]


def _formatted(tree: ast.AST) -> set[int]:
    """The calls whose result `.format()` fills in: the receiver, or either branch of a conditional receiver."""
    found: set[int] = set()
    receivers = [node.func.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Attribute) and node.func.attr == "format"]
    while receivers:
        node = receivers.pop()
        found.add(id(node))
        if isinstance(node, (ast.IfExp, ast.BoolOp)):
            receivers += [node.body, node.orelse] if isinstance(node, ast.IfExp) else node.values
    return found


def escaped_messages() -> list[str]:
    """`file:line: text` of each message written without `_()`, and of each `_()` that cannot work: an f-string
    (not extractable), a field without `.format`, `_` bound as a variable where it is the translator."""
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source.name == "i18n.py" and source.parent == PACKAGE:
            continue  # where _() is defined
        tree = ast.parse(source.read_text(encoding="utf-8"))
        where = source.relative_to(ROOT)
        imports_translator = any(isinstance(node, ast.ImportFrom) and node.module == "c3p_docs.i18n"
                                 and any(alias.name == "_" for alias in node.names) for node in ast.walk(tree))
        formatted = _formatted(tree)
        raised = {id(node.exc) for node in ast.walk(tree) if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)}
        for node in ast.walk(tree):
            if imports_translator and isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                found.append(f"{where}:{node.lineno}: `_` assigned where it is the translator")
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            if name in TRANSLATED and isinstance(node.func, ast.Name):
                argument = node.args[0] if node.args else None
                if not isinstance(argument, ast.Constant):
                    if name != "_" or _built_text(argument):
                        found.append(f"{where}:{node.lineno}: {name}() of something babel cannot read")
                elif FIELD.search(argument.value) and id(node) not in formatted and name != "N_":
                    found.append(f"{where}:{node.lineno}: {{field}} without .format(): {argument.value[:60]!r}")
                continue
            candidates = []
            if id(node) in raised and node.args:
                candidates.append(node.args[0])
            if name in MESSAGE_ARGUMENTS:
                index, keyword = MESSAGE_ARGUMENTS[name]
                if len(node.args) > index:
                    candidates.append(node.args[index])
                candidates += [k.value for k in node.keywords if k.arg == keyword]
            candidates += [k.value for k in node.keywords if k.arg in MESSAGE_KEYWORDS]
            for candidate in candidates:
                found += [f"{where}:{node.lineno}: {text[:70]!r}" for text in _untranslated(candidate)
                          if not any(str(where) == file and start in text for file, start in INTERNAL)]
    return found


def test_no_message_escapes_the_catalog():
    """A finding, an error, a help text or a summary written as a plain string or f-string fails here: wrap it in
    `_()` (fields as `_("{file} …").format(file=…)`) and add its Japanese (README, "Language")."""
    assert escaped_messages() == []


def test_every_message_has_japanese_with_the_same_fields():
    """Extracted as `pybabel extract` does (babel.cfg); each msgid has a non-empty, non-fuzzy Japanese msgstr whose
    `{fields}` are exactly the msgid's, and the committed .pot is what the code holds."""
    assert messages.problems() == []


def test_the_checks_above_can_fail(tmp_path, monkeypatch):
    """A message written the old way, and one whose Japanese is missing or drops a field, are found."""
    module = tmp_path / "c3p_docs"
    module.mkdir()
    (module / "bad.py").write_text(
        "from c3p_docs.i18n import _\n"
        "def check(path, value):\n"
        "    _, rest = value\n"
        "    raise UsageError(f'{path}: no such file. Check the path.')\n"
        "def summary(count):\n"
        "    print_findings([], 'text', summary=_('{count} file(s) written'))\n"
        "    return Finding('code', 'error', 'plain English sentence here')\n", encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", module)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = escaped_messages()
    assert any("`_` assigned" in line for line in found)
    assert any("no such file" in line for line in found)
    assert any("without .format()" in line for line in found)
    assert any("plain English sentence" in line for line in found)
    assert messages.fields("{file}: {count:,} byte(s)") != messages.fields("{file}: {count} バイト")
    assert messages.fields("{file}: {count:,} byte(s)") == messages.fields("{count:,} バイト（{file}）")


if __name__ == "__main__":
    print("\n".join(escaped_messages()))
