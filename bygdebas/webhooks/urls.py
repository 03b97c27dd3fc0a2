from django.urls import path

from bygdebas.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list, name="endpoint-list"),
    path("ny/", views.endpoint_create, name="endpoint-create"),
    path("<int:pk>/", views.endpoint_detail, name="endpoint-detail"),
    path("<int:pk>/redigera/", views.endpoint_edit, name="endpoint-edit"),
    path("<int:pk>/ta-bort/", views.endpoint_delete, name="endpoint-delete"),
    path("<int:pk>/testa/", views.endpoint_test, name="endpoint-test"),
    path("<int:pk>/aktivera/", views.endpoint_enable, name="endpoint-enable"),
    path("<int:pk>/ny-nyckel/", views.endpoint_rotate, name="endpoint-rotate"),
    path("meddelanden/<int:pk>/", views.message_detail, name="message-detail"),
]
