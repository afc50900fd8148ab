from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jifen.core"
    verbose_name = "积分量化管理"
