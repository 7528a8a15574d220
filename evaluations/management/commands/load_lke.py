from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evaluations import lke_loader, score_store


class Command(BaseCommand):
    help = ("Muat (atau perbarui) template LKE ZI dan syarat kesiapannya dari berkas JSON, lalu hitung ulang "
            "nilai dan kesiapan tersimpan setiap kertas kerja versi itu. Jawaban tidak diubah.")

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(lke_loader.DEFAULT_TEMPLATE))
        parser.add_argument("--rules", default=str(lke_loader.DEFAULT_RULES))

    def handle(self, *args, path, rules, **options):
        try:
            data = lke_loader.read(Path(path))
        except lke_loader.LKEFormatError as exc:
            raise CommandError(f"Berkas LKE tidak valid:\n{exc}") from exc
        rule_data = lke_loader.read_rules(Path(rules)) if rules and Path(rules).exists() else None
        version, report = lke_loader.load(data, rule_data)
        # Formulas or rules may have changed: the stored figures of every worksheet follow at once.
        recomputed = score_store.refresh_version(version.pk)
        if options["verbosity"] == 0:
            return
        self.stdout.write(self.style.SUCCESS(
            f"{version.name}: {version.questions.count()} pertanyaan, "
            f"{version.readiness_rules.count()} syarat kesiapan; {recomputed} kertas kerja dihitung ulang."))
        if report is None:
            return
        for title, items in (("Syarat ditambahkan", report.created), ("Syarat diperbarui", report.updated),
                             ("Syarat dihapus (tidak ada lagi dalam regulasi)", report.removed)):
            for item in items:
                self.stdout.write(f"  {title}: {item}")
        for item in report.kept_customised:
            self.stdout.write(self.style.WARNING(
                f"  Dibiarkan karena diubah/ditambahkan admin: {item} — bandingkan dengan "
                f"{Path(rules).name}; admin → Syarat kesiapan → \"Kembalikan ke syarat regulasi\"."))
