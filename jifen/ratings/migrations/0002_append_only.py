from django.db import migrations

from jifen.core import appendonly


class Migration(migrations.Migration):
    dependencies = [("ratings", "0001_initial")]
    operations = [
        appendonly.migration_operation(table)
        for table in (
            "ratings_starproposal",
            "ratings_stardecision",
            "ratings_followup",
            "ratings_followupstep",
        )
    ]
