"""The settlement: actual costs summed by the budget's categories, G&A and tax recomputed exactly as for the plan,
the payable amount, and what an accounting check would question."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from c3p_docs.bilingual import pick
from c3p_docs.budget import BudgetSummary, compute_budget
from c3p_docs.calls import CallRules
from c3p_docs.categories import name_key, names_of
from c3p_docs.eras import fiscal_year_bounds
from c3p_docs.findings import Severity
from c3p_docs.i18n import _
from c3p_docs.model import Bilingual, Budget, BudgetItem, Project


@dataclass(frozen=True)
class Spend:
    """One actual cost, from `actuals[]` or a ledger line, with where it came from."""

    date: dt.date
    category: str | None
    """The budget category, or None when the text names none."""
    category_text: str
    description: str | Bilingual
    amount: int
    file: str
    line: int | None = None
    column: int | None = None
    path: str | None = None
    """`actuals[2]` for a cost in the project file."""
    number: int | None = None
    """1-based position in `actuals[]`, for documents that name the cost without the YAML key."""

    @property
    def where(self) -> str:
        """`actuals[2]` or `ledger.csv:12`: the file's name only, so documents carry no local paths."""
        if self.path:
            return self.path
        name = file_name(self.file)
        return f"{name}:{self.line}" if self.line else name


def file_name(path: str) -> str:
    """A file's name as a document can print it: a name the OS gave as undecodable bytes (Shift_JIS, from a Windows
    zip) is read as Shift_JIS, else shown with U+FFFD where it cannot be read."""
    raw = os.fsencode(PurePath(path).name)
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


@dataclass(frozen=True)
class Issue:
    """Something the settlement questions; `code` is stable, the words are in the templates and the CLI."""

    code: str
    severity: Severity
    spend: Spend | None = None
    category: str | None = None
    figures: dict = field(default_factory=dict)


@dataclass
class Settlement:
    fiscal_year: int
    plan: BudgetSummary
    actual: BudgetSummary
    counted: list[Spend]
    excluded: list[Spend]
    issues: list[Issue]
    contract: int | None
    """The contract amount: the plan's total (None without a budget)."""
    payable: int | None
    """The lower of the contract amount and the actual total."""
    categories: list[str]
    """Categories to show, in the call's order: those planned or spent."""

    @property
    def excluded_total(self) -> int:
        return sum(s.amount for s in self.excluded)


def category_names(rules: CallRules, labels_by_lang: list[dict[str, str]]) -> dict[str, str]:
    """Every accepted way to name a category → its id, as the project file accepts them (`categories.names_of`):
    the id (`overseas_travel`), its name in each language (`外国旅費`, `Overseas travel`), the calls' other names."""
    from c3p_docs.strings import strings

    also = [strings(lang).get("category_also") or {} for lang in ("ja", "en")]
    return names_of(labels_by_lang, also, rules.budget.categories.value)


def classify(text: str, names: Mapping[str, str]) -> str | None:
    return names.get(name_key(text))


def settle(project: Project, rules: CallRules, spends: list[Spend]) -> Settlement:
    """Sum what was spent within the fiscal year by category and recompute G&A and tax on it as `compute_budget`
    does for the plan; costs with no known category or dated outside the year are left out and questioned."""
    fiscal_year = rules.fiscal_year
    start, end = fiscal_year_bounds(fiscal_year)
    issues: list[Issue] = []
    counted, excluded = [], []
    for spend in spends:
        if spend.category is None:
            issues.append(Issue("unknown-category", "error", spend))
            excluded.append(spend)
        elif not start <= spend.date <= end:
            issues.append(Issue("outside-fiscal-year", "error", spend, spend.category))
            excluded.append(spend)
        else:
            counted.append(spend)
    actual_budget = Budget(general_admin_rate=project.budget.general_admin_rate, items=[
        BudgetItem(category=s.category, description=s.description, unit_cost_jpy=s.amount, quantity=1)  # type: ignore[arg-type]
        for s in counted])
    plan, actual = compute_budget(project.budget, rules), compute_budget(actual_budget, rules)
    contract = plan.total if project.budget.items else None
    payable = min(contract, actual.total) if contract is not None else None
    order = list(rules.budget.categories.value)
    categories = [c for c in order if plan.by_category.get(c) or actual.by_category.get(c)]
    for category in categories:
        planned, spent = plan.by_category.get(category, 0), actual.by_category.get(category, 0)
        if spent > planned:
            issues.append(Issue("over-plan", "warning", None, category, {"plan": planned, "actual": spent,
                                                                        "excess": spent - planned}))
    if contract is None:
        issues.append(Issue("no-budget", "warning"))
    elif actual.total > contract:
        issues.append(Issue("over-contract", "warning", None, None, {"contract": contract, "actual": actual.total,
                                                                   "excess": actual.total - contract}))
    threshold = rules.budget.equipment_threshold_jpy.value
    equipment_planned = any(item.category == "equipment" for item in project.budget.items)
    for spend in counted:
        if spend.category == "equipment" and spend.amount >= threshold and not equipment_planned:
            issues.append(Issue("unplanned-equipment", "warning", spend, "equipment", {"threshold": threshold}))
    seen: dict[tuple, Spend] = {}
    for spend in spends:
        key = (spend.date, spend.category or spend.category_text, spend.amount, pick(spend.description, "ja"))
        if key in seen:
            issues.append(Issue("duplicate-line", "warning", spend, spend.category, {"first": seen[key]}))
        else:
            seen[key] = spend
    return Settlement(fiscal_year, plan, actual, counted, excluded, issues, contract, payable, categories)


def issue_message(issue: Issue) -> str:
    """The issue in the message language, for the command line (the documents word it from their templates)."""
    spend, figures = issue.spend, issue.figures
    yen = {key: _("JPY {amount:,}").format(amount=value) if isinstance(value, int) else value
           for key, value in figures.items()}
    if issue.code == "unknown-category" and spend:
        return _("category {category} is none of the budget's categories (use an id such as overseas_travel, or its "
                 "name such as 外国旅費 / Overseas travel); left out of the totals.").format(
            category=repr(spend.category_text))
    if issue.code == "outside-fiscal-year" and spend:
        return _("paid on {date}, outside the fiscal year; left out of the totals.").format(date=spend.date)
    if issue.code == "over-plan":
        return _("{category}: spent {actual}, {excess} over the plan's {plan}.").format(category=issue.category, **yen)
    if issue.code == "over-contract":
        return _("the actual total {actual} is {excess} over the contract amount {contract}; payment stops at the "
                 "contract amount.").format(**yen)
    if issue.code == "unplanned-equipment" and spend:
        return _("equipment bought for {amount} (the call's threshold is {threshold}) but the plan has no equipment "
                 "line.").format(amount=_("JPY {amount:,}").format(amount=spend.amount), threshold=yen["threshold"])
    if issue.code == "duplicate-line" and spend:
        return _("same date, category, amount and description as {first}; check it is not counted twice.").format(
            first=figures["first"].where)
    if issue.code == "no-budget":
        return _("the project has no budget.items, so the contract and payable amounts cannot be worked out.")
    return issue.code
