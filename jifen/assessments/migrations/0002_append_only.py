from django.db import migrations

from jifen.core import appendonly


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        appendonly.migration_operation("assessments_sheetreopen"),
        appendonly.migration_operation("assessments_spotcheck"),
    ]
