from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "jifen.ratings"
    verbose_name = "年终评定"
