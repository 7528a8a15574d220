from django.db import migrations

CHUNK = 2000


def to_library(apps, schema_editor):
    """Each evidence row becomes a document of its unit's library, with its file as version 1 (the
    stored file keeps its name), and the row its attachment. Times and people are kept. The files'
    SHA-256 are left to ``manage.py document_checksums`` (reading every stored file — possibly
    hundreds of thousands in an object store — has no place in one migration transaction)."""
    Evidence = apps.get_model("evaluations", "Evidence")
    Document = apps.get_model("evaluations", "Document")
    DocumentVersion = apps.get_model("evaluations", "DocumentVersion")
    Document._meta.get_field("created_at").auto_now_add = False  # this migration's model only: keep the old time
    DocumentVersion._meta.get_field("uploaded_at").auto_now_add = False
    last = 0
    while True:
        rows = list(Evidence.objects.filter(pk__gt=last, document__isnull=True).order_by("pk")
                    .values("pk", "answer__worksheet__unit_id", "kind", "file", "original_name", "content_type",
                            "size", "url", "description", "attached_by_id", "attached_at")[:CHUNK])
        if not rows:
            break
        last = rows[-1]["pk"]
        docs = [Document(unit_id=r["answer__worksheet__unit_id"], kind=r["kind"],
                         title=(r["original_name"] or r["description"] or r["url"] or "berkas")[:255],
                         url=r["url"] if r["kind"] == "link" else "", owner_id=r["attached_by_id"],
                         created_by_id=r["attached_by_id"], created_at=r["attached_at"]) for r in rows]
        Document.objects.bulk_create(docs)
        versions = [DocumentVersion(document_id=d.pk, number=1, file=r["file"], original_name=r["original_name"],
                                    content_type=r["content_type"], size=r["size"],
                                    uploaded_by_id=r["attached_by_id"],
                                    uploaded_at=r["attached_at"])
                    for d, r in zip(docs, rows, strict=True) if r["kind"] == "file"]
        DocumentVersion.objects.bulk_create(versions)
        by_doc = {v.document_id: v.pk for v in versions}
        for d in docs:
            d.current_id = by_doc.get(d.pk)
        Document.objects.bulk_update([d for d in docs if d.current_id], ["current"])
        attachments = [Evidence(pk=r["pk"], document_id=d.pk) for d, r in zip(docs, rows, strict=True)]
        Evidence.objects.bulk_update(attachments, ["document"])


class Migration(migrations.Migration):
    """Apart from 0014 and 0016 (PostgreSQL: no ALTER in the transaction that filled the keys)."""

    dependencies = [
        ("evaluations", "0014_library"),
    ]

    operations = [
        migrations.RunPython(to_library, migrations.RunPython.noop),
    ]
