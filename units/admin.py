from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Instansi, Membership, PasswordChangeRequired, Unit
from .security import require_password_change

User = get_user_model()

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


class ZIUserAdmin(UserAdmin):
    """Django's user admin; a password an admin sets (a new account, a reset) is a starting password
    the person must replace at the next sign-in."""

    list_display = (*UserAdmin.list_display, "must_change_password")

    @admin.display(boolean=True, description=_("wajib ganti kata sandi"))
    def must_change_password(self, obj):
        try:
            return obj.password_change_required is not None
        except PasswordChangeRequired.DoesNotExist:
            return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("password_change_required")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password() and obj.pk != request.user.pk:
            require_password_change(obj, by=request.user)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(id) != str(request.user.pk):
            user = self.get_object(request, id)
            if user is not None and user.has_usable_password():
                require_password_change(user, by=request.user)
        return response


admin.site.unregister(User)
admin.site.register(User, ZIUserAdmin)
