from django.urls import path

from bygdebas.recruitment import views

app_name = "recruitment"

urlpatterns = [
    path("", views.board, name="board"),
    path("lista/", views.prospect_list, name="prospect-list"),
    path("ny/", views.prospect_create, name="prospect-create"),
    path("<int:pk>/", views.prospect_detail, name="prospect-detail"),
    path("<int:pk>/redigera/", views.prospect_edit, name="prospect-edit"),
    path("<int:pk>/flytta/", views.prospect_move, name="prospect-move"),
    path("<int:pk>/bli-medlem/", views.prospect_convert, name="prospect-convert"),
    path("<int:pk>/ta-bort/", views.prospect_delete, name="prospect-delete"),
    path("<int:pk>/kontakt/ny/", views.contact_create, name="contact-create"),
    path("kontakt/<int:pk>/redigera/", views.contact_edit, name="contact-edit"),
    path("kontakt/<int:pk>/ta-bort/", views.contact_delete, name="contact-delete"),
]
