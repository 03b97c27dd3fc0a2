"""Choosing plan activities in other apps' forms: the field, and its checkboxes grouped by area.

An app whose rows are logged against the plan (an event, a meeting, a contact) offers the
activities of one year's plan::

    activities = ActivityChoiceField(label=_("Plan activities"), queryset=Activity.objects.none())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "activities").queryset = plan_activities(plan)

and its template lists ``form.grouped_activities()`` (``activities_by_area(self)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from bygdebas.plan.models import Activity, ActivityQuerySet, Area, Plan


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    """Plan activities as checkboxes, each labelled with its text."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Activity) -> str:
        return obj.text


def plan_activities(plan: Plan | None) -> ActivityQuerySet:
    """The activities of ``plan`` (none without one), in the plan's order, with their area."""
    return (
        Activity.objects.filter(area__plan=plan)
        .select_related("area")
        .order_by("area__order", "area_id", "order", "pk")
    )


def activities_by_area(
    form: forms.BaseForm,
    name: str = "activities",
    *,
    keep: Callable[[Activity], bool] | None = None,
) -> list[tuple[Area, list[Any]]]:
    """The checkboxes of ``form``'s activity field grouped under their area, for the template.

    ``keep`` leaves out the activities it says no to (they stay valid choices).
    """
    field = form.fields[name]
    assert isinstance(field, forms.ModelMultipleChoiceField)
    activities = {activity.pk: activity for activity in field.queryset or []}
    groups: dict[int, tuple[Area, list[Any]]] = {}
    for checkbox in form[name]:
        activity = activities[int(checkbox.data["value"].value)]
        if keep is None or keep(activity):
            groups.setdefault(activity.area_id, (activity.area, []))[1].append(checkbox)
    return list(groups.values())
