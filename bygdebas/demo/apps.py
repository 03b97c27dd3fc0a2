from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo orchestrator: ``manage.py load_demo`` calls every app's ``demo.load`` in order.

    It has no models. It is the one module, besides the URL configuration and the test factories,
    that may import every app (see the import-linter contracts in pyproject.toml).
    """

    name = "bygdebas.demo"
    label = "demo"
    verbose_name = _("Demo data")
