from django.contrib import admin

from bygdebas.national.models import NationalRole


@admin.register(NationalRole)
class NationalRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
