from django.apps import AppConfig


class RulebooksConfig(AppConfig):
    name = "jifen.rulebooks"
    verbose_name = "积分办法"
