from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from bygdebas.core import views

app_name = "core"

urlpatterns = [
    path("konto/logga-in/", views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("konto/losenord/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "konto/losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password-reset-done",
    ),
    path(
        "konto/losenord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html",
            success_url=reverse_lazy("core:password-reset-complete"),
        ),
        name="password-reset-confirm",
    ),
    path(
        "konto/losenord/klart/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password-reset-complete",
    ),
    path("kansli/anvandare/", views.role_list, name="role-list"),
    path("kansli/anvandare/ny/", views.role_invite, name="role-invite"),
    path("kansli/anvandare/<int:pk>/", views.role_edit, name="role-edit"),
    path("kansli/anvandare/<int:pk>/ta-bort/", views.role_revoke, name="role-revoke"),
    path("geo/kommuner.geojson", views.municipalities_geo, name="municipalities-geojson"),
    path("bilder/<uuid:key>/<int:width>/", views.image_file, name="image-file"),
]
