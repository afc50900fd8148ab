from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "jifen.ledger"
    verbose_name = "积分台账"
