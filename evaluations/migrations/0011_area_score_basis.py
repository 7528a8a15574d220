import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The area rows carry their worksheet and value set (filled in 0012, required from 0013)."""

    dependencies = [
        ("evaluations", "0010_spec_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="areascore",
            name="worksheet",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="evaluations.worksheet"),
        ),
        migrations.AddField(
            model_name="areascore",
            name="value_set",
            field=models.CharField(choices=[("unit", "Unit"), ("tpi", "TPI")], default="unit", max_length=4),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="areascore",
            name="superseded",
            field=models.BooleanField(default=False, help_text="Nilai unit yang telah dinilai TPI."),
        ),
    ]
