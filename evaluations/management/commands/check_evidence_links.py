from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils.translation import gettext as _

from evaluations import tasks
from evaluations.models import Document
from units.models import Unit


class Command(BaseCommand):
    help = _("Periksa sekarang apakah tautan bukti dukung di pustaka masih dapat dibuka (untuk cron atau "
             "pemeriksaan manual; setiap malam tautan yang seminggu tidak diperiksa sudah dijadwalkan "
             "otomatis).")

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--unit", type=int, metavar="ID", help=_("hanya tautan unit kerja dengan id ini"))
        which.add_argument("--all", action="store_true", dest="all_units", help=_("tautan semua unit kerja"))

    def handle(self, *args, unit=None, all_units=False, **options):
        """Runs in this process, not through the queue: whoever starts it (by hand or from cron) waits
        for the answer and reads it here. Every link chosen is asked again, however recently it was
        checked."""
        docs = Document.objects.filter(kind=Document.Kind.LINK).exclude(url="")
        if unit is not None:
            if not Unit.objects.filter(pk=unit).exists():
                raise CommandError(_("Unit kerja dengan id %(id)s tidak ada.") % {"id": unit})
            docs = docs.filter(unit_id=unit)
        ids = list(docs.values_list("pk", flat=True))
        if not ids:
            self.stdout.write(_("Tidak ada tautan untuk diperiksa."))
            return
        tasks.check_links.call(document_ids=ids)
        checked = Document.objects.filter(pk__in=ids)
        counts = dict.fromkeys(Document.LinkStatus.values, 0)
        counts.update(checked.order_by().values_list("link_status").annotate(n=Count("pk")))
        broken = checked.filter(link_status=Document.LinkStatus.BROKEN).select_related("unit")
        for doc in broken.order_by("unit__name", "title", "pk").iterator():
            self.stdout.write(f"  ✗ {doc.unit.name} — {doc.title}: {doc.url} ({doc.link_detail})")
        summary = _("%(total)s tautan diperiksa: %(ok)s dapat dibuka, %(broken)s tidak dapat dibuka, "
                    "%(skipped)s tidak diperiksa (alamat jaringan internal atau bukan http/https).") % {
            "total": len(ids), "ok": counts[Document.LinkStatus.OK], "broken": counts[Document.LinkStatus.BROKEN],
            "skipped": counts[Document.LinkStatus.UNCHECKED]}
        style = self.style.WARNING if counts[Document.LinkStatus.BROKEN] else self.style.SUCCESS
        self.stdout.write(style(summary))
