from django.urls import path

from maillage.initiatives import views
from maillage.initiatives.feeds import TerritoryFeed

app_name = "initiatives"
urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.initiative_new, name="new"),
    path("qui-a-deja-resolu/", views.nearest, name="nearest"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.json", views.export_json, name="export_json"),
    path("flux/<str:level>/<str:code>/", TerritoryFeed(), name="feed"),
    path("moderation/", views.moderation, name="moderation"),
    path("<int:pk>/", views.initiative, name="initiative"),
    path("<int:pk>/modifier/", views.initiative_edit, name="edit"),
    path("<int:pk>/responsables/", views.owner_add, name="owner_add"),
    path("<int:pk>/temoignages/", views.testimony_new, name="testimony_new"),
    path("<int:pk>/reactions/", views.react, name="react"),
    path("<int:pk>/suivre/", views.follow, name="follow"),
    path("<int:pk>/moderation/", views.initiative_moderate, name="initiative_moderate"),
    path("temoignages/<int:pk>/photo/", views.testimony_photo, name="testimony_photo"),
    path("temoignages/<int:pk>/moderation/", views.testimony_moderate,
         name="testimony_moderate"),
]
