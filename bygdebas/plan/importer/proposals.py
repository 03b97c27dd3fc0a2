"""Target proposals: apps teach the plan importer which of their metrics an activity's wording
asks for, without the plan app importing them.

The importer reads "minst tre tillfällen per år" as a count of actions (``plan.actions ≥ 3``).
An app whose metric counts that work better registers, in its ``AppConfig.ready()``::

    from bygdebas.plan.importer.proposals import register_target_proposal

    register_target_proposal(
        "newsletter.issues",
        about=("nyhetsbrev*", "newsletter*"),  # plan.matching terms: what the activity is about
        metric="newsletter.issues_sent",  # a metric the app registers with plan.metrics
    )

Then "Vi ska ge ut digitalt nyhetsbrev vid minst tre tillfällen per år" is proposed on the
preview page as ``newsletter.issues_sent ≥ 3`` per year instead of ``plan.actions ≥ 3``.

- ``value=None`` (the default): the proposal takes over the count the text states (the
  importer's own suggestion of a number of actions); an activity that states no count gets none.
- ``value=n``: the proposal adds ``metric ≥ n`` (first) whenever the activity matches, counted or
  not; ``pattern`` (a regular expression, searched case-insensitively) narrows it further.

Proposals are tried in the order of their keys; an activity gets at most one per metric. A
proposal's metric must be registered (a system check, ``plan.E001``, says which is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core import checks

from bygdebas.plan.importer.targets import METRIC_ACTIONS, ParsedTarget, suggest_targets
from bygdebas.plan.matching import parse_term, text_matches

if TYPE_CHECKING:
    from django.utils.functional import Promise

PERIODS = ("year",)  # plan.Target.Period


@dataclass(frozen=True)
class TargetProposal:
    key: str
    about: tuple[str, ...]
    metric: str
    value: int | None = None
    period: str = "year"
    pattern: re.Pattern[str] | None = None
    note: str | Promise = ""

    def applies_to(self, text: str) -> bool:
        if not text_matches(text, self.about):
            return False
        return self.pattern is None or self.pattern.search(text) is not None


_proposals: dict[str, TargetProposal] = {}


def register_target_proposal(
    key: str,
    *,
    about: tuple[str, ...] | list[str],
    metric: str,
    value: int | None = None,
    period: str = "year",
    pattern: str | None = None,
    note: str | Promise = "",
) -> None:
    """Propose ``metric`` for activities whose text is ``about`` one of the terms."""
    about = tuple(about)
    if not about:
        raise ValueError(f"Target proposal {key!r} needs at least one term in about=.")
    for term in about:
        parse_term(term)  # ValueError for a bad term, now rather than at the first import
    if value is not None and value < 1:
        raise ValueError(f"Target proposal {key!r}: the value must be at least 1.")
    if period not in PERIODS:
        raise ValueError(f"Target proposal {key!r}: unknown period {period!r}; use {PERIODS}.")
    proposal = TargetProposal(
        key=key,
        about=about,
        metric=metric,
        value=value,
        period=period,
        pattern=re.compile(pattern, re.IGNORECASE) if pattern else None,
        note=note,
    )
    if key in _proposals and _proposals[key] != proposal:
        raise ValueError(f"Target proposal {key!r} is already registered.")
    _proposals[key] = proposal


def unregister_target_proposal(key: str) -> None:
    _proposals.pop(key, None)


def registered_proposals() -> list[TargetProposal]:
    return [_proposals[key] for key in sorted(_proposals)]


def apply_proposals(text: str, targets: list[ParsedTarget]) -> list[ParsedTarget]:
    """``targets`` (the importer's suggestions for ``text``) with the registered proposals."""
    targets = list(targets)
    fixed: list[ParsedTarget] = []
    for proposal in registered_proposals():
        if any(t.metric == proposal.metric for t in [*fixed, *targets]):
            continue
        if not proposal.applies_to(text):
            continue
        note = str(proposal.note)
        if proposal.value is None:
            # Take over the stated count of actions, in its place (the "of which" target after
            # it counts the same thing, so it follows).
            for index, target in enumerate(targets):
                if target.metric == METRIC_ACTIONS:
                    targets[index] = replace(
                        target, metric=proposal.metric, period=proposal.period, note=note
                    )
                    following = targets[index + 1 :]
                    targets[index + 1 :] = [
                        replace(t, metric=proposal.metric) if t.metric == METRIC_ACTIONS else t
                        for t in following
                    ]
                    break
        else:
            fixed.append(
                ParsedTarget(
                    metric=proposal.metric, value=proposal.value, period=proposal.period, note=note
                )
            )
    return [*fixed, *targets]


def propose_targets(text: str) -> list[ParsedTarget]:
    """The targets the preview proposes for an activity: the importer's and the apps'."""
    return apply_proposals(text, suggest_targets(text))


@checks.register()
def check_proposal_metrics(**kwargs: object) -> list[checks.CheckMessage]:
    """Every proposal names a metric some app registers."""
    from bygdebas.plan.metrics import registry

    return [
        checks.Error(
            f"Target proposal {proposal.key!r} proposes the metric {proposal.metric!r}, "
            "which no app registers.",
            hint="Register the metric with plan.metrics.register_metric in the same ready().",
            id="plan.E001",
        )
        for proposal in registered_proposals()
        if proposal.metric not in registry
    ]
