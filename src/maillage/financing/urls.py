from django.urls import path

from maillage.financing import views

app_name = "financing"
urlpatterns = [
    path("", views.index, name="index"),
    path("modele-population.csv", views.template_csv, name="template"),
    path("essai/", views.trial, name="trial"),
    path("essai/export.<str:fmt>", views.trial_export, name="trial_export"),
    path("populations/deposer/", views.population_upload, name="upload"),
    path("populations/generer/", views.population_generate, name="generate"),
    path("populations/depuis-les-parcours/", views.population_from_pathways,
         name="from_pathways"),
    path("populations/<int:pk>/", views.population_detail, name="population"),
    path("populations/<int:pk>/export.<str:fmt>", views.population_export,
         name="population_export"),
    path("populations/<int:pk>/supprimer/", views.population_delete, name="population_delete"),
]
