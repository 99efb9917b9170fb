"""The evaluation criteria of a call, as `calls CALL --criteria` lists them (text or JSON)."""

from __future__ import annotations

import re
import textwrap
import unicodedata

from c3p_docs.calls import CallRules, ScoreItem

STATUSES = ("new", "ongoing")


def criterion_row(item: ScoreItem) -> dict:
    """One criterion: id, names, maximum per project status, who decides it, what reviewers look for."""
    return {
        "id": item.id,
        "name": item.name.model_dump(),
        "max": {status: item.max_for(status) for status in STATUSES},
        "scored": {status: item.scored_for(status) for status in STATUSES},
        "decided_by": "reviewers" if item.judged else "data",
        "criterion": item.criterion.model_dump() if item.criterion else None,
        "facts": list(item.facts),
        "source": item.source,
    }


def criteria_rows(rules: CallRules) -> list[dict]:
    return [criterion_row(item) for item in rules.scoring]


def _points(row: dict, status: str) -> str:
    if not row["scored"][status]:
        return "–"
    value = row["max"][status]
    return "?" if value is None else str(value)


def wrap_columns(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns: English breaks at spaces, Japanese between any characters, and a run of
    Latin letters or digits inside Japanese text is kept whole where it fits a line."""
    if not any(unicodedata.east_asian_width(c) in "WF" for c in text):
        return textwrap.wrap(text, width, break_on_hyphens=False)
    lines, line, used = [], "", 0
    for token in re.findall(r"[!-~]+|\s+|[^\s!-~]", text):
        columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in token)
        if token.isspace():
            if line and used + columns <= width:
                line, used = line + token, used + columns
            continue
        if used + columns > width and line:
            lines.append(line.rstrip())
            line, used = "", 0
        while columns > width:  # a token longer than a line: cut it
            lines.append(token[:width])
            token = token[width:]
            columns = len(token)
        line, used = line + token, used + columns
    return lines + [line.rstrip()] if line.strip() else lines


def format_criteria(rules: CallRules, lang: str, width: int = 100) -> str:
    """A table a person reads: id, points for new / ongoing projects, who decides, name, what reviewers look for."""
    rows = criteria_rows(rules)
    id_width = max(len(row["id"]) for row in rows)
    lines = [f"{rules.id} · {rules.name.get(lang) or rules.name.en}", "",
             f"{'id':<{id_width}}  {'new':>4} {'ongoing':>7}  {'decided by':<10}  name"]
    indent = " " * (id_width + 2)
    for row in rows:
        name = row["name"].get(lang) or row["name"]["en"] or row["name"]["ja"] or ""
        lines.append(f"{row['id']:<{id_width}}  {_points(row, 'new'):>4} {_points(row, 'ongoing'):>7}  "
                     f"{row['decided_by']:<10}  {name}")
        looks_for = (row["criterion"] or {}).get(lang) or (row["criterion"] or {}).get("en")
        if looks_for:
            label = "looks for: "
            wrapped = wrap_columns(looks_for, max(30, width - len(indent) - len(label)))
            lines.append(f"{indent}{label}{wrapped[0]}")
            lines += [f"{indent}{' ' * len(label)}{part}" for part in wrapped[1:]]
    lines += ["", "Points: – not scored for that status; ? the call prints no points.",
              "Write the text reviewers read as `narrative.<id>: {ja: …, en: …}` in the project file."]
    return "\n".join(lines) + "\n"
