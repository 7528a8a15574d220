from django.core.management.base import BaseCommand

from evaluations import score_store
from evaluations.models import Worksheet


class Command(BaseCommand):
    help = ("Hitung ulang nilai dan kesiapan tersimpan (dasbor) dari jawaban. Biasanya tidak perlu: setiap "
            "perubahan lewat aplikasi sudah memperbaruinya; gunakan setelah mengubah data langsung di basis data.")

    def add_arguments(self, parser):
        parser.add_argument("--round", type=int, help="hanya periode dengan id ini")

    def handle(self, *args, round=None, **options):
        ids = Worksheet.objects.all()
        if round:
            ids = ids.filter(round_id=round)
        ids = list(ids.values_list("pk", flat=True))
        for start in range(0, len(ids), 200):
            score_store.refresh(ids[start:start + 200])
        self.stdout.write(self.style.SUCCESS(f"{len(ids)} kertas kerja dihitung ulang."))
