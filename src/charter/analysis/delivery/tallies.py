"""Counts, deployment days and percentiles per scope and per scope and week, computed for every
scope at once from the deployment and lead-time columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from charter.analysis.delivery.calendar import PeriodCalendar
from charter.analysis.delivery.columns import DeploymentColumns, LeadColumns
from charter.analysis.delivery.percentiles import Floats, Ints, RankedValues


@dataclass(frozen=True, slots=True)
class Counts:
    """Deployments, failed, recovered and rework deployments per key (a scope, or a scope's week), and
    the deployments of components with an incident record (those change failure rate is over)."""

    deployments: Ints
    failed: Ints
    recovered: Ints
    rework: Ints
    covered: Ints

    @classmethod
    def of(cls, keys: Ints, columns: DeploymentColumns, size: int) -> Counts:
        recovered = columns.failed & ~np.isnan(columns.recovery_seconds)
        return cls(
            np.bincount(keys, minlength=size),
            np.bincount(keys[columns.failed], minlength=size),
            np.bincount(keys[recovered], minlength=size),
            np.bincount(keys[columns.rework], minlength=size),
            np.bincount(keys[columns.covered], minlength=size),
        )


@dataclass(frozen=True, slots=True)
class Tallies:
    """Counts and percentiles per scope (index: scope group) and per scope and week (index:
    group * weeks + week), computed for all scopes at once."""

    calendar: PeriodCalendar
    per_scope: Counts
    per_week: Counts
    changes: Ints
    changes_by_week: Ints
    lead: Floats
    lead_by_week: Floats
    recovery: Floats
    recovery_by_week: Floats
    days_by_week: Ints
    days_per_week: Floats
    days_per_month: Floats

    @classmethod
    def of(cls, columns: DeploymentColumns, leads: LeadColumns, groups: int, calendar: PeriodCalendar) -> Tallies:
        weeks = calendar.week_count
        group_week = columns.group * weeks + columns.day // 7
        lead_group_week = leads.group * weeks + leads.week
        ranked_leads = RankedValues(leads.seconds)
        recovered = ~np.isnan(columns.recovery_seconds)
        ranked_recoveries = RankedValues(columns.recovery_seconds[recovered])
        days_by_week, days_by_month = _deployment_days(columns, groups, calendar)
        return cls(
            calendar,
            Counts.of(columns.group, columns, groups),
            Counts.of(group_week, columns, groups * weeks),
            np.bincount(leads.group, minlength=groups),
            np.bincount(lead_group_week, minlength=groups * weeks),
            ranked_leads.percentiles(leads.group, groups, (0.5, 0.9)),
            ranked_leads.percentiles(lead_group_week, groups * weeks, (0.5, 0.9)),
            ranked_recoveries.percentiles(columns.group[recovered], groups, (0.5, 0.9)),
            ranked_recoveries.percentiles(group_week[recovered], groups * weeks, (0.5,)),
            days_by_week,
            _median_over(days_by_week, calendar.whole_weeks),
            _median_over(days_by_month, calendar.whole_months),
        )


def _deployment_days(columns: DeploymentColumns, groups: int, calendar: PeriodCalendar) -> tuple[Ints, Ints]:
    """Distinct deployment days per scope and week (groups x weeks), and per scope and month."""
    days = calendar.day_count
    group_days = np.unique(columns.group * days + columns.day)
    group, day = group_days // days, group_days % days
    weeks, months = calendar.week_count, calendar.month_count
    by_week = np.bincount(group * weeks + day // 7, minlength=groups * weeks).reshape(groups, weeks)
    by_month = np.bincount(group * months + calendar.month_of_day[day], minlength=groups * months)
    return by_week, by_month.reshape(groups, months)


def _median_over(counts: Ints, whole: npt.NDArray[np.bool_]) -> Floats:
    """Median per row over the whole weeks (months) of the period; over the partial ones when the
    period holds no whole one. Partial weeks would understate a steady cadence, so they count only
    then."""
    chosen = counts[:, whole] if whole.any() else counts
    if chosen.shape[1] == 0:
        return np.full(counts.shape[0], np.nan)
    medians: Floats = np.median(chosen, axis=1).astype(np.float64)
    return medians
