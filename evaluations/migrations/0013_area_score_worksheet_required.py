import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Every area row has its worksheet now (0012)."""

    dependencies = [
        ("evaluations", "0012_area_score_basis_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="areascore",
            name="worksheet",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="evaluations.worksheet"),
        ),
    ]
