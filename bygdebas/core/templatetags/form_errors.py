"""The error summary of a page whose form failed (the GOV.UK pattern), rendered by base.html.

``{% error_summary %}`` lists every error of every bound form (and formset) in the page's
context, each linked to its field; ``{% error_title_prefix %}`` starts the page title with
"Fel:" then, so that a screen reader hears it first. No view or form template has to do
anything: a page with a failed form gets both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms, template
from django.forms.formsets import BaseFormSet
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class SummaryError:
    text: str
    target: str = ""  # the id of the field to link to; none for an error of the whole form


def _forms_of(value: Any) -> Iterator[forms.BaseForm]:
    if isinstance(value, BaseFormSet):
        yield from value.forms
    elif isinstance(value, forms.BaseForm):
        yield value


def _errors_of(form: forms.BaseForm) -> Iterator[SummaryError]:
    for message in form.non_field_errors():
        yield SummaryError(str(message))
    for name in form.errors:
        if name not in form.fields:
            continue
        field = form[name]
        label = str(field.label or "").rstrip(":")
        for message in field.errors:
            text = f"{label}: {message}" if label else str(message)
            yield SummaryError(text, "" if field.is_hidden else field.id_for_label)


def page_errors(context: template.Context) -> list[SummaryError]:
    """Every error of the bound forms in ``context``, each form once, in the order found."""
    seen: set[int] = set()
    errors: list[SummaryError] = []
    for value in context.flatten().values():
        if isinstance(value, BaseFormSet) and value.is_bound and id(value) not in seen:
            seen.add(id(value))
            errors.extend(SummaryError(str(message)) for message in value.non_form_errors())
        for form in _forms_of(value):
            if form.is_bound and id(form) not in seen and form.errors:
                seen.add(id(form))
                errors.extend(_errors_of(form))
    return errors


@register.inclusion_tag("core/_error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict[str, Any]:
    return {"errors": page_errors(context)}


@register.simple_tag(takes_context=True)
def error_title_prefix(context: template.Context) -> str:
    return _("Error:") + " " if page_errors(context) else ""
