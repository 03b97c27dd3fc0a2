"""Forms of the core pages, and helpers every app's forms use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bygdebas.core.mail import send_templated_mail
from bygdebas.core.models import Role


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """``form``'s field ``name`` as the model choice it is, to narrow its rows::

    model_choice_field(self, "municipality").queryset = network.municipalities()
    """
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a ModelChoiceField")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """``form``'s field ``name`` as the choice field it is, to set its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is a {type(field).__name__}, not a ChoiceField")
    return field


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when it names one of the form's."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in error.messages:
            form.add_error(None, message)


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ResetForm(PasswordResetForm):
    """Django's reset form, sending through the one mail service.

    A reset asked for on a network's host goes only to people with a role in that network: the
    mail carries the network's name and sender and a link on its host, so someone who belongs
    only to another network must not get one (the page says the same either way). Superusers,
    the installation's operators, have no role but run every network; they get it anywhere.
    """

    request: HttpRequest | None = None

    def get_users(self, email: str) -> Iterator[Any]:
        network = getattr(self.request, "network", None)
        for user in super().get_users(email):
            if user.is_superuser or (network is not None and user.role_in(network)):
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        request = self.request  # set by the view below
        send_templated_mail(
            network=getattr(request, "network", None),
            to=[to_email],
            template="core/mail/password_reset",
            context=context,
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.request = kwargs.get("request")
        super().save(*args, **kwargs)


ASSIGNABLE_ROLES = [
    (Role.Kind.ADMIN, Role.Kind.ADMIN.label),
    (Role.Kind.STAFF, Role.Kind.STAFF.label),
    (Role.Kind.BOARD, Role.Kind.BOARD.label),
]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    kind = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLES)


class RoleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"), choices=ASSIGNABLE_ROLES)
