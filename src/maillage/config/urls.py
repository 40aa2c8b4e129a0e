from django.contrib import admin
from django.urls import include, path

from maillage.config.api import api
from maillage.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("taches/<uuid:key>/", core_views.task_status, name="task_status"),
    path("territoires/", include("maillage.territories.urls")),
    path("acces/", include("maillage.insights.urls")),
    path("participation/", include("maillage.participation.urls")),
    path("transport-solidaire/", include("maillage.transport.urls")),
    path("financement/", include("maillage.financing.urls")),
    path("cooperation/", include("maillage.coordination.urls")),
    path("fhir/", include("maillage.coordination.fhir_urls")),
    path("mobilisation/", include("maillage.mobilization.urls")),
    path("planification/", include("maillage.planning.urls")),
    path("laboratoires/", include("maillage.labs.urls")),
    path("initiatives/", include("maillage.initiatives.urls")),
    path("comptes/", include("allauth.urls")),
    path("mon-compte/", include("maillage.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "maillage.core.views.not_found"
