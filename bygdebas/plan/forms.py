from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bygdebas.core.models import Municipality, Network
from bygdebas.core.sizes import binary_size
from bygdebas.plan.importer import SUPPORTED_EXTENSIONS
from bygdebas.plan.metrics import DEFAULT_METRIC, registry
from bygdebas.plan.models import Action, Activity, Area, Plan

ATTACHMENT_EXTENSIONS = (
    ".pdf", ".docx", ".doc", ".odt", ".xlsx", ".ods", ".pptx", ".txt", ".md", ".csv",
    ".png", ".jpg", ".jpeg", ".webp",
)  # fmt: skip


def this_year() -> int:
    return timezone.localdate().year


def check_upload(upload: Any, extensions: tuple[str, ...]) -> Any:
    """Refuse a file of the wrong type or size, saying which."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in extensions:
        raise ValidationError(
            _("Files of type “%(suffix)s” are not accepted. Use one of: %(allowed)s.")
            % {"suffix": suffix or _("(none)"), "allowed": ", ".join(extensions)}
        )
    if upload.size > settings.BYGDEBAS_MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(max)s.")
            % {
                "size": binary_size(upload.size),
                "max": binary_size(settings.BYGDEBAS_MAX_UPLOAD_BYTES),
            }
        )
    return upload


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
        self.fields["metric"].choices = metric_choices()  # type: ignore[attr-defined]
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
        self.fields["area"].choices = area_choices  # type: ignore[attr-defined]
        self.fields["metric_1"].choices = metric_choices()  # type: ignore[attr-defined]
        self.fields["metric_2"].choices = metric_choices()  # type: ignore[attr-defined]

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


PreviewActivityFormSet = forms.formset_factory(
    PreviewActivityForm, formset=BasePreviewActivityFormSet, extra=2, can_delete=True
)
AreaTitleFormSet = forms.formset_factory(AreaTitleForm, extra=1, can_delete=True)


class AreaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)


class ActivityForm(forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none(), empty_label=None)
    text = forms.CharField(label=_("Activity"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan.areas.order_by("order", "pk")  # type: ignore[attr-defined]


class CopyPlanForm(forms.Form):
    year = YearField(label=_("Copy to year"))


class ApprovePlanForm(forms.Form):
    approved_on = forms.DateField(
        label=_("Adopted on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        initial=timezone.localdate,
    )


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Activity) -> str:
        return obj.text


def network_municipalities(network: Network) -> QuerySet[Municipality]:
    if network.county_id is None:
        return Municipality.objects.none()
    return Municipality.objects.filter(county_id=network.county_id).order_by("name")


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
        self.fields["activities"].queryset = (  # type: ignore[attr-defined]
            Activity.objects.filter(area__plan=plan)
            .select_related("area")
            .order_by("area__order", "area_id", "order", "pk")
        )
        self.fields["municipality"].queryset = network_municipalities(network)  # type: ignore[attr-defined]
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
        groups: dict[int, tuple[Area, list[Any]]] = {}
        activities = {a.pk: a for a in self.fields["activities"].queryset}  # type: ignore[attr-defined]
        for checkbox in self["activities"]:
            activity = activities[int(checkbox.data["value"].value)]
            groups.setdefault(activity.area_id, (activity.area, []))[1].append(checkbox)
        return list(groups.values())


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
            self.fields["activity"].queryset = Activity.objects.filter(area__plan=plan).order_by(  # type: ignore[attr-defined]
                "area__order", "order", "pk"
            )
        self.fields["municipality"].queryset = network_municipalities(network)  # type: ignore[attr-defined]


class FollowUpFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=_("Area"), queryset=Area.objects.none(), required=False, empty_label=_("All areas")
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    q = forms.CharField(label=_("Search activities"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        from bygdebas.plan.followup import Status

        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan.areas.order_by("order")  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", _("All")), *Status.choices]  # type: ignore[attr-defined]
