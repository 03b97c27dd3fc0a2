from django.urls import path

from bygdebas.api import views

app_name = "api"

urlpatterns = [
    path("", views.key_list, name="key-list"),
    path("ny/", views.key_create, name="key-create"),
    path("<int:pk>/aterkalla/", views.key_revoke, name="key-revoke"),
]
