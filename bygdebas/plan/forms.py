"""The plan's own forms: importing and editing the plan, logging actions, the follow-up's filters.

Pieces other apps' forms share live elsewhere: upload checks in ``core.uploads``, the
municipalities a form offers in ``Network.municipalities()``, the activity checkboxes in
``plan.fields``.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.forms import choice_field, model_choice_field
from bygdebas.core.models import Municipality, Network
from bygdebas.core.uploads import ATTACHMENT_EXTENSIONS, check_upload
from bygdebas.plan.fields import ActivityChoiceField, activities_by_area, plan_activities
from bygdebas.plan.importer import SUPPORTED_EXTENSIONS
from bygdebas.plan.metrics import DEFAULT_METRIC, registry
from bygdebas.plan.models import Action, Activity, Area, Plan


class YearField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Year"))
        super().__init__(min_value=2000, max_value=2100, **kwargs)


class PlanUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Plan document"),
        help_text=_("A Word document (.docx), a PDF or a text file (.txt, .md)."),
    )
    year = YearField(required=False, help_text=_("Leave empty to take the year from the document."))

    def clean_document(self) -> Any:
        return check_upload(self.cleaned_data["document"], SUPPORTED_EXTENSIONS)


class PlanTextsForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "vision", "values", "overall_goal", "target_groups", "purpose"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ["vision", "values", "overall_goal", "target_groups", "purpose"]
        }


class PlanPreviewForm(PlanTextsForm):
    year = YearField()
    source_filename = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta(PlanTextsForm.Meta):
        fields = ["year", *PlanTextsForm.Meta.fields]


class AreaTitleForm(forms.Form):
    title = forms.CharField(label=_("Area"), max_length=200, required=False)


def metric_choices(blank: bool = True) -> list[tuple[str, str]]:
    choices = registry.choices()
    return [("", "—"), *choices] if blank else choices


class TargetFields(forms.Form):
    """A target: the metric, the number, an optional note."""

    metric = forms.ChoiceField(label=_("What is counted"), required=False)
    value = forms.IntegerField(label=_("Target"), min_value=1, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "metric").choices = metric_choices()
        self.fields["metric"].initial = DEFAULT_METRIC

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("value") and not data.get("metric"):
            self.add_error("metric", _("Choose what is counted."))
        if data.get("metric") and not data.get("value") and self.has_changed():
            self.add_error("value", _("Give the number to reach."))
        return data

    def target(self) -> dict[str, Any] | None:
        data = self.cleaned_data
        if not data.get("value") or self.cleaned_data.get("DELETE"):
            return None
        return {"metric": data["metric"], "value": data["value"], "note": data.get("note", "")}


TargetFormSet = forms.formset_factory(TargetFields, extra=1, can_delete=True, max_num=10)


class PreviewActivityForm(forms.Form):
    """One activity row on the import preview, with up to two targets."""

    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    text = forms.CharField(
        label=_("Activity"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    metric_1 = forms.ChoiceField(label=_("What is counted"), required=False)
    value_1 = forms.IntegerField(label=_("Target"), min_value=1, required=False)
    note_1 = forms.CharField(label=_("Note"), max_length=200, required=False)
    metric_2 = forms.ChoiceField(label=_("What is counted (second target)"), required=False)
    value_2 = forms.IntegerField(label=_("Second target"), min_value=1, required=False)
    note_2 = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, area_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "area").choices = area_choices
        choice_field(self, "metric_1").choices = metric_choices()
        choice_field(self, "metric_2").choices = metric_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in (1, 2):
            if data.get(f"value_{n}") and not data.get(f"metric_{n}"):
                self.add_error(f"metric_{n}", _("Choose what is counted."))
        return data

    def targets(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"metric": data[f"metric_{n}"], "value": data[f"value_{n}"], "note": data[f"note_{n}"]}
            for n in (1, 2)
            if data.get(f"value_{n}") and data.get(f"metric_{n}")
        ]


class BasePreviewActivityFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, area_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        self.area_choices = area_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"area_choices": self.area_choices}


PreviewActivityFormSet = cast(
    type[BasePreviewActivityFormSet],
    forms.formset_factory(
        PreviewActivityForm, formset=BasePreviewActivityFormSet, extra=2, can_delete=True
    ),
)
AreaTitleFormSet = forms.formset_factory(AreaTitleForm, extra=1, can_delete=True)


class AreaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ActivityForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), empty_label=None)
    text = forms.CharField(label=_("Activity"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = plan.areas.order_by("order", "pk")


class CopyPlanForm(forms.Form):
    year = YearField(label=_("Copy to year"))


class ApprovePlanForm(forms.Form):
    approved_on = forms.DateField(
        label=_("Adopted on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class ActionForm(forms.ModelForm):
    activities = ActivityChoiceField(
        label=_("Activities it serves"), queryset=Activity.objects.none()
    )
    remove_attachment = forms.BooleanField(label=_("Remove the attachment"), required=False)

    class Meta:
        model = Action
        fields = [
            "performed_on",
            "title",
            "description",
            "activities",
            "municipality",
            "participants",
            "link",
            "attachment",
        ]
        widgets = {
            "performed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
            "attachment": forms.FileInput,
        }

    def __init__(self, *args: Any, network: Network, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        model_choice_field(self, "activities").queryset = plan_activities(plan)
        model_choice_field(self, "municipality").queryset = network.municipalities()
        self.fields["municipality"].required = False
        if not self.instance.pk:
            self.fields.pop("remove_attachment")

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if (
            upload
            and hasattr(upload, "size")
            and upload is not getattr(self.instance, "attachment", None)
        ):
            check_upload(upload, ATTACHMENT_EXTENSIONS)
        return upload

    def clean_performed_on(self) -> datetime.date:
        performed_on: datetime.date = self.cleaned_data["performed_on"]
        if performed_on.year != self.plan.year:
            raise ValidationError(
                _(
                    "The activities below are from the plan for %(plan)s; the date must be in "
                    "%(plan)s. For another year, choose that year's plan first."
                )
                % {"plan": self.plan.year}
            )
        return performed_on

    def grouped_activities(self) -> list[tuple[Area, list[Any]]]:
        """The activity checkboxes grouped under their area, for the template."""
        return activities_by_area(self)


class ActionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("All activities"),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )

    def __init__(self, *args: Any, network: Network, plan: Plan | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if plan is not None:
            model_choice_field(self, "activity").queryset = Activity.objects.filter(
                area__plan=plan
            ).order_by("area__order", "order", "pk")
        model_choice_field(self, "municipality").queryset = network.municipalities()


class FollowUpFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search activities"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        from bygdebas.plan.followup import Status

        super().__init__(*args, **kwargs)
        model_choice_field(self, "area").queryset = plan.areas.order_by("order")
        choice_field(self, "status").choices = [("", _("All")), *Status.choices]
