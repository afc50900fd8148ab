from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "jifen.roster"
    verbose_name = "党员花名册"
