import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import evaluations.models.library


class Migration(migrations.Migration):
    """The evidence library: documents with versions; evidence rows become attachments of a document
    (filled by 0015, required and stripped of their own file fields by 0016). Answers carried from the
    previous round; the admin's whole-round carry-over."""

    dependencies = [
        ("evaluations", "0013_area_score_worksheet_required"),
        ("units", "0003_password_change_required"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("file", "Berkas"), ("link", "Tautan")], max_length=4,
                                          verbose_name="jenis")),
                ("title", models.CharField(max_length=255, verbose_name="nama dokumen")),
                ("url", models.URLField(blank=True, max_length=500, verbose_name="tautan")),
                ("period_year", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="tahun periode")),
                ("period_part", models.CharField(blank=True, choices=[
                    ("", "Satu tahun"), ("s1", "Semester I"), ("s2", "Semester II"), ("q1", "Triwulan I"),
                    ("q2", "Triwulan II"), ("q3", "Triwulan III"), ("q4", "Triwulan IV")], max_length=2,
                    verbose_name="bagian periode")),
                ("link_status", models.CharField(blank=True, choices=[
                    ("", "Belum diperiksa"), ("ok", "Dapat dibuka"), ("broken", "Tidak dapat dibuka")], max_length=6,
                    verbose_name="status tautan")),
                ("link_checked_at", models.DateTimeField(blank=True, null=True, verbose_name="tautan diperiksa pada")),
                ("link_detail", models.CharField(blank=True, max_length=200, verbose_name="hasil pemeriksaan tautan")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ditambahkan pada")),
                ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                 related_name="+", to=settings.AUTH_USER_MODEL,
                                                 verbose_name="ditambahkan oleh")),
                ("owner", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                            related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="pemilik")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="documents",
                                           to="units.unit", verbose_name="unit kerja")),
            ],
            options={
                "verbose_name": "dokumen pustaka bukti",
                "verbose_name_plural": "pustaka bukti dukung",
                "ordering": ["unit_id", "title", "pk"],
                "indexes": [models.Index(fields=["unit", "title"], name="document_unit_title")],
                "constraints": [models.CheckConstraint(
                    condition=models.Q(models.Q(("kind", "file"), ("url", "")),
                                       models.Q(("kind", "link"), models.Q(("url", ""), _negated=True)),
                                       _connector="OR"),
                    name="document_file_or_link")],
            },
        ),
        migrations.CreateModel(
            name="DocumentVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="versi")),
                ("file", models.FileField(max_length=300, upload_to=evaluations.models.library.document_upload_to,
                                          verbose_name="berkas")),
                ("original_name", models.CharField(max_length=255, verbose_name="nama berkas")),
                ("content_type", models.CharField(max_length=100, verbose_name="tipe isi")),
                ("size", models.PositiveBigIntegerField(default=0, verbose_name="ukuran (byte)")),
                ("sha256", models.CharField(blank=True, max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="diunggah pada")),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="versions",
                                               to="evaluations.document", verbose_name="dokumen")),
                ("uploaded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL,
                                                  verbose_name="diunggah oleh")),
            ],
            options={
                "verbose_name": "versi dokumen",
                "verbose_name_plural": "versi dokumen",
                "ordering": ["document_id", "-number"],
                "constraints": [models.UniqueConstraint(fields=("document", "number"), name="document_version_unique")],
            },
        ),
        migrations.AddField(
            model_name="document",
            name="current",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="evaluations.documentversion", verbose_name="versi terkini"),
        ),
        migrations.AddField(
            model_name="evidence",
            name="document",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="attachments", to="evaluations.document", verbose_name="dokumen"),
        ),
        migrations.RenameField(model_name="evidence", old_name="uploaded_by", new_name="attached_by"),
        migrations.RenameField(model_name="evidence", old_name="uploaded_at", new_name="attached_at"),
        migrations.AlterField(
            model_name="evidence",
            name="attached_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="dilampirkan pada"),
        ),
        migrations.AlterField(
            model_name="evidence",
            name="attached_by",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                                    to=settings.AUTH_USER_MODEL, verbose_name="dilampirkan oleh"),
        ),
        migrations.AddField(
            model_name="answer",
            name="carried",
            field=models.BooleanField(default=False, help_text=(
                "Dibawa dari periode sebelumnya dan belum diperiksa: hilang saat unit menyimpan jawaban ini."),
                verbose_name="dari periode sebelumnya"),
        ),
        migrations.AlterField(
            model_name="worksheetevent",
            name="kind",
            field=models.CharField(choices=[
                ("status", "Perubahan status"), ("value", "Perubahan nilai"), ("deadline", "Perpanjangan batas waktu"),
                ("import", "Impor Excel"), ("assign", "Penugasan TPI"), ("prerequisite", "Syarat pengusulan"),
                ("carry", "Mulai dari periode sebelumnya")], max_length=12, verbose_name="jenis"),
        ),
        migrations.CreateModel(
            name="CarryOver",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("requested_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="diminta pada")),
                ("status", models.CharField(choices=[("queued", "Menunggu giliran"), ("running", "Sedang berjalan"),
                                                     ("done", "Selesai"), ("failed", "Gagal")], default="queued",
                                            max_length=10, verbose_name="status")),
                ("total_units", models.PositiveIntegerField(default=0, verbose_name="jumlah unit")),
                ("done_units", models.PositiveIntegerField(default=0, verbose_name="unit diproses")),
                ("started_units", models.PositiveIntegerField(default=0,
                                                              verbose_name="unit dimulai dari periode sebelumnya")),
                ("skipped_units", models.PositiveIntegerField(default=0, verbose_name="unit dilewati")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="selesai pada")),
                ("error", models.CharField(blank=True, max_length=300, verbose_name="galat")),
                ("requested_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="+", to=settings.AUTH_USER_MODEL,
                                                   verbose_name="diminta oleh")),
                ("round", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="carry_overs",
                                            to="evaluations.round", verbose_name="periode")),
            ],
            options={
                "verbose_name": "mulai dari periode sebelumnya",
                "verbose_name_plural": "mulai dari periode sebelumnya",
                "ordering": ["-requested_at", "-pk"],
            },
        ),
    ]
