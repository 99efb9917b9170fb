"""The evaluation criteria of a call, as `calls CALL --criteria` lists them (text or JSON)."""

from __future__ import annotations

from c3p_docs.calls import CallRules, ScoreItem
from c3p_docs.columns import display_width, wrap_columns
from c3p_docs.i18n import N_, _

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


def format_criteria(rules: CallRules, lang: str, width: int = 100) -> str:
    """A table a person reads: id, points for new / ongoing projects, who decides, name, what reviewers look for."""
    rows = criteria_rows(rules)
    id_width = max(len(row["id"]) for row in rows)
    new, ongoing, decided = _("new"), _("ongoing"), _("decided by")
    widths = (max(4, display_width(new)), max(7, display_width(ongoing)),
              max(10, display_width(decided), *(display_width(_(DECIDED_BY[row["decided_by"]])) for row in rows)))
    lines = [f"{rules.id} · {rules.name.get(lang) or rules.name.en}", "",
             f"{'id':<{id_width}}  {_pad(new, widths[0], True)} {_pad(ongoing, widths[1], True)}  "
             f"{_pad(decided, widths[2])}  {_('name')}"]
    indent = " " * (id_width + 2)
    label = _("looks for: ")
    for row in rows:
        name = row["name"].get(lang) or row["name"]["en"] or row["name"]["ja"] or ""
        lines.append(f"{row['id']:<{id_width}}  {_pad(_points(row, 'new'), widths[0], True)} "
                     f"{_pad(_points(row, 'ongoing'), widths[1], True)}  "
                     f"{_pad(_(DECIDED_BY[row['decided_by']]), widths[2])}  {name}")
        looks_for = (row["criterion"] or {}).get(lang) or (row["criterion"] or {}).get("en")
        if looks_for:
            wrapped = wrap_columns(looks_for, max(30, width - len(indent) - display_width(label)))
            lines.append(f"{indent}{label}{wrapped[0]}")
            lines += [f"{indent}{' ' * display_width(label)}{part}" for part in wrapped[1:]]
    lines += ["", _("Points: – not scored for that status; ? the call prints no points."),
              _("Write the text reviewers read as {line} in the project file.").format(
                  line="`narrative.<id>: {ja: …, en: …}`")]
    return "\n".join(lines) + "\n"


DECIDED_BY = {"reviewers": N_("reviewers"), "data": N_("data")}
"""Who decides a criterion, as the text table says it (JSON keeps `reviewers` / `data`)."""


def _pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded to `width` terminal columns (a Japanese character takes two)."""
    space = " " * max(0, width - display_width(text))
    return space + text if right else text + space
