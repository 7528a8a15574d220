from django.core.management import call_command
from django.core.management.base import BaseCommand

from evaluations.demo import ACCOUNTS, DEMO_PASSWORD, DemoBuilder
from evaluations.models import TemplateVersion


class Command(BaseCommand):
    help = "Buat data demo (idempoten): instansi, unit, akun per peran, periode dan kertas kerja."

    def handle(self, *args, **options):
        version = TemplateVersion.objects.filter(code="lke-zi-90-2021").first()
        if version is None:
            call_command("load_lke", stdout=self.stdout)
            version = TemplateVersion.objects.get(code="lke-zi-90-2021")
        instansi = DemoBuilder(version).build()
        self.stdout.write(self.style.SUCCESS(f"Data demo siap: {instansi.name}."))
        for username, name, role, unit in ACCOUNTS:
            self.stdout.write(f"  {username:<14} {DEMO_PASSWORD}  {role:<9} {unit or name}")
