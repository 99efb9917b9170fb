"""The estimate computed the way the call defines it: direct costs, G&A from the rate, tax, total."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from c3p_docs.calls import CallRules
from c3p_docs.model import Budget

GROUPS = ("personnel", "operating", "outsourcing", "joint_implementation")


@dataclass(frozen=True)
class BudgetSummary:
    """Every figure of the estimate, in JPY."""

    by_category: dict[str, int]
    by_group: dict[str, int]
    general_admin: int
    general_admin_base: int
    subtotal: int
    tax: int
    total: int
    cap: int
    outsourcing_base: int
    items: int = 0
    extra_claimed: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def direct(self) -> int:
        """Direct costs: personnel + operating + outsourcing (the call lists 外注費 inside 業務費)."""
        return self.by_group["personnel"] + self.by_group["operating"] + self.by_group["outsourcing"]

    def component(self, name: str) -> int:
        return self.general_admin if name == "general_admin" else self.by_group[name]


def _round(value: float, mode: str) -> int:
    return math.floor(value) if mode == "floor" else int(round(value))


def compute_budget(budget: Budget, rules: CallRules) -> BudgetSummary:
    """Pure arithmetic over the items; checks against the caps live in `checks`."""
    money = rules.budget
    rounding = money.rounding.value
    by_category: dict[str, int] = {}
    for item in budget.items:
        by_category[item.category] = by_category.get(item.category, 0) + _round(item.unit_cost_jpy * item.quantity, rounding)
    by_group = dict.fromkeys(GROUPS, 0)
    for category, amount in by_category.items():
        by_group[money.categories.value.get(category, "operating")] += amount
    admin_base = sum(by_group[name] for name in money.general_admin_base.value)
    general_admin = _round(admin_base * (budget.general_admin_rate or 0), rounding)
    subtotal = sum(by_group.values()) + general_admin
    tax = _round(subtotal * money.tax_rate.value, rounding)
    extra = bool(budget.field_survey_extra and money.extra_jpy)
    cap = money.cap_jpy.value + (money.extra_jpy.value if extra and money.extra_jpy else 0)
    partial = BudgetSummary(by_category, by_group, general_admin, admin_base, subtotal, tax, subtotal + tax, cap, 0,
                            items=len(budget.items), extra_claimed=extra)
    outsourcing_base = sum(partial.component(name) for name in money.outsourcing_base.value)
    return BudgetSummary(by_category, by_group, general_admin, admin_base, subtotal, tax, subtotal + tax, cap,
                         outsourcing_base, items=len(budget.items), extra_claimed=extra)
