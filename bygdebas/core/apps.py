from django.apps import AppConfig
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "bygdebas.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models import fields
        from django.db.models.signals import post_delete

        from bygdebas.core import images
        from bygdebas.core.audit import register_audit_words
        from bygdebas.core.models import Role
        from bygdebas.core.models_images import Image

        # The empty choice of every select. Django 6.1's "- Select an option -" has no Swedish
        # translation; Django lets an app's ready() set its own.
        fields.BLANK_CHOICE_LABEL = _("– Choose –")
        connection_created.connect(unicode_case_functions_for_sqlite)
        register_audit_words(
            verbs={
                "role granted": _("Role granted"),
                "role changed": _("Role changed"),
                "role revoked": _("Role revoked"),
            },
            fields={"role": _("role"), "email": _("e-mail address")},
            values={"role": dict(Role.Kind.choices)},
        )
        # Stored image files go with their row, also when it is deleted by a cascade.
        post_delete.connect(images.remove_files_after_delete, sender=Image)

        from bygdebas.core.access import ADMIN_ROLES
        from bygdebas.core.navigation import has_role, register_menu_entry

        register_menu_entry(
            "office",
            "core.users",
            label=_("Users"),
            url_name="core:role-list",
            order=120,
            visible=has_role(ADMIN_ROLES),
        )


def unicode_case_functions_for_sqlite(
    sender: object, connection: BaseDatabaseWrapper, **kwargs: object
) -> None:
    """SQLite's lower() and upper() know only ASCII; give them Python's, so that searches
    ignore the case of å, ä and ö as they do on PostgreSQL."""
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_function("lower", 1, _lower, deterministic=True)
    raw.create_function("upper", 1, _upper, deterministic=True)


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _upper(value: str | None) -> str | None:
    return value.upper() if isinstance(value, str) else value
