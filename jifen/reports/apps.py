from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jifen.reports"
    verbose_name = "报表"
