from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jifen.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        # Here, once every app is loaded (Django's rule for signal receivers): importing the
        # module connects the login signals.
        from jifen.audit import receivers  # noqa: F401, PLC0415
        from jifen.audit.chain import audit_anchors_register  # noqa: PLC0415

        audit_anchors_register()
