from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.admin import UnitAdmin as BaseUnitAdmin
from units.models import Unit

from . import lke_loader, score_store, services, tasks
from .models import (
    Answer,
    Area,
    CarryOver,
    Component,
    Document,
    DocumentVersion,
    Evidence,
    Indicator,
    Kawasan,
    Option,
    Part,
    PrerequisiteDefinition,
    PrerequisiteRecord,
    Question,
    ReadinessRule,
    Round,
    RoundEvent,
    TemplateVersion,
    Worksheet,
    WorksheetEvent,
)


class ReadinessRuleInline(admin.TabularInline):
    model = ReadinessRule
    fields = ("key", "predicate", "scope", "target", "minimum", "minimum_percent", "label", "source",
              "is_confirmed", "customised", "order")
    readonly_fields = ("key", "customised")
    extra = 0


class ComponentInline(admin.TabularInline):
    model = Component
    fields = ("code", "name", "weight", "order")
    extra = 0
    show_change_link = True


class RescoreMessage:
    """Rules changed: every stored verdict of the version is recomputed by a background worker
    (at 5,000 units that takes seconds, too long for the admin's request)."""

    def _queued(self, request, version_ids):
        ids = sorted(set(version_ids))
        for version_id in ids:
            tasks.queue_rescore(version_id=version_id)
        n = Worksheet.objects.filter(round__version_id__in=ids).count()
        self.message_user(request, _("Kesiapan %(n)d kertas kerja sedang dihitung ulang di latar belakang; "
                                     "dasbor menampilkannya dalam beberapa saat.") % {"n": n})


@admin.register(TemplateVersion)
class TemplateVersionAdmin(RescoreMessage, admin.ModelAdmin):
    list_display = ("name", "code", "regulation", "wbbm_rules_complete", "created_at")
    inlines = [ComponentInline, ReadinessRuleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._queued(request, [form.instance.pk])


class AreaInline(admin.TabularInline):
    model = Area
    fields = ("code", "name", "weight", "order")
    extra = 0
    show_change_link = True


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "weight", "version")
    list_filter = ("version",)
    inlines = [AreaInline]


class PartInline(admin.TabularInline):
    model = Part
    fields = ("kind", "order")
    extra = 0
    show_change_link = True


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "weight", "component")
    list_filter = ("component__version", "component")
    inlines = [PartInline]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ("code", "name", "weight", "order")
    extra = 0
    show_change_link = True


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind")
    list_filter = ("area__component__version", "kind")
    inlines = [IndicatorInline]


class QuestionInline(admin.StackedInline):
    model = Question
    fields = ("code", "key", "text", "answer_type", "formula", "evidence_required", "order")
    extra = 0
    show_change_link = True


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "weight", "part")
    list_filter = ("part__area__component__version", "part__area", "part__kind")
    search_fields = ("name",)
    inlines = [QuestionInline]


class OptionInline(admin.TabularInline):
    model = Option
    fields = ("letter", "text", "order")
    extra = 0


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("key", "text", "answer_type", "formula", "evidence_required")
    list_filter = ("version", "answer_type", "evidence_required", "indicator__part__area")
    search_fields = ("key", "text")
    list_select_related = ("indicator",)
    inlines = [OptionInline]


