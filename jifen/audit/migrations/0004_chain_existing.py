"""Chain the events written before the audit log was chained, in the order they were written
(by id), and set the head after the last: existing deployments verify from their first event.
The append-only triggers are lifted for the numbering and put back by the next migration."""

from typing import Any

from django.db import migrations

from jifen.core import appendonly

TABLE = "audit_auditevent"


def chain_existing(apps: Any, schema_editor: Any) -> None:
    from jifen.audit.chain import content_hash, event_content  # noqa: PLC0415

    event_model = apps.get_model("audit", "AuditEvent")
    head_model = apps.get_model("audit", "AuditHead")
    appendonly.remove(schema_editor.connection, TABLE)
    seq, prev = 0, "0" * 64
    batch: list[Any] = []
    for event in event_model.objects.order_by("id").iterator(chunk_size=2000):
        seq += 1
        event.seq, event.prev_hash = seq, prev
        content = event_content(
            seq=seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_name=event.actor_name,
            action=event.action,
            target=event.target,
            summary=event.summary,
            detail=event.detail,
            ip=event.ip,
            path=event.path,
        )
        event.hash = prev = content_hash(content, prev)
        batch.append(event)
        if len(batch) >= 1000:
            event_model.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
            batch = []
    event_model.objects.bulk_update(batch, ["seq", "prev_hash", "hash"])
    head_model.objects.update_or_create(id=1, defaults={"seq": seq, "head": prev})


def unchain(apps: Any, schema_editor: Any) -> None:
    appendonly.remove(schema_editor.connection, TABLE)
    apps.get_model("audit", "AuditHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chain")]
    operations = [migrations.RunPython(chain_existing, unchain)]
