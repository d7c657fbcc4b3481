"""The forms `charter slo rules` writes, on their own: the command line offers them as choices
without loading the rule builder (and the strategy models it reads) at start-up."""

from __future__ import annotations

from enum import StrEnum


class RulesFormat(StrEnum):
    rules = "rules"
    prometheus_operator = "prometheus-operator"
