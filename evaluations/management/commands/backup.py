from decimal import Decimal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations import backup, numbers


class Command(BaseCommand):
    help = ("Buat cadangan lengkap: seluruh isi basis data (natural key, dapat dipulihkan ke SQLite atau "
            "PostgreSQL) dan semua berkas bukti dukung, dalam satu berkas .tar.gz dengan checksum.")

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="folder tujuan (bawaan: var/backups)")

    def handle(self, *args, output, **options):
        try:
            report = backup.create(Path(output))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(report.rows.values())
        size = numbers.plain(Decimal(report.bytes) / 1_048_576, 1)
        self.stdout.write(self.style.SUCCESS(
            f"Cadangan dibuat: {report.path} — {backup.thousands(rows)} baris, {report.files} berkas bukti dukung "
            f"({size} MB)."))
        if report.missing:
            self.stderr.write(self.style.WARNING(
                f"Perhatian: {len(report.missing)} bukti dukung tercatat tetapi berkasnya sudah tidak ada di "
                "penyimpanan (dicatat di manifest; pemulihan tetap berjalan): " + ", ".join(report.missing)))
        self.stdout.write(str(report.path))
