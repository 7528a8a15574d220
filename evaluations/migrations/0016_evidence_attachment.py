import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every evidence row points at its document now (0015); the file and link live there."""

    dependencies = [
        ("evaluations", "0015_library_fill"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evidence", name="evidence_file_xor_link"),
        migrations.RemoveField(model_name="evidence", name="content_type"),
        migrations.RemoveField(model_name="evidence", name="file"),
        migrations.RemoveField(model_name="evidence", name="kind"),
        migrations.RemoveField(model_name="evidence", name="original_name"),
        migrations.RemoveField(model_name="evidence", name="size"),
        migrations.RemoveField(model_name="evidence", name="url"),
        migrations.AlterField(
            model_name="evidence",
            name="document",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="attachments",
                                    to="evaluations.document", verbose_name="dokumen"),
        ),
        migrations.AlterModelOptions(
            name="evidence",
            options={"ordering": ["answer_id", "attached_at", "pk"], "verbose_name": "bukti dukung",
                     "verbose_name_plural": "bukti dukung"},
        ),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(fields=("answer", "document"), name="evidence_unique_document"),
        ),
    ]
