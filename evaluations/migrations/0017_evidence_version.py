import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def pin_current(apps, schema_editor):
    """Each file attachment rests on its document's current version (what it showed until now)."""
    Evidence = apps.get_model("evaluations", "Evidence")
    Document = apps.get_model("evaluations", "Document")
    Evidence.objects.filter(document__kind="file").update(
        version_id=Subquery(Document.objects.filter(pk=OuterRef("document_id")).values("current_id")[:1]))


class Migration(migrations.Migration):
    """An attachment names the version of its file: a new version reaches only answers that can
    still change; submitted ones keep what the TPI saw."""

    dependencies = [
        ("evaluations", "0016_evidence_attachment"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="version",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="attachments", to="evaluations.documentversion",
                                    verbose_name="versi", help_text=(
                                        "Versi berkas yang menjadi dasar jawaban ini (tautan tidak berversi): versi "
                                        "baru hanya sampai ke jawaban yang masih dapat diubah; yang sudah diajukan "
                                        "tetap memakai versi yang dilihat TPI.")),
        ),
        migrations.RunPython(pin_current, migrations.RunPython.noop),
    ]
