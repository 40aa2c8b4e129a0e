"""The project's URLs plus the FHIR read API at /fhir/, as config/urls.py will include it."""

from django.urls import include, path

from maillage.config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("fhir/", include("maillage.coordination.fhir_urls")),
]
