from django.urls import path

from maillage.territories import views

app_name = "territories"
urlpatterns = [
    path("", views.index, name="index"),
    path("recherche/", views.search, name="search"),
    path("point/", views.at_point, name="at_point"),
    path("importer/", views.import_start, name="import"),
    path("regions/<str:code>/", views.region, name="region"),
    path("departements/<str:code>/", views.departement, name="departement"),
    path("communes/<str:code>/", views.commune, name="commune"),
]
