from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "jifen.assessments"
    verbose_name = "组织考核"
