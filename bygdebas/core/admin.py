"""The installation operator's admin: networks, people and roles, counties and municipalities.

Only superusers get in (network roles never do: they work in the office pages). What would break
a running installation if edited by mistake is read-only here: a network's slug, a municipality's
code and county, the boundaries loaded from ``data/geo/``; networks, counties and municipalities
cannot be deleted from the admin. Role changes are written to the network's audit log.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bygdebas.core.models import AuditEntry, County, Municipality, Network, Role, User
from bygdebas.core.phone import normalise_phone
from bygdebas.core.rows import annotated
from bygdebas.core.services import record_audit


class SuperuserOnly:
    """Every permission for superusers, none for anyone else (even with ``is_staff``)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


def boundary_summary(boundary: dict[str, Any] | None) -> str:
    """A GeoJSON geometry in a few words (the coordinates are far too many to show)."""
    if not boundary:
        return "–"
    points = 0
    stack: list[Any] = [boundary.get("coordinates", [])]
    while stack:
        item = stack.pop()
        if item and isinstance(item[0], int | float):
            points += 1
        else:
            stack.extend(item)
    return _("%(type)s with %(points)s points") % {"type": boundary.get("type"), "points": points}


class CountyFilter(admin.SimpleListFilter):
    """By county, without loading the counties' outlines as the default filter would."""

    title = _("county")
    parameter_name = "county"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(pk), name) for pk, name in County.objects.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(county_id=value) if value else queryset


# --- Networks and roles ---------------------------------------------------------------------


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = (
            "name", "slug", "domain", "county", "tagline", "contact_email", "sender_email",
            "phone", "address", "website",
        )  # fmt: skip

    def clean_domain(self) -> str:
        return (self.cleaned_data.get("domain") or "").strip().lower()

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone") or "")


class RoleInline(SuperuserOnly, admin.TabularInline):
    model = Role
    fields = ("user", "kind", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)
    extra = 0


def _audit_role(request: HttpRequest, role: Role, verb: str, old: str, new: str) -> None:
    record_audit(
        network=role.network,
        actor=cast(User, request.user),  # the admin is for superusers: never anonymous
        verb=verb,
        obj=role,
        source=AuditEntry.Source.ADMIN,
        changes={"email": ["", role.user.email], "role": [old, new]},
    )


class RoleAuditMixin:
    """Role rows saved or deleted in the admin are logged like the office's own changes."""

    def _save_role(self, request: HttpRequest, role: Role, is_new: bool) -> None:
        old = "" if is_new else Role.objects.filter(pk=role.pk).values_list("kind", flat=True)[0]
        role.save()
        if is_new:
            _audit_role(request, role, "role granted", "", role.kind)
        elif old != role.kind:
            _audit_role(request, role, "role changed", old, role.kind)

    def _delete_role(self, request: HttpRequest, role: Role) -> None:
        _audit_role(request, role, "role revoked", role.kind, "")
        role.delete()


@admin.register(Network)
class NetworkAdmin(SuperuserOnly, RoleAuditMixin, admin.ModelAdmin):
    form = NetworkForm
    list_display = ("name", "slug", "domain", "county", "contact_email")
    list_filter = (CountyFilter,)
    search_fields = ("name", "slug", "domain")
    inlines = (RoleInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "domain", "county")}),
        (
            _("Contact"),
            {"fields": ("tagline", "contact_email", "sender_email", "phone", "address", "website")},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Network]:
        return super().get_queryset(request).select_related("county").defer("county__boundary")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Commands, settings (BYGDEBAS_DEFAULT_NETWORK) and links name a network by its slug.
        return ("slug",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Deleting a network deletes everything it owns: not a thing to do with one click.
        return False

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Role:
            super().save_formset(request, form, formset, change)
            return
        roles = formset.save(commit=False)
        for role in roles:
            self._save_role(request, role, is_new=role.pk is None)
        for role in formset.deleted_objects:
            self._delete_role(request, role)


@admin.register(Role)
class RoleAdmin(SuperuserOnly, RoleAuditMixin, admin.ModelAdmin):
    list_display = ("user", "network", "kind", "created_at")
    list_filter = ("kind", "network")
    list_select_related = ("user", "network")
    search_fields = ("user__email", "user__first_name", "user__last_name", "network__name")
    autocomplete_fields = ("user", "network")
    readonly_fields = ("created_at",)

    def save_model(self, request: HttpRequest, obj: Role, form: Any, change: bool) -> None:
        self._save_role(request, obj, is_new=not change)

    def delete_model(self, request: HttpRequest, obj: Role) -> None:
        self._delete_role(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        for role in queryset.select_related("user", "network"):
            self._delete_role(request, role)


# --- People ---------------------------------------------------------------------------------


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = (
            "email", "password", "first_name", "last_name", "is_active", "is_staff", "is_superuser",
        )  # fmt: skip


class UserRoleInline(RoleInline):
    fields = ("network", "kind", "created_at")
    autocomplete_fields = ("network",)


@admin.register(User)
class UserAdmin(SuperuserOnly, RoleAuditMixin, DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("email", "first_name", "last_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    inlines = (UserRoleInline,)
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Installation rights"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Role:
            super().save_formset(request, form, formset, change)
            return
        for role in formset.save(commit=False):
            self._save_role(request, role, is_new=role.pk is None)
        for role in formset.deleted_objects:
            self._delete_role(request, role)


# --- Geography ------------------------------------------------------------------------------


class GeographyAdmin(SuperuserOnly, admin.ModelAdmin):
    """Loaded from data/geo/ (setup_network, load_geography): names and facts can be corrected,
    codes and boundaries cannot."""

    exclude = ("boundary",)

    @admin.display(description=_("boundary"))
    def boundary_size(self, obj: County | Municipality) -> str:
        return boundary_summary(obj.boundary)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(County)
class CountyAdmin(GeographyAdmin):
    list_display = ("code", "name", "municipality_count")
    search_fields = ("code", "name")
    ordering = ("code",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[County]:
        # Annotated here so the list page counts municipalities in its one query.
        return (
            super()
            .get_queryset(request)
            .defer("boundary")
            .annotate(number_of_municipalities=Count("municipalities"))
        )

    @admin.display(description=_("municipalities"), ordering="number_of_municipalities")
    def municipality_count(self, obj: County) -> int:
        return int(annotated(obj, "number_of_municipalities"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code", "boundary_size") if obj is not None else ("boundary_size",)


@admin.register(Municipality)
class MunicipalityAdmin(GeographyAdmin):
    list_display = ("code", "name", "county", "seat_name", "population", "population_on")
    list_filter = (CountyFilter,)
    search_fields = ("code", "name", "seat_name")
    ordering = ("code",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Municipality]:
        # The boundaries are large: the list never loads them, the change page summarises one.
        return (
            super()
            .get_queryset(request)
            .select_related("county")
            .defer("boundary", "county__boundary")
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("code", "county", "boundary_size") if obj is not None else ("boundary_size",)
