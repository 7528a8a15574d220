"""Django admin for surveys: instruments and periods are shown; responses are read-only — no add,
no change, no delete (an admin excludes a response with a reason on the results page)."""

from django.contrib import admin

from .models import Exclusion, Instrument, Response, SurveyPeriod


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnly):
    list_display = ("receipt", "period", "service", "submitted_at", "flags")
    list_filter = ("period__round",)


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnly):
    list_display = ("response", "reason", "by", "at")


@admin.register(Instrument)
class InstrumentAdmin(ReadOnly):
    list_display = ("__str__", "kind", "version", "instansi", "created_at")


@admin.register(SurveyPeriod)
class SurveyPeriodAdmin(ReadOnly):
    list_display = ("unit", "round", "status", "opens_on", "closes_on")