class RefreshVerdictsMixin(RescoreMessage):
    """Stored verdicts depend on the rules: recompute them whenever a rule changes here."""

    def _refresh(self, request, version_ids):
        self._queued(request, version_ids)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._refresh(request, [obj.version_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._refresh(request, [obj.version_id])

    def delete_queryset(self, request, queryset):
        versions = list(queryset.values_list("version_id", flat=True))
        super().delete_queryset(request, queryset)
        self._refresh(request, versions)


RULE_VALUE_FIELDS = {"predicate", "scope", "target", "minimum", "minimum_percent", "label", "is_confirmed"}


@admin.register(ReadinessRule)
class ReadinessRuleAdmin(RefreshVerdictsMixin, admin.ModelAdmin):
    """Rules seeded from the regulation's file follow it on every ``load_lke``; a rule changed
    or added here is marked *diubah admin* and kept as the admin set it (the command names it)."""

    list_display = ("label", "predicate", "scope", "target", "minimum", "minimum_percent", "is_confirmed",
                    "customised", "key", "version")
    list_filter = ("version", "predicate", "is_confirmed", "customised")
    list_editable = ("minimum", "minimum_percent", "is_confirmed")
    readonly_fields = ("key", "customised")
    actions = ["reset_to_regulation"]

    def save_model(self, request, obj, form, change):
        if not change or form is None or RULE_VALUE_FIELDS & set(form.changed_data):
            obj.customised = True
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Kembalikan ke syarat regulasi (berkas syarat kesiapan)"))
    def reset_to_regulation(self, request, queryset):
        data = lke_loader.read_rules(lke_loader.DEFAULT_RULES)
        n = 0
        for version in TemplateVersion.objects.filter(pk__in=queryset.values("version_id")):
            if isinstance(data, dict) and data.get("version") not in (None, version.code):
                continue
            n += lke_loader.reset_rules(version, data, queryset.filter(version=version).values_list("key", flat=True))
        self.message_user(request, _("%(n)d syarat dikembalikan ke nilai regulasi.") % {"n": n})
        self._refresh(request, queryset.values_list("version_id", flat=True))


@admin.register(PrerequisiteDefinition)
class PrerequisiteDefinitionAdmin(admin.ModelAdmin):
    """Tabel 5 as loaded from the regulation's file by ``load_lke``: shown, not edited here."""

    list_display = ("label", "level", "kind", "minimums", "source", "version")
    list_filter = ("version", "level")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "instansi", "version", "status", "fill_deadline", "review_deadline",
                    "participants")
    list_filter = ("instansi", "status", "year")
    actions = ["enrol_active_units"]

    def get_readonly_fields(self, request, obj=None):
        # A round is opened, closed and reopened on its dashboard, with the reason in its history.
        return ("status",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:  # new deadlines apply from the next change on, not half-way through one in flight
            services.lock_round(obj.pk)
        super().save_model(request, obj, form, change)
        if change and {"fill_deadline", "proposal_deadline"} & set(form.changed_data):
            # "building ZI ≥ 1 year" counts back from the proposal date: the units' standing follows.
            tasks.queue_rescore(round_id=obj.pk)
            self.message_user(request, _("Kesiapan unit periode ini dihitung ulang di latar belakang."))

    @admin.display(description=_("unit peserta"))
    def participants(self, obj):
        return obj.worksheets.count()

    @admin.action(description=_("Ikutsertakan semua unit aktif (kecuali Inspektorat) sebagai peserta"))
    def enrol_active_units(self, request, queryset):
        created = 0
        for round_ in queryset:
            have = set(round_.worksheets.values_list("unit_id", flat=True))
            units = (Unit.objects.filter(instansi=round_.instansi, is_active=True)
                     .exclude(kind=Unit.Kind.INSPEKTORAT).exclude(pk__in=have))
            created += len(Worksheet.objects.bulk_create([Worksheet(round=round_, unit=u) for u in units]))
            tasks.queue_rescore(round_id=round_.pk, only_missing=True)
        self.message_user(request, _("%(n)d unit ditambahkan sebagai peserta.") % {"n": created})


@admin.register(Worksheet)
class WorksheetAdmin(admin.ModelAdmin):
    list_display = ("unit", "round", "status", "submitted_at", "deadline_extension")
    list_filter = ("round", "status")
    search_fields = ("unit__name",)
    filter_horizontal = ("reviewers",)
    list_select_related = ("unit", "round")
    readonly_fields = ("status", "submitted_at", "decided_at")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        score_store.refresh([obj.pk])  # a unit added to a round appears on the dashboard at once


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never added, changed or deleted here: these rows change only through the app's
    services, which keep scores and the audit trail whole."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ("worksheet", "question", "unit_option", "unit_number", "tpi_option", "tpi_number",
                    "needs_revision", "updated_at")
    list_filter = ("worksheet__round", "needs_revision")
    list_select_related = ("worksheet__unit", "worksheet__round", "question")
    search_fields = ("worksheet__unit__name", "question__key")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "answer", "attached_by", "attached_at")
    list_select_related = ("document", "answer__worksheet__unit", "answer__question", "attached_by")


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ("number", "original_name", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """The units' evidence libraries, to read: documents are added and versioned on the unit's pages."""

    list_display = ("title", "unit", "kind", "period_year", "period_part", "owner", "link_status", "created_at")
    list_filter = ("kind", "link_status")
    list_select_related = ("unit", "owner")
    search_fields = ("title", "unit__name", "url")
    inlines = [DocumentVersionInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default, without the warning


@admin.register(CarryOver)
class CarryOverAdmin(ReadOnlyAdmin):
    list_display = ("round", "requested_by", "requested_at", "status", "done_units", "total_units", "started_units")
    list_select_related = ("round", "requested_by")


@admin.register(WorksheetEvent)
class WorksheetEventAdmin(ReadOnlyAdmin):
    """The audit trail is append-only."""

    list_display = ("created_at", "worksheet", "kind", "from_status", "to_status", "field", "actor")
    list_filter = ("kind", "worksheet__round")
    list_select_related = ("worksheet__unit", "worksheet__round", "actor")


@admin.register(RoundEvent)
class RoundEventAdmin(ReadOnlyAdmin):
    """A round's status history is append-only."""

    list_display = ("created_at", "round", "from_status", "to_status", "actor", "comment")
    list_select_related = ("round", "actor")


@admin.register(PrerequisiteRecord)
class PrerequisiteRecordAdmin(ReadOnlyAdmin):
    """Recorded facts are append-only: a correction is a new record on the app's pages."""

    list_display = ("definition", "value", "round", "worksheet", "recorded_by", "recorded_at")
    list_filter = ("definition__level", "definition")
    list_select_related = ("definition", "round", "worksheet__unit", "recorded_by")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


admin.site.unregister(Unit)


@admin.register(Unit)
class UnitAdmin(BaseUnitAdmin):
    """The units admin, plus what evaluations keeps of a unit: its worksheets' stored verdicts
    depend on the predicate it holds and on its Stranas PK service (units never imports evaluations)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"predicate", "predicate_year", "stranas_pk_service"} & set(form.changed_data):
            tasks.queue_rescore(unit_ids=[obj.pk])
            self.message_user(request, _("Kesiapan kertas kerja unit ini dihitung ulang di latar belakang."))


@admin.register(Kawasan)
class KawasanAdmin(admin.ModelAdmin):
    list_display = ("name", "instansi")
    list_filter = ("instansi",)
    filter_horizontal = ("units",)
