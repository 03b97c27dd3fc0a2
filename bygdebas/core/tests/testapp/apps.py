from django.apps import AppConfig


class CoreTestAppConfig(AppConfig):
    name = "bygdebas.core.tests.testapp"
    label = "core_testapp"
    verbose_name = "Core test app"
