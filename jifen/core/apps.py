from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jifen.core"
    verbose_name = "积分量化管理"

    def ready(self) -> None:
        # Importing the module registers Jifen's checks with `jifen check` (once apps load).
        from jifen.core import checks  # noqa: F401, PLC0415
