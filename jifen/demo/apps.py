from django.apps import AppConfig


class DemoConfig(AppConfig):
    # An app only so that `jifen demo` is its command: the demo has no models and no pages.
    name = "jifen.demo"
    verbose_name = "演示数据"
