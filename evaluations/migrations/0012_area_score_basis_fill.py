from django.db import migrations
from django.db.models import Exists, OuterRef, Subquery


def copy_from_scores(apps, schema_editor):
    """Existing area rows take their worksheet and value set from their score row; a unit row is
    superseded where the worksheet has a TPI row."""
    AreaScore = apps.get_model("evaluations", "AreaScore")
    WorksheetScore = apps.get_model("evaluations", "WorksheetScore")
    score = WorksheetScore.objects.filter(pk=OuterRef("score_id"))
    AreaScore.objects.update(worksheet_id=Subquery(score.values("worksheet_id")),
                             value_set=Subquery(score.values("value_set")))
    tpi = WorksheetScore.objects.filter(worksheet_id=OuterRef("worksheet_id"), value_set="tpi")
    AreaScore.objects.filter(value_set="unit").filter(Exists(tpi)).update(superseded=True)


class Migration(migrations.Migration):
    """Apart from 0011 and 0013: on PostgreSQL a table cannot be altered or indexed in the
    transaction that filled its foreign keys (pending deferred-constraint checks)."""

    dependencies = [
        ("evaluations", "0011_area_score_basis"),
    ]

    operations = [
        migrations.RunPython(copy_from_scores, migrations.RunPython.noop),
    ]
