from django.apps import AppConfig


class CoreTestAppConfig(AppConfig):
    name = "bygdebas.core.tests.testapp"
    label = "core_testapp"
    verbose_name = "Core test app"

    def ready(self) -> None:
        from bygdebas.core.confirmation import register_confirmable
        from bygdebas.core.moderation import register_moderated
        from bygdebas.core.tests.testapp import hooks
        from bygdebas.core.tests.testapp.models import Note, Signup

        register_confirmable(Signup, label="Test sign-ups")
        register_moderated(
            Note,
            label="Notes from members",
            on_approve=hooks.publish,
            on_submit=hooks.record,
            on_resubmit=hooks.record,
            on_request_changes=hooks.record,
            on_decline=hooks.record,
        )
