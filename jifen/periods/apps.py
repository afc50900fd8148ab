from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "jifen.periods"
    verbose_name = "期间与公示"
