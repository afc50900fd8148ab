"""Organization paths written with ten-digit ids, so that sorting by path is the tree's order
(docs/decisions.md, "Organizations in the tree's order")."""

from django.db import migrations

DIGITS = 10  # jifen.orgs.models.PATH_DIGITS when this was written


def _padded(apps, schema_editor):  # type: ignore[no-untyped-def]
    organization = apps.get_model("orgs", "Organization")
    rows = list(organization.objects.only("pk", "path"))
    for row in rows:
        ids = [int(part) for part in row.path.strip("/").split("/") if part]
        row.path = "/" + "".join(f"{pk:0{DIGITS}d}/" for pk in ids)
    organization.objects.bulk_update(rows, ["path"], batch_size=500)


def _unpadded(apps, schema_editor):  # type: ignore[no-untyped-def]
    organization = apps.get_model("orgs", "Organization")
    rows = list(organization.objects.only("pk", "path"))
    for row in rows:
        ids = [int(part) for part in row.path.strip("/").split("/") if part]
        row.path = "/" + "".join(f"{pk}/" for pk in ids)
    organization.objects.bulk_update(rows, ["path"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_organization_kinds")]

    operations = [migrations.RunPython(_padded, _unpadded)]
