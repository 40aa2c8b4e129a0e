from django.contrib import admin

from maillage.healthcare.models import (
    ActivityRecord,
    Facility,
    Practitioner,
    SupplyCount,
    SupplySource,
)


@admin.register(SupplySource)
class SupplySourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "file_name", "version", "scope", "rows", "is_stand_in",
                    "imported_at"]
    list_filter = ["kind", "is_stand_in"]
    readonly_fields = ["sha256", "imported_at"]


@admin.register(Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["rpps", "profession", "specialty", "practice_mode", "commune", "activity",
                    "is_new_installation"]
    list_filter = ["profession", "practice_mode", "is_new_installation"]
    search_fields = ["rpps", "site_id", "site_name", "commune__name"]
    raw_id_fields = ["commune", "source"]


@admin.register(SupplyCount)
class SupplyCountAdmin(admin.ModelAdmin):
    list_display = ["commune", "profession", "count", "source_kind"]
    list_filter = ["source_kind", "profession"]
    search_fields = ["commune__code", "commune__name"]
    raw_id_fields = ["commune", "source"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "finess", "kind", "category_code", "commune"]
    list_filter = ["kind", "category_code"]
    search_fields = ["finess", "name", "commune__name"]
    raw_id_fields = ["commune", "source"]


@admin.register(ActivityRecord)
class ActivityRecordAdmin(admin.ModelAdmin):
    list_display = ["year", "profession", "rpps", "commune", "consultations", "source"]
    list_filter = ["year", "profession"]
    search_fields = ["rpps", "commune__code"]
    raw_id_fields = ["commune", "source"]
