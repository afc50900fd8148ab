"""Every event numbered once; then the append-only triggers back (on SQLite altering a column
rebuilds the table, which drops its triggers)."""

from django.db import migrations, models

from jifen.core import appendonly


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_chain_existing")]
    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="序号"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(max_length=64),
        ),
        appendonly.migration_operation("audit_auditevent"),
    ]
