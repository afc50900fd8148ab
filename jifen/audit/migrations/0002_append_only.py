from django.db import migrations

from jifen.core import appendonly


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [appendonly.migration_operation("audit_auditevent")]
