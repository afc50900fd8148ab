from django.db import migrations

from jifen.core import appendonly

TABLE = "audit_auditevent"


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    appendonly.install(schema_editor.connection, TABLE)


def remove(apps, schema_editor):  # type: ignore[no-untyped-def]
    appendonly.remove(schema_editor.connection, TABLE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
