from django.db import migrations

from surveys.instruments import load_national


def load(apps, schema_editor):
    load_national(apps.get_model("surveys", "Instrument"), apps.get_model("surveys", "Aspect"),
                  apps.get_model("surveys", "Item"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
