from django import forms
from django.utils.translation import gettext_lazy as _

from bygdebas.core.public_forms import PublicFormMixin


class ContactForm(PublicFormMixin, forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
