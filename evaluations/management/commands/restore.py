from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations import backup


class Command(BaseCommand):
    help = ("Pulihkan cadangan dari `manage.py backup` ke basis data KOSONG (DATABASE_URL) dan EVIDENCE_ROOT, "
            "lalu periksa jumlah baris dan checksum setiap berkas terhadap manifest.")

    def add_arguments(self, parser):
        parser.add_argument("archive", help="berkas zi-tracker-backup-….tar.gz")

    def handle(self, *args, archive, **options):
        try:
            backup.restore(Path(archive), log=self.stdout.write)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS("Pemulihan selesai dan terverifikasi."))
