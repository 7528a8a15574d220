from django.core.management.base import BaseCommand

from evaluations import library
from evaluations.models import DocumentVersion


class Command(BaseCommand):
    help = ("Hitung SHA-256 berkas pustaka bukti dukung yang belum memilikinya (berkas yang dipindahkan ke "
            "pustaka oleh migrasi 0015). Aman diulang; berkas yang hilang dari penyimpanan disebutkan.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=0, help="paling banyak sekian berkas (0: semua)")

    def handle(self, *args, limit=0, **options):
        missing = DocumentVersion.objects.filter(sha256="").order_by("pk")
        total = missing.count()
        done, gone = library.fill_checksums(limit=limit or None)
        for name in gone:
            self.stderr.write(f"Berkas tidak ada di penyimpanan: {name}")
        self.stdout.write(self.style.SUCCESS(
            f"{done} dari {total} berkas dihitung SHA-256-nya; {len(gone)} tidak ditemukan."))
