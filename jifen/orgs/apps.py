from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "jifen.orgs"
    verbose_name = "组织与人员"
