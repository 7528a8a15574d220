from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evaluations import lke_loader

DEFAULT = Path(settings.BASE_DIR) / "fixtures" / "lke_zi_permenpanrb_90_2021.json"
DEFAULT_RULES = Path(settings.BASE_DIR) / "fixtures" / "readiness_lke_zi_90_2021.json"


class Command(BaseCommand):
    help = "Muat (atau perbarui) template LKE ZI dan syarat kesiapannya dari berkas JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT))
        parser.add_argument("--rules", default=str(DEFAULT_RULES))

    def handle(self, *args, path, rules, **options):
        import json

        try:
            data = lke_loader.read(Path(path))
        except lke_loader.LKEFormatError as exc:
            raise CommandError(f"Berkas LKE tidak valid:\n{exc}") from exc
        rule_data = json.loads(Path(rules).read_text(encoding="utf-8")) if rules and Path(rules).exists() else None
        version = lke_loader.load(data, rule_data)
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(
                f"{version.name}: {version.questions.count()} pertanyaan, "
                f"{version.readiness_rules.count()} syarat kesiapan."))
