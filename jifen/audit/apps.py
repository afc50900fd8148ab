from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jifen.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from jifen.audit import receivers  # noqa: F401  (connects the login signals)
