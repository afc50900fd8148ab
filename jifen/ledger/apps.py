from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jifen.ledger"
    verbose_name = "积分台账"

    def ready(self) -> None:
        # Every organization's chain is anchored (jifen.core.anchors) and so checked by verify.
        from jifen.ledger.heads import ledger_anchors_register  # noqa: PLC0415 (models load first)

        ledger_anchors_register()
