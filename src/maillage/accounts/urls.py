from django.urls import path

from maillage.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("export/", views.export, name="export"),
    path("suppression/", views.delete, name="delete"),
]
