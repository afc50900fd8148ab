from django.db import migrations

from jifen.orgs.kinds import kinds_ensure


def add_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    kinds_ensure(apps.get_model("orgs", "OrganizationKind"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
