from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jifen.api"
    label = "api"
    verbose_name = "接口"
