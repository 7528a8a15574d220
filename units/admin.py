from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Instansi, Membership, Unit

admin.site.site_header = _("ZI Tracker — Administrasi")
admin.site.site_title = _("ZI Tracker")
admin.site.index_title = _("Pengelolaan data")


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ("name", "short_name", "kind", "parent", "is_public_service", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind")
    search_fields = ("name", "short_name")
    inlines = [UnitInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "instansi")
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "is_public_service", "predicate", "stranas_pk_service", "is_active",
                    "instansi")
    list_filter = ("instansi", "kind", "is_public_service", "predicate", "stranas_pk_service", "is_active")
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "unit", "instansi", "created_at")
    list_filter = ("role", "instansi")
    search_fields = ("user__username", "user__first_name", "user__last_name", "unit__name")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit", "instansi")
