"""URLs of the FHIR read API, included at the site root as `fhir/` (no namespace: FHIR paths)."""

from django.urls import path, re_path

from maillage.coordination import fhir_views

urlpatterns = [
    path("metadata", fhir_views.metadata, name="fhir_metadata"),
    path("Patient", fhir_views.patients, name="fhir_patients"),
    path("Patient/<str:key>", fhir_views.patient, name="fhir_patient"),
    path("Patient/<str:key>/$everything", fhir_views.everything, name="fhir_everything"),
    path("<str:resource_type>", fhir_views.search, name="fhir_search"),
    re_path(r"^(?P<rest>.*)$", fhir_views.unknown),
]
